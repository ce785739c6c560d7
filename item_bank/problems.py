"""What the lint reports: one :class:`Problem` per broken rule, naming the file and the item."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from item_bank.schema import Item

__all__ = ["Problem", "item_file", "letter", "letters", "problem_of"]


@dataclass(frozen=True, order=True)
class Problem:
    """``file`` is ``fr/T02.yaml`` for an item or a topic, ``fr/`` for a whole language;
    ``item`` is ``-`` when the rule is about a set of items."""

    file: str
    item: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item}: {self.rule}: {self.message}"


def item_file(item: Item) -> str:
    return f"{item.language}/{item.topic}.yaml"


def problem_of(item: Item, rule: str, message: str) -> Problem:
    return Problem(item_file(item), item.id, rule, message)


def letter(index: int) -> str:
    """Option letters as writers and learners count them: A, B, C..."""
    return chr(ord("A") + index) if index < 26 else str(index + 1)


def letters(indices: Iterable[int]) -> str:
    return ",".join(letter(i) for i in indices) or "none"
