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

#: How the candidate ranks the options left after its stance on absolute words.
LENGTH_HABITS: tuple[str, ...] = ("longest", "shortest", "middle", "none")
#: What the candidate does with options holding an absolute word: set them aside (the habit the
#: issue found paying), pick among them, or pay no attention.
ABSOLUTE_STANCES: tuple[str, ...] = ("avoid", "prefer", "ignore")
#: Every habit the guesser may have learned: ``avoid+shortest``, ``ignore+none`` (pure chance)...
HABITS: tuple[str, ...] = tuple(f"{s}+{h}" for s in ABSOLUTE_STANCES for h in LENGTH_HABITS)
_STANCE_WORDS = {"avoid": "avoids absolute words", "prefer": "picks absolute words", "ignore": ""}
_LENGTH_WORDS = {
    "longest": "picks the longest option",
    "shortest": "picks the shortest option",
    "middle": "leaves out the longest and the shortest",
    "none": "picks at random",
}


def describe_habit(habit: str) -> str:
    """``avoid+shortest`` in words: "avoids absolute words, picks the shortest option"."""
    stance, _, length = habit.partition("+")
    words = [_STANCE_WORDS.get(stance, stance), _LENGTH_WORDS.get(length, length)]
    return ", ".join(w for w in words if w)


def absolute_words(text: str, language: str) -> tuple[str, ...]:
    """The absolute words of ``language`` in ``text``, lower-cased, in order, once each."""
    pattern = _PATTERNS.get(language)
    if pattern is None:
        return ()
    return tuple(dict.fromkeys(m.group(1).lower() for m in pattern.finditer(text)))


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


def guess_chance(item: Item, habit: str) -> float:
    """Probability that a candidate with ``habit`` (``stance+length``, or a length habit alone,
    which avoids absolute words) picks the key of a single-answer ``item``.

    The stance on absolute words narrows the options first (unless it would leave none); the
    candidate then hesitates between the options its length habit points to, at random.
    """
    stance, _, length = habit.rpartition("+")
    stance = stance or "avoid"
    options = list(item.options)
    kept = options
    if stance != "ignore":
        marked = [has_absolute(o.text, item.language) for o in options]
        wanted = stance == "prefer"
        kept = [o for o, mark in zip(options, marked, strict=True) if mark == wanted] or options
    picks = _choices([len(o.text) for o in kept], length)
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
        return max(self.by_habit, key=lambda h: self.by_habit[h]) if self.by_habit else ""

    @property
    def rate(self) -> float:
        """The best habit's expected proportion of keys found."""
        return self.by_habit[self.best_habit] if self.by_habit else 0.0


def single_answer(items: Iterable[Item], language: str) -> list[Item]:
    return [i for i in items if i.language == language and i.type is ItemType.SINGLE]


def guesser_rate(items: Iterable[Item], language: str) -> GuesserReport:
    """The test-wise guesser on the single-answer items of ``language``: every habit of
    :data:`HABITS`, the best one kept (an upper bound of what test-wiseness earns)."""
    chosen = single_answer(items, language)
    if not chosen:
        return GuesserReport(language, 0, {}, 0.0)
    by_habit = {
        habit: sum(guess_chance(item, habit) for item in chosen) / len(chosen) for habit in HABITS
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

    @property
    def absolute_gap(self) -> float:
        """Share of distractors minus share of keys holding an absolute word."""
        return self.absolute_in_distractors - self.absolute_in_keys


def _rate(values: Iterable[bool]) -> float:
    seen = list(values)
    return sum(seen) / len(seen) if seen else 0.0


def _rank(item: Item, pick: Callable[[Sequence[int]], int]) -> bool:
    lengths = [len(o.text) for o in item.options]
    target = pick(lengths)
    return any(o.correct and len(o.text) == target for o in item.options)


def cue_stats(items: Iterable[Item], language: str) -> CueStats:
    chosen = single_answer(items, language)
    keys = [o for i in chosen for o in i.options if o.correct]
    distractors = [o for i in chosen for o in i.options if not o.correct]
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
        key_longest=_rate(_rank(i, max) for i in chosen),
        key_shortest=_rate(_rank(i, min) for i in chosen),
        expected_extreme=sum(1 / len(i.options) for i in chosen) / len(chosen) if chosen else 0.0,
        key_position=tuple(n / len(chosen) for n in positions) if chosen else (),
    )


# -- one item: what a writer should look at -----------------------------------------------------
@dataclass(frozen=True)
class ItemCues:
    """The form of one single-answer item's options, as a test-wise candidate reads them."""

    item: Item
    longest: tuple[int, ...]
    shortest: tuple[int, ...]
    absolutes: dict[int, tuple[str, ...]]
    #: Chance that the bank's best habit finds this item's key.
    guessed: float

    @property
    def key(self) -> int:
        return self.item.key_indices[0]

    @property
    def key_longest(self) -> bool:
        return self.key in self.longest

    @property
    def key_shortest(self) -> bool:
        return self.key in self.shortest

    @property
    def absolutes_in_distractors_only(self) -> bool:
        return bool(self.absolutes) and self.key not in self.absolutes

    @property
    def absolute_in_key_only(self) -> bool:
        return set(self.absolutes) == {self.key}

    @property
    def flags(self) -> tuple[str, ...]:
        """What gives the key away here, in words (empty: no cue)."""
        found = []
        if self.key_longest:
            found.append("key longest")
        if self.key_shortest:
            found.append("key shortest")
        if self.absolutes_in_distractors_only:
            found.append("absolute words only in distractors")
        if self.absolute_in_key_only:
            found.append("absolute word only in the key")
        return tuple(found)


def item_cues(item: Item, habit: str) -> ItemCues:
    """Cues of a single-answer ``item``; ``habit`` is the guesser's best over the selection."""
    lengths = [len(o.text) for o in item.options]
    absolutes = {
        index: words
        for index, option in enumerate(item.options)
        if (words := absolute_words(option.text, item.language))
    }
    return ItemCues(
        item=item,
        longest=tuple(i for i, n in enumerate(lengths) if n == max(lengths)),
        shortest=tuple(i for i, n in enumerate(lengths) if n == min(lengths)),
        absolutes=absolutes,
        guessed=guess_chance(item, habit) if habit else 0.0,
    )
