"""Counts of items per topic × level × language, against the bank's targets.

The targets follow ITEM_BANK.md: 10 items per topic, level and language, 30 per topic and
language; a language's target is 30 × the number of topics shown (the topics of ``topics.yaml``:
14 topics make 420 items per language).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from item_bank.schema import LANGUAGES, LEVELS, Bank, Status

#: Targets of ITEM_BANK.md: per topic and language, per topic, level and language.
TARGET_PER_TOPIC = 30
TARGET_PER_LEVEL = 10


@dataclass(frozen=True)
class Stats:
    """Item counts; ``counts[(topic, level, language)]`` (missing cells count 0)."""

    counts: Mapping[tuple[str, int, str], int]
    topics: tuple[str, ...]
    languages: tuple[str, ...] = LANGUAGES
    levels: tuple[int, ...] = LEVELS

    def count(
        self, topic: str | None = None, level: int | None = None, language: str | None = None
    ) -> int:
        return sum(
            n
            for (t, lv, lang), n in self.counts.items()
            if (topic is None or t == topic)
            and (level is None or lv == level)
            and (language is None or lang == language)
        )

    @property
    def target_per_language(self) -> int:
        """30 items per topic shown: 420 for the 14 topics of the taxonomy."""
        return TARGET_PER_TOPIC * len(self.topics)

    def shortfalls(self) -> list[str]:
        """One line per count under its target (empty when the bank is complete)."""
        lines = []
        for language in self.languages:
            total = self.count(language=language)
            if total < self.target_per_language:
                lines.append(f"{language}: {total} items, target {self.target_per_language}")
            for topic in self.topics:
                n = self.count(topic=topic, language=language)
                if n < TARGET_PER_TOPIC:
                    lines.append(f"{language} {topic}: {n} items, target {TARGET_PER_TOPIC}")
                for level in self.levels:
                    n = self.count(topic, level, language)
                    if n < TARGET_PER_LEVEL:
                        lines.append(
                            f"{language} {topic} level {level}: {n} items, "
                            f"target {TARGET_PER_LEVEL}"
                        )
        return lines


def stats(
    bank: Bank,
    *,
    topics: Iterable[str] | None = None,
    operational_only: bool = False,
) -> Stats:
    """Count the bank's items (retired items never count; drafts count unless
    ``operational_only``). ``topics`` lists the rows to show even when empty."""
    counter: Counter[tuple[str, int, str]] = Counter()
    for item in bank:
        if item.status is Status.RETIRED or (operational_only and not item.is_operational):
            continue
        counter[(item.topic, item.level, item.language)] += 1
    rows = sorted(set(topics or ()) | {topic for topic, _, _ in counter})
    return Stats(counts=dict(counter), topics=tuple(rows))


def table(result: Stats) -> str:
    """A plain-text table: one row per topic, a column per level and language, totals;
    cells under target are marked with ``!``."""
    columns = [(lang, level) for lang in result.languages for level in result.levels]
    header = ["topic"]
    header += [f"{lang} N{level}" for lang, level in columns]
    header += [f"{lang} total" for lang in result.languages]
    rows = [header]
    for topic in result.topics:
        row = [topic]
        for lang, level in columns:
            row.append(_cell(result.count(topic, level, lang), TARGET_PER_LEVEL))
        for lang in result.languages:
            row.append(_cell(result.count(topic=topic, language=lang), TARGET_PER_TOPIC))
        rows.append(row)
    total = ["total"]
    total += [str(result.count(level=level, language=lang)) for lang, level in columns]
    total += [
        _cell(result.count(language=lang), result.target_per_language) for lang in result.languages
    ]
    rows.append(total)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.append(
        f"! under target: {TARGET_PER_LEVEL} per topic and level, {TARGET_PER_TOPIC} per "
        f"topic, {result.target_per_language} per language ({len(result.topics)} topics)"
    )
    return "\n".join(lines)


def _cell(value: int, target: int) -> str:
    return f"{value}!" if value < target else str(value)
