"""Cues a test-wise candidate could use without knowing the content, and a guesser that uses them.

A candidate who knows nothing about AI but has learned the habits of item writers avoids options
with absolute words ("always", "never", "only", "toujours", "jamais", "seulement"...) and picks by
length. :func:`guesser_rate` plays such a candidate on the bank's single-answer items, with every
length habit it could have learned (longest, shortest, middle, none), and keeps the best: the bank
leaks no usable cue when that rate stays close to chance.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from item_bank.schema import Item, ItemType

#: Words that make a claim absolute, per language (matched as whole words, case-insensitive).
ABSOLUTE_WORDS: dict[str, tuple[str, ...]] = {
    "fr": (
        "toujours",
        "jamais",
        "seulement",
        "seul",
        "seule",
        "seuls",
        "seules",
        "uniquement",
        "aucun",
        "aucune",
        "tous",
        "toutes",
        "tout",
        "toute",
        "systématiquement",
        "entièrement",
        "totalement",
        "forcément",
        "nécessairement",
        "impossible",
        "garantit",
        "garantir",
        "garanti",
        "garantie",
        "exclusivement",
        "rien",
        "nul",
        "nulle",
        "interdit",
        "interdite",
    ),
    "en": (
        "always",
        "never",
        "only",
        "all",
        "every",
        "none",
        "no one",
        "nothing",
        "entirely",
        "completely",
        "totally",
        "systematically",
        "necessarily",
        "impossible",
        "guarantee",
        "guarantees",
        "guaranteed",
        "exclusively",
        "any",
        "forbidden",
        "banned",
        "must",
    ),
}

_PATTERNS: dict[str, re.Pattern[str]] = {
    language: re.compile(
        r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE
    )
    for language, words in ABSOLUTE_WORDS.items()
}

#: How the candidate ranks the options left after avoiding absolute words.
LENGTH_HABITS: tuple[str, ...] = ("longest", "shortest", "middle", "none")


def has_absolute(text: str, language: str) -> bool:
    """Whether ``text`` holds an absolute word of ``language``."""
    pattern = _PATTERNS.get(language)
    return bool(pattern and pattern.search(text))


def _choices(lengths: Sequence[int], habit: str) -> list[int]:
    """The options (indices) a candidate with ``habit`` hesitates between, among ``lengths``."""
    indices = list(range(len(lengths)))
    if habit == "none" or len(indices) <= 1:
        return indices
    if habit == "longest":
        best = max(lengths)
        return [i for i in indices if lengths[i] == best]
    if habit == "shortest":
        best = min(lengths)
        return [i for i in indices if lengths[i] == best]
    ranked = sorted(indices, key=lambda i: lengths[i])
    return ranked[1:-1] if len(ranked) > 2 else ranked


def guess_chance(item: Item, habit: str, *, avoid_absolutes: bool = True) -> float:
    """Probability that the candidate picks the key of a single-answer ``item``.

    Options with an absolute word are set aside first (unless every option has one); the candidate
    then hesitates between the options its length habit points to and picks one at random.
    """
    options = list(item.options)
    kept = options
    if avoid_absolutes:
        plain = [o for o in options if not has_absolute(o.text, item.language)]
        kept = plain or options
    picks = _choices([len(o.text) for o in kept], habit)
    return sum(1 for i in picks if kept[i].correct) / len(picks)


@dataclass(frozen=True)
class GuesserReport:
    """The guesser's expected score per habit, over ``items`` single-answer items."""

    language: str
    items: int
    by_habit: dict[str, float]
    chance: float

    @property
    def best_habit(self) -> str:
        return max(self.by_habit, key=lambda h: self.by_habit[h])

    @property
    def rate(self) -> float:
        """The best habit's expected proportion of keys found."""
        return self.by_habit[self.best_habit] if self.by_habit else 0.0


def single_answer(items: Iterable[Item], language: str) -> list[Item]:
    return [i for i in items if i.language == language and i.type is ItemType.SINGLE]


def guesser_rate(items: Iterable[Item], language: str) -> GuesserReport:
    """The test-wise guesser on the single-answer items of ``language``."""
    chosen = single_answer(items, language)
    if not chosen:
        return GuesserReport(language, 0, {}, 0.0)
    by_habit = {
        habit: sum(guess_chance(item, habit) for item in chosen) / len(chosen)
        for habit in LENGTH_HABITS
    }
    chance = sum(1 / len(item.options) for item in chosen) / len(chosen)
    return GuesserReport(language, len(chosen), by_habit, chance)


@dataclass(frozen=True)
class CueStats:
    """How keys and distractors differ in form, over the single-answer items of a language."""

    language: str
    items: int
    absolute_in_keys: float
    absolute_in_distractors: float
    key_longest: float
    key_shortest: float
    expected_extreme: float
    key_position: tuple[float, ...]


def _rate(values: Iterable[bool]) -> float:
    seen = list(values)
    return sum(seen) / len(seen) if seen else 0.0


def cue_stats(items: Iterable[Item], language: str) -> CueStats:
    chosen = single_answer(items, language)
    keys = [o for i in chosen for o in i.options if o.correct]
    distractors = [o for i in chosen for o in i.options if not o.correct]

    def rank(item: Item, pick: Callable[[Sequence[int]], int]) -> bool:
        lengths = [len(o.text) for o in item.options]
        target = pick(lengths)
        return any(o.correct and len(o.text) == target for o in item.options)

    width = max((len(i.options) for i in chosen), default=0)
    positions = [0] * width
    for item in chosen:
        for index, option in enumerate(item.options):
            if option.correct:
                positions[index] += 1
    return CueStats(
        language=language,
        items=len(chosen),
        absolute_in_keys=_rate(has_absolute(o.text, language) for o in keys),
        absolute_in_distractors=_rate(has_absolute(o.text, language) for o in distractors),
        key_longest=_rate(rank(i, max) for i in chosen),
        key_shortest=_rate(rank(i, min) for i in chosen),
        expected_extreme=sum(1 / len(i.options) for i in chosen) / len(chosen) if chosen else 0.0,
        key_position=tuple(n / len(chosen) for n in positions) if chosen else (),
    )
