"""Near-duplicate detection: Jaccard similarity of word shingles.

Stems are compared on word bigrams (Broder 1997, "On the resemblance and containment of
documents"): with the 0.8 threshold, changing one word of a stem of 20 words or more still trips
the check, while distinct items of the bank stay far below it (0.33 at most on the first 360
items). Short stems ("Quelle affirmation est exacte ?") are shared by many distinct items,
so below :data:`SHORT_STEM_WORDS` words the options take part in the comparison.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from item_bank.schema import Item

SHINGLE = 2
THRESHOLD = 0.8
SHORT_STEM_WORDS = 8

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(tokens: Sequence[str], size: int = SHINGLE) -> frozenset[tuple[str, ...]]:
    if len(tokens) <= size:
        return frozenset({tuple(tokens)}) if tokens else frozenset()
    return frozenset(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def jaccard(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _fingerprints(
    item: Item,
) -> tuple[frozenset[tuple[str, ...]], frozenset[tuple[str, ...]], bool]:
    stem = words(item.stem)
    full = stem + [w for option in item.options for w in words(option.text)]
    return shingles(stem), shingles(full), len(stem) < SHORT_STEM_WORDS


def near_duplicates(
    items: Iterable[Item], threshold: float = THRESHOLD
) -> list[tuple[Item, Item, float]]:
    """Pairs of items (in the order given) whose stems are near-identical.

    When either stem is short, stem and options are compared together, so two items that
    share a generic question but test different things do not trip the check.
    """
    prints = [(item, *_fingerprints(item)) for item in items]
    found = []
    for i, (first, stem_a, full_a, short_a) in enumerate(prints):
        for second, stem_b, full_b, short_b in prints[i + 1 :]:
            a, b = (full_a, full_b) if short_a or short_b else (stem_a, stem_b)
            # |A ∩ B| <= min(|A|, |B|) and |A ∪ B| >= max(|A|, |B|): skip hopeless pairs cheaply.
            if min(len(a), len(b)) < threshold * max(len(a), len(b)):
                continue
            score = jaccard(a, b)
            if score >= threshold:
                found.append((first, second, score))
    return found
