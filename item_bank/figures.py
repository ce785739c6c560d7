"""The figures of ``boussole bank stats`` beyond the counts, and the per-item report of
``boussole bank cues``: what a test-wise candidate could use, sources, reviews.

Everything is computed on live (not retired) items; cue figures on single-answer items, as the
lint rules of :mod:`item_bank.lint_cues` judge them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from item_bank.cues import (
    CueStats,
    GuesserReport,
    cue_stats,
    describe_habit,
    guesser_rate,
    item_cues,
)
from item_bank.lint_cues import (
    ABSOLUTE_TOLERANCE,
    LENGTH_RANK_TOLERANCE,
    MAX_GUESSER_RATE,
    live_singles,
)
from item_bank.lint_sources import cites_law
from item_bank.problems import item_file, letter, letters
from item_bank.reviews import review_figures
from item_bank.schema import Item, ReviewRole, Status

__all__ = [
    "SourceFigures",
    "cue_report",
    "cue_section",
    "review_section",
    "source_figures",
    "source_section",
]


def _pct(value: float) -> str:
    return f"{value:.0%}"


# -- cues -----------------------------------------------------------------------------------------
def _summary(guess: GuesserReport, cues: CueStats) -> list[str]:
    positions = ", ".join(f"{letter(i)} {_pct(v)}" for i, v in enumerate(cues.key_position))
    return [
        f"guesser {_pct(guess.rate)} ({describe_habit(guess.best_habit)}), chance "
        f"{_pct(guess.chance)}, target at most {_pct(MAX_GUESSER_RATE)}",
        f"absolute words: keys {_pct(cues.absolute_in_keys)}, distractors "
        f"{_pct(cues.absolute_in_distractors)} (same rate ± {_pct(ABSOLUTE_TOLERANCE)})",
        f"key longest {_pct(cues.key_longest)}, key shortest {_pct(cues.key_shortest)} "
        f"(chance {_pct(cues.expected_extreme)} ± {_pct(LENGTH_RANK_TOLERANCE)})",
        f"key position: {positions}",
    ]


def cue_section(items: Sequence[Item], languages: Iterable[str]) -> str:
    """Per language, then per topic: the guesser and the cue figures."""
    lines = ["Cues (live single-answer items)"]
    rows = [["topic", "lang", "items", "guesser", "habit", "abs keys", "abs distr", "longest",
             "shortest"]]  # fmt: skip
    for language in languages:
        singles = live_singles(items, language)
        if not singles:
            continue
        guess, cues = guesser_rate(singles, language), cue_stats(singles, language)
        lines.append(f"  {language}: {len(singles)} items")
        lines += [f"    {line}" for line in _summary(guess, cues)]
        for topic in sorted({i.topic for i in singles}):
            chosen = [i for i in singles if i.topic == topic]
            g, c = guesser_rate(chosen, language), cue_stats(chosen, language)
            rows.append(
                [
                    topic,
                    language,
                    str(len(chosen)),
                    _pct(g.rate),
                    g.best_habit,
                    _pct(c.absolute_in_keys),
                    _pct(c.absolute_in_distractors),
                    _pct(c.key_longest),
                    _pct(c.key_shortest),
                ]  # fmt: skip
            )
    if len(rows) > 1:
        lines.append(
            "  per topic (about 28 items each: the best of the guesser's habits reads a few "
            "points high by chance):"
        )
        lines += [f"    {line}" for line in _columns(rows)]
    return "\n".join(lines)


def cue_report(items: Sequence[Item], language: str, *, every_item: bool = False) -> str:
    """One line per single-answer item that carries a cue (every one with ``every_item``):
    which option is longest and shortest, which hold absolute words, and what gives the key
    away."""
    singles = live_singles(items, language)
    if not singles:
        return f"{language}: no single-answer item"
    guess, cues = guesser_rate(singles, language), cue_stats(singles, language)
    files = sorted({item_file(i) for i in singles})
    where = files[0] if len(files) == 1 else f"{language}/ ({len(files)} files)"
    lines = [f"{where}: {len(singles)} single-answer items"]
    lines += [f"  {line}" for line in _summary(guess, cues)]
    shown = 0
    for item in singles:
        found = item_cues(item, guess.best_habit)
        if not found.flags and not every_item:
            continue
        shown += 1
        absolute = "; ".join(
            f"{letter(i)} ({', '.join(words)})" for i, words in sorted(found.absolutes.items())
        )
        verdict = ", ".join(found.flags) or "no cue"
        lines.append(
            f"{item.id}  key {letter(found.key)}  longest {letters(found.longest)}  shortest "
            f"{letters(found.shortest)}  absolute words: {absolute or 'none'}  → {verdict}; "
            f"the guesser finds the key {_pct(found.guessed)}"
        )
    if not every_item:
        lines.append(f"{shown} of {len(singles)} items carry a cue (--all lists every item)")
    return "\n".join(lines)


# -- sources --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceFigures:
    language: str
    items: int
    sources: int
    #: Items with at least one source without a section (article, section or page).
    items_without_locator: int
    sources_without_locator: int
    #: Items citing the law without a URL for that citation.
    items_law_without_url: int


def source_figures(items: Iterable[Item], language: str) -> SourceFigures:
    live = [i for i in items if i.language == language and i.status is not Status.RETIRED]
    sources = [s for i in live for s in i.sources]
    return SourceFigures(
        language=language,
        items=len(live),
        sources=len(sources),
        items_without_locator=sum(1 for i in live if any(not s.section for s in i.sources)),
        sources_without_locator=sum(1 for s in sources if not s.section),
        items_law_without_url=sum(
            1 for i in live if any(cites_law(s) and not s.url for s in i.sources)
        ),
    )


def source_section(items: Sequence[Item], languages: Iterable[str]) -> str:
    lines = ["Sources"]
    for language in languages:
        f = source_figures(items, language)
        if not f.items:
            continue
        lines.append(
            f"  {language}: {f.items_without_locator} of {f.items} items cite a source without "
            f"locator ({f.sources_without_locator} of {f.sources} sources); "
            f"{f.items_law_without_url} items cite the law without its url"
        )
    return "\n".join(lines)


# -- reviews --------------------------------------------------------------------------------------
def review_section(items: Sequence[Item], languages: Iterable[str]) -> str:
    lines = ["Reviews (independent: by someone other than the author, of the current version)"]
    for language in languages:
        f = review_figures(items, language)
        if not f.items:
            continue
        roles = ", ".join(f"{role.value} {f.by_role.get(role, 0)}" for role in ReviewRole)
        lines.append(
            f"  {language}: {f.awaiting} of {f.items} items await an independent review; "
            f"reviewed by role: {roles}; named without a role: {f.without_role}"
        )
    return "\n".join(lines)


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) if i in (0, 1, 4) else cell.rjust(w)
                  for i, (cell, w) in enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows
    ]  # fmt: skip
