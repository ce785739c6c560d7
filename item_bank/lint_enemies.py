"""Lint rules on ``enemies``, the items an attempt never holds together (they test one idea).

The relation is symmetric and written on both sides: if T10-003 lists T10-018, T10-018 lists
T10-003 (the lint names the missing side; nothing is inferred, so every reader of an item, the
adaptive engine included, sees its whole list). The French and English versions of an item list
the same enemies.

- ``enemy-unknown``: every enemy is the id of an item of the same language;
- ``enemy-symmetry``: an enemy lists the item back;
- ``enemy-pairing``: the French and English versions list the same enemies.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from item_bank.problems import Problem, problem_of
from item_bank.schema import Bank

__all__ = ["RULES", "enemy_problems"]

RULES: dict[str, str] = {
    "enemy-unknown": "every enemy is the id of an item of the same language",
    "enemy-symmetry": "enemies are listed on both items (A lists B, B lists A)",
    "enemy-pairing": "the French and English versions of an item list the same enemies",
}


def enemy_problems(bank: Bank, *, pairing: bool = True) -> Iterator[Problem]:
    for item in bank:
        for enemy in item.enemies:
            other = bank.get(enemy, item.language)
            if other is None:
                yield problem_of(
                    item, "enemy-unknown", f"enemy {enemy} is not an item of {item.language}/"
                )
            elif item.id not in other.enemies:
                yield problem_of(
                    other,
                    "enemy-symmetry",
                    f"{item.id} lists {other.id} as an enemy: add {item.id} to the enemies of "
                    f"{other.id}",
                )
    if not pairing:
        return
    for french, english in bank.pairs():
        if set(french.enemies) != set(english.enemies):
            yield problem_of(
                english,
                "enemy-pairing",
                f"enemies {_ids(french.enemies)} (fr) ≠ {_ids(english.enemies)} (en)",
            )


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids)) or "none"
