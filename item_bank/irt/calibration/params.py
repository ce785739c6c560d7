"""Item parameter sets: what calibration produces, and what online calibration and drift use."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from item_bank.irt.models import FloatArray, Model

__all__ = ["ItemParameters"]


@dataclass(frozen=True, eq=False)
class ItemParameters:
    """Parameters ``a``, ``b``, ``c`` of a set of items, in the logistic metric of ``irt.models``.

    A 1PL item has ``a = 1, c = 0``; a 2PL item has ``c = 0``.
    """

    item_ids: tuple[str, ...]
    a: FloatArray
    b: FloatArray
    c: FloatArray
    model: Model = Model.TWO_PL

    def __post_init__(self) -> None:
        n = len(self.item_ids)
        if not (self.a.shape == self.b.shape == self.c.shape == (n,)):
            raise ValueError("a, b and c must have one value per item")
        if len(set(self.item_ids)) != n:
            raise ValueError("item_ids contains duplicates")

    @classmethod
    def build(
        cls,
        item_ids: Iterable[str],
        a: ArrayLike,
        b: ArrayLike,
        c: ArrayLike = 0.0,
        model: Model = Model.TWO_PL,
    ) -> ItemParameters:
        """Build from sequences (scalars broadcast to every item)."""
        ids = tuple(str(i) for i in item_ids)
        n = len(ids)
        return cls(
            item_ids=ids,
            a=np.broadcast_to(np.asarray(a, dtype=np.float64), (n,)).copy(),
            b=np.broadcast_to(np.asarray(b, dtype=np.float64), (n,)).copy(),
            c=np.broadcast_to(np.asarray(c, dtype=np.float64), (n,)).copy(),
            model=model,
        )

    def __len__(self) -> int:
        return len(self.item_ids)

    def select(self, item_ids: Iterable[str]) -> ItemParameters:
        """The parameters of the given items, in that order (``KeyError`` for an unknown id)."""
        lookup = {k: i for i, k in enumerate(self.item_ids)}
        ids = tuple(str(i) for i in item_ids)
        idx = np.asarray([lookup[i] for i in ids], dtype=np.int64)
        return ItemParameters(ids, self.a[idx], self.b[idx], self.c[idx], self.model)
