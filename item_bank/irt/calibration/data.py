"""Sparse response data for calibration.

Adaptive-test data are mostly missing: each examinee answers a few items out of a large bank. The
data are therefore kept as three parallel arrays of observed responses, ``(person_idx, item_idx,
response)`` (coordinate format), and turned into ``scipy.sparse`` matrices only for the products of
the E-step. A missing response is simply absent; under an adaptive design that chooses items from
the answers already given, missingness is at random (MAR) and ignorable for likelihood inference
(Rubin 1976; Mislevy & Wu 1996), so the likelihood is the product over observed responses only.

References
----------
Rubin, D. B. (1976). Inference and missing data. *Biometrika*, 63, 581-592.
Mislevy, R. J., & Wu, P.-K. (1996). Missing responses and IRT ability estimation: omits, choice,
time limits, and adaptive testing. ETS Research Report RR-96-30.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]

__all__ = ["ResponseData"]

Duplicates = Literal["error", "first", "last"]


@dataclass(frozen=True, eq=False)
class ResponseData:
    """Observed dichotomous responses of persons to items, in coordinate (sparse) form.

    Attributes
    ----------
    person_ids, item_ids : tuple of str
        Labels of the rows and columns; ``person_idx`` and ``item_idx`` index into them.
    person_idx, item_idx : ndarray of int64, shape (n_obs,)
        Who answered what.
    response : ndarray of int64, shape (n_obs,)
        1 for a correct answer, 0 otherwise.

    Each ``(person, item)`` pair occurs at most once (an adaptive test never repeats an item; a
    retake is a different person for calibration purposes).
    """

    person_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    person_idx: IntArray
    item_idx: IntArray
    response: IntArray
    _cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = self.response.shape[0]
        if self.person_idx.shape != (n,) or self.item_idx.shape != (n,):
            raise ValueError("person_idx, item_idx and response must be 1-D of the same length")
        if n and not np.isin(self.response, (0, 1)).all():
            raise ValueError("responses must be 0 or 1")
        if n and (self.person_idx.min() < 0 or self.person_idx.max() >= len(self.person_ids)):
            raise ValueError("person_idx out of range")
        if n and (self.item_idx.min() < 0 or self.item_idx.max() >= len(self.item_ids)):
            raise ValueError("item_idx out of range")
        key = self.person_idx * max(len(self.item_ids), 1) + self.item_idx
        if np.unique(key).shape[0] != n:
            raise ValueError("a (person, item) pair occurs more than once")

    # -- constructors -------------------------------------------------------------------------

    @classmethod
    def from_triples(
        cls,
        triples: Iterable[tuple[str, str, bool | int]],
        *,
        item_ids: Sequence[str] | None = None,
        duplicates: Duplicates = "error",
    ) -> ResponseData:
        """Build from ``(person_id, item_id, correct)`` triples.

        Parameters
        ----------
        triples : iterable of (str, str, bool or int)
            One triple per observed response; ``correct`` is truthy for a correct answer.
        item_ids : sequence of str, optional
            Fix the item order (items without responses are kept, with no data). By default items
            appear in order of first occurrence.
        duplicates : {"error", "first", "last"}
            What to do when a person answered the same item twice.
        """
        persons: dict[str, int] = {}
        items: dict[str, int] = {}
        if item_ids is not None:
            items = {str(i): k for k, i in enumerate(item_ids)}
            if len(items) != len(item_ids):
                raise ValueError("item_ids contains duplicates")
        seen: dict[tuple[int, int], int] = {}
        p_idx: list[int] = []
        i_idx: list[int] = []
        resp: list[int] = []
        for person, item, correct in triples:
            p = persons.setdefault(str(person), len(persons))
            if item_ids is not None and str(item) not in items:
                raise ValueError(f"unknown item {item!r}")
            i = items.setdefault(str(item), len(items))
            r = 1 if correct else 0
            pos = seen.get((p, i))
            if pos is None:
                seen[(p, i)] = len(resp)
                p_idx.append(p)
                i_idx.append(i)
                resp.append(r)
            elif duplicates == "error":
                raise ValueError(f"person {person!r} answered item {item!r} more than once")
            elif duplicates == "last":
                resp[pos] = r
        return cls(
            person_ids=tuple(persons),
            item_ids=tuple(items),
            person_idx=np.asarray(p_idx, dtype=np.int64),
            item_idx=np.asarray(i_idx, dtype=np.int64),
            response=np.asarray(resp, dtype=np.int64),
        )

    @classmethod
    def from_dense(
        cls,
        matrix: ArrayLike,
        *,
        person_ids: Sequence[str] | None = None,
        item_ids: Sequence[str] | None = None,
    ) -> ResponseData:
        """Build from a persons × items matrix; ``nan`` (any value but 0 or 1) is missing."""
        m = np.asarray(matrix, dtype=np.float64)
        if m.ndim != 2:
            raise ValueError("matrix must be 2-D (persons x items)")
        observed = (m == 0.0) | (m == 1.0)
        rows, cols = np.nonzero(observed)
        n_p, n_i = m.shape
        return cls(
            person_ids=tuple(person_ids) if person_ids is not None else _labels("p", n_p),
            item_ids=tuple(item_ids) if item_ids is not None else _labels("i", n_i),
            person_idx=rows.astype(np.int64),
            item_idx=cols.astype(np.int64),
            response=m[rows, cols].astype(np.int64),
        )

    # -- views ----------------------------------------------------------------------------------

    @property
    def n_persons(self) -> int:
        return len(self.person_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_obs(self) -> int:
        return int(self.response.shape[0])

    def item_counts(self) -> tuple[IntArray, IntArray]:
        """Number of responses and number of correct responses per item."""
        n = np.bincount(self.item_idx, minlength=self.n_items).astype(np.int64)
        r = np.bincount(self.item_idx, weights=self.response, minlength=self.n_items)
        return n, r.astype(np.int64)

    def matrices(self) -> tuple[sp.csr_array, sp.csr_array]:
        """``(observed, correct)`` as persons × items CSR arrays of 0/1 floats (cached).

        Sparse even for complete data: scipy's sparse products are single-threaded, whereas a
        multi-threaded BLAS on a shared machine can be many times slower than its nominal speed.
        """
        cached = self._cache.get("matrices")
        if cached is None:
            shape = (self.n_persons, self.n_items)
            ones = np.ones(self.n_obs, dtype=np.float64)
            obs = sp.csr_array((ones, (self.person_idx, self.item_idx)), shape=shape)
            cor = sp.csr_array(
                (self.response.astype(np.float64), (self.person_idx, self.item_idx)), shape=shape
            )
            cor.eliminate_zeros()
            cached = (obs, cor)
            self._cache["matrices"] = cached
        return cached  # type: ignore[return-value]

    def transposed(self) -> tuple[sp.csr_array, sp.csr_array]:
        """``(observed.T, correct.T)`` as items × persons CSR arrays (cached)."""
        cached = self._cache.get("transposed")
        if cached is None:
            obs, cor = self.matrices()
            cached = (sp.csr_array(obs.T), sp.csr_array(cor.T))
            self._cache["transposed"] = cached
        return cached  # type: ignore[return-value]

    def indicators(self) -> tuple[sp.csr_array, sp.csr_array]:
        """``Y`` (persons × 2 items) and ``Yᵀ`` as CSR arrays (cached): one nonzero per response.

        Column ``j`` marks a wrong answer to item ``j`` and column ``n_items + j`` a right one, so
        ``Y · [log(1 - P); log P]`` is every person's log-likelihood and ``Yᵀ h`` stacks the
        expected wrong and right counts, with half the work of the ``observed``/``correct`` pair.
        """
        cached = self._cache.get("indicators")
        if cached is None:
            shape = (self.n_persons, 2 * self.n_items)
            cols = self.item_idx + self.n_items * self.response
            ones = np.ones(self.n_obs, dtype=np.float64)
            y = sp.csr_array((ones, (self.person_idx, cols)), shape=shape)
            cached = (y, sp.csr_array(y.T))
            self._cache["indicators"] = cached
        return cached  # type: ignore[return-value]

    def item_index(self, ids: Iterable[str]) -> IntArray:
        """Column positions of the given item ids (``KeyError`` for an unknown id)."""
        lookup = {k: i for i, k in enumerate(self.item_ids)}
        return np.asarray([lookup[str(k)] for k in ids], dtype=np.int64)

    def subset_items(self, ids: Sequence[str]) -> ResponseData:
        """The responses to the given items only (same persons; items in the order given)."""
        cols = self.item_index(ids)
        remap = np.full(self.n_items, -1, dtype=np.int64)
        remap[cols] = np.arange(len(cols), dtype=np.int64)
        keep = remap[self.item_idx] >= 0
        return ResponseData(
            person_ids=self.person_ids,
            item_ids=tuple(self.item_ids[c] for c in cols),
            person_idx=self.person_idx[keep],
            item_idx=remap[self.item_idx[keep]],
            response=self.response[keep],
        )

    def to_dense(self) -> NDArray[np.float64]:
        """Persons × items matrix with ``nan`` where no response was observed."""
        m = np.full((self.n_persons, self.n_items), np.nan)
        m[self.person_idx, self.item_idx] = self.response
        return m


def _labels(prefix: str, n: int) -> tuple[str, ...]:
    width = len(str(max(n - 1, 0)))
    return tuple(f"{prefix}{k:0{width}d}" for k in range(n))
