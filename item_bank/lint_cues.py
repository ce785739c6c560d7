"""Bank-level lint rules: no cue pays a test-wise candidate who knows nothing of the content.

Computed per language on the live (not retired) single-answer items, as ``boussole bank stats``
and ``boussole bank cues`` show them:

- ``key-position``: no key position holds more than 35 % of keys;
- ``key-length-rank``: the key is the longest option, and the shortest, each in a share of items
  within 10 points of the chance share (the mean of 1/number of options, 25 % for 4 options);
- ``absolute-words``: keys and distractors hold absolute words ("always", "jamais"...) at the
  same rate, within 5 points across a language and 15 points within a topic (about 28 items:
  a wider band, or sampling noise alone would fail topics);
- ``guesser``: the test-wise guesser of :mod:`item_bank.cues`, with its best habit, finds at
  most 30 % of keys (chance is about 25 %).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from item_bank.cues import cue_stats, describe_habit, guesser_rate
from item_bank.problems import Problem, letter
from item_bank.schema import Item, ItemType, Status

__all__ = [
    "ABSOLUTE_TOLERANCE",
    "ABSOLUTE_TOLERANCE_TOPIC",
    "LENGTH_RANK_TOLERANCE",
    "MAX_GUESSER_RATE",
    "MAX_SHARE",
    "MIN_BALANCE_ITEMS",
    "RULES",
    "cue_problems",
]

MAX_SHARE = 0.35
LENGTH_RANK_TOLERANCE = 0.10
ABSOLUTE_TOLERANCE = 0.05
ABSOLUTE_TOLERANCE_TOPIC = 0.15
MAX_GUESSER_RATE = 0.30
#: Balance rules need enough items for a share to mean something.
MIN_BALANCE_ITEMS = 10

RULES: dict[str, str] = {
    "key-position": "no key position holds more than 35 % of single-answer keys",
    "key-length-rank": (
        "the key is the longest option, and the shortest, each in about 1/number of options "
        "of single items (within 10 points)"
    ),
    "absolute-words": (
        "keys and distractors hold absolute words at the same rate (within 5 points per "
        "language, 15 per topic)"
    ),
    "guesser": "a test-wise guesser finds at most 30 % of single-answer keys",
}


def live_singles(items: Iterable[Item], language: str) -> list[Item]:
    return [
        i
        for i in items
        if i.language == language and i.type is ItemType.SINGLE and i.status is not Status.RETIRED
    ]


def cue_problems(items: Sequence[Item], language: str) -> list[Problem]:
    """The bank-level cue rules on ``items`` (any selection) for ``language``."""
    singles = live_singles(items, language)
    found: list[Problem] = []
    if len(singles) >= MIN_BALANCE_ITEMS:
        where = f"{language}/"
        found += _positions(where, singles)
        found += _length_rank(where, singles)
        found += _absolutes(where, singles, ABSOLUTE_TOLERANCE)
        found += _guesser(where, singles, language)
    by_topic: dict[str, list[Item]] = defaultdict(list)
    for item in singles:
        by_topic[item.topic].append(item)
    for topic, chosen in sorted(by_topic.items()):
        if len(chosen) >= MIN_BALANCE_ITEMS:
            found += _absolutes(f"{language}/{topic}.yaml", chosen, ABSOLUTE_TOLERANCE_TOPIC)
    return found


def _positions(where: str, singles: Sequence[Item]) -> Iterable[Problem]:
    total = len(singles)
    positions = Counter(item.key_indices[0] for item in singles if len(item.key_indices) == 1)
    for position, count in sorted(positions.items()):
        if count / total > MAX_SHARE:
            yield Problem(
                where,
                "-",
                "key-position",
                f"the key is option {letter(position)} in {count} of {total} single-answer "
                f"items ({count / total:.0%}, max {MAX_SHARE:.0%})",
            )


def _length_rank(where: str, singles: Sequence[Item]) -> Iterable[Problem]:
    stats = cue_stats(singles, singles[0].language)
    expected = stats.expected_extreme
    for name, share, rarely in (
        ("longest", stats.key_longest, "lengthen"),
        ("shortest", stats.key_shortest, "shorten"),
    ):
        fix = rarely if share < expected else "lengthen" if rarely == "shorten" else "shorten"
        if abs(share - expected) > LENGTH_RANK_TOLERANCE:
            yield Problem(
                where,
                "-",
                "key-length-rank",
                f"the key is the {name} option in {share:.0%} of {stats.items} single-answer "
                f"items; chance would put it there in {expected:.0%} (±{LENGTH_RANK_TOLERANCE:.0%})"
                f": {fix} some keys (see `boussole bank cues`)",
            )


def _absolutes(where: str, singles: Sequence[Item], tolerance: float) -> Iterable[Problem]:
    stats = cue_stats(singles, singles[0].language)
    if abs(stats.absolute_gap) > tolerance:
        heavier = "distractors" if stats.absolute_gap > 0 else "keys"
        yield Problem(
            where,
            "-",
            "absolute-words",
            f"absolute words in {stats.absolute_in_keys:.0%} of keys and "
            f"{stats.absolute_in_distractors:.0%} of distractors ({stats.items} single-answer "
            f"items; at most {tolerance:.0%} apart): fewer in the {heavier}",
        )


def _guesser(where: str, singles: Sequence[Item], language: str) -> Iterable[Problem]:
    report = guesser_rate(singles, language)
    if report.rate > MAX_GUESSER_RATE:
        yield Problem(
            where,
            "-",
            "guesser",
            f"a test-wise guesser who {describe_habit(report.best_habit)} finds "
            f"{report.rate:.0%} of the keys of {report.items} single-answer items (max "
            f"{MAX_GUESSER_RATE:.0%}, chance {report.chance:.0%}): see `boussole bank cues`",
        )
