"""The item pool: item parameters plus everything precomputed to make a step cheap.

Build one ``ItemPool`` per bank version and reuse it across requests: construction costs
``O(n_items × grid)`` time and memory (about 2.6 kB per item with the default grids, so 2.6 MB
for 1,000 items), then a step is a few vector operations.

Precomputed:

- ``log P_i(X_k)`` and ``log Q_i(X_k)`` on the quadrature grid of each settings (lazily), so the
  posterior update after an answer is one vector add;
- the Fisher information ``I_i(θ_r)`` (Lord 1980, eq. 5-4) on a fine selection grid
  ``θ_r`` (step 0.05 by default) and, per row, the items sorted by decreasing information, so the
  maximum-information item at θ̂ is the first eligible entry of the row nearest θ̂;
- per settings object: the eligibility mask (language, topics, levels, status), Sympson-Hetter
  parameters as an array, comfort thresholds.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from item_bank.irt.estimation import item_log_tables
from item_bank.irt.models import FloatArray, information
from item_bank.irt.quadrature import grid_nodes, normal_log_prior
from item_bank.irt.settings import EngineSettings

__all__ = ["ItemPool"]

IntArray = NDArray[np.intp]
BoolArray = NDArray[np.bool_]

_CACHE_SIZE = 16


@dataclass(frozen=True)
class GridTables:
    """Quadrature nodes, prior and per-item log-probabilities for one grid."""

    nodes: FloatArray
    log_prior: FloatArray
    moments: FloatArray  # rows 1, X_k, X_k² (one matmul gives the three EAP sums)
    log_p: FloatArray
    log_q: FloatArray


@dataclass(frozen=True)
class Derived:
    """What a pool precomputes for one settings object."""

    operational: BoolArray  # eligible, calibrated (non-pilot) items
    pilots: BoolArray  # eligible pilot items
    sh_k: FloatArray | None  # Sympson-Hetter K per item, or None
    comfort_theta: FloatArray | None  # θ at which P_i = comfort_min_p (−inf when always above)
    topic_targets: FloatArray | None  # target proportion per topic code
    grid: GridTables


class ItemPool:
    """Items usable by the engine, indexed by id.

    Parameters
    ----------
    ids : sequence of str
        Unique item ids (the engine state refers to items by id only).
    a, b, c : sequences of float
        3PL parameters (``c = 0`` for 2PL, ``a = 1`` as well for 1PL). ``a`` must be positive.
    topic : sequence of str
    level : sequence of int
    pilot : sequence of bool
        Pilot (uncalibrated) items are administered when seeded, never scored.
    language : sequence of str, optional
    active : sequence of bool, optional
        Operational status; inactive items are never selected.
    selection_step : float
        Spacing of the selection grid on ``[-selection_bound, selection_bound]``.
    selection_bound : float
    """

    def __init__(
        self,
        ids: Sequence[str],
        a: Sequence[float],
        b: Sequence[float],
        c: Sequence[float],
        topic: Sequence[str],
        level: Sequence[int],
        pilot: Sequence[bool],
        *,
        language: Sequence[str] | None = None,
        active: Sequence[bool] | None = None,
        selection_step: float = 0.05,
        selection_bound: float = 4.0,
    ) -> None:
        n = len(ids)
        lengths = {len(a), len(b), len(c), len(topic), len(level), len(pilot)}
        if language is not None:
            lengths.add(len(language))
        if active is not None:
            lengths.add(len(active))
        if lengths != {n}:
            raise ValueError("all item sequences must have the same length")
        self.ids: tuple[str, ...] = tuple(str(i) for i in ids)
        self.index: dict[str, int] = {item_id: k for k, item_id in enumerate(self.ids)}
        if len(self.index) != n:
            raise ValueError("item ids must be unique")
        self.a = np.asarray(a, dtype=np.float64)
        self.b = np.asarray(b, dtype=np.float64)
        self.c = np.asarray(c, dtype=np.float64)
        if n and (
            not np.all(self.a > 0)
            or not np.all(np.isfinite(self.b))
            or not np.all((self.c >= 0) & (self.c < 1))
        ):
            raise ValueError("need a > 0, finite b and 0 <= c < 1")
        self.topics: tuple[str, ...] = tuple(sorted(set(map(str, topic))))
        code = {t: k for k, t in enumerate(self.topics)}
        self.topic_code: IntArray = np.array([code[str(t)] for t in topic], dtype=np.intp)
        self.level: IntArray = np.asarray(level, dtype=np.intp)
        self.pilot: BoolArray = np.asarray(pilot, dtype=np.bool_)
        self.language: tuple[str, ...] | None = (
            None if language is None else tuple(map(str, language))
        )
        self.active: BoolArray = (
            np.ones(n, dtype=np.bool_) if active is None else np.asarray(active, dtype=np.bool_)
        )
        # Stable across processes (unlike hash()): seeds the per-attempt Sympson-Hetter draws.
        self.id_hash: NDArray[np.uint64] = np.array(
            [
                int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "little")
                for i in self.ids
            ],
            dtype=np.uint64,
        )
        # Python floats for the scalar look-ups in `record`.
        self.params: tuple[tuple[float, float, float], ...] = tuple(
            zip(self.a.tolist(), self.b.tolist(), self.c.tolist(), strict=True)
        )
        self.selection_nodes = grid_nodes(
            int(round(2 * selection_bound / selection_step)) + 1, selection_bound
        )
        self.selection_step = float(self.selection_nodes[1] - self.selection_nodes[0])
        self.selection_bound = float(selection_bound)
        self.info: FloatArray = np.ascontiguousarray(
            information(self.selection_nodes, self.a, self.b, self.c)
        )
        # Stable sort so that equal information keeps the bank order (deterministic selection).
        self.order: IntArray = np.ascontiguousarray(np.argsort(-self.info, axis=1, kind="stable"))
        self._grids: dict[tuple[int, float, float, float], GridTables] = {}
        # Per-settings tables: by identity (a hit costs one dict look-up), then by value (the web
        # layer builds equal settings on every request). Writes are locked: pools are shared
        # between threads.
        self._derived: dict[int, tuple[EngineSettings, Derived]] = {}
        self._by_value: dict[EngineSettings, Derived] = {}
        self._lock = threading.RLock()

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, theta: float) -> int:
        """Index of the selection-grid node nearest to ``θ`` (clipped to the grid)."""
        k = int((theta + self.selection_bound) / self.selection_step + 0.5)
        return min(max(k, 0), self.selection_nodes.size - 1)

    def grid(self, n_points: int, bound: float, mean: float = 0.0, sd: float = 1.0) -> GridTables:
        """Quadrature tables for one grid and prior (cached)."""
        key = (n_points, bound, mean, sd)
        tables = self._grids.get(key)
        if tables is not None:
            return tables
        with self._lock:
            tables = self._grids.get(key)
            if tables is not None:
                return tables
            nodes = grid_nodes(n_points, bound)
            log_p, log_q = item_log_tables(nodes, self.a, self.b, self.c)
            tables = GridTables(
                nodes,
                normal_log_prior(nodes, mean, sd),
                np.vstack([np.ones_like(nodes), nodes, nodes * nodes]),
                log_p,
                log_q,
            )
            self._grids[key] = tables
        return tables

    def derived(self, settings: EngineSettings) -> Derived:
        """Per-settings precomputations, cached by settings identity, then by value."""
        hit = self._derived.get(id(settings))
        if hit is not None and hit[0] is settings:
            return hit[1]
        with self._lock:
            value = self._by_value.get(settings)
            if value is None:
                value = self._compute(settings)
                if len(self._by_value) >= _CACHE_SIZE:
                    self._by_value.pop(next(iter(self._by_value)))
                self._by_value[settings] = value
            if len(self._derived) >= _CACHE_SIZE:
                self._derived.pop(next(iter(self._derived)))
            # The entry keeps `settings` alive, so its id cannot be reused while cached.
            self._derived[id(settings)] = (settings, value)
        return value

    def _compute(self, s: EngineSettings) -> Derived:
        n = len(self.ids)
        mask = self.active.copy()
        if s.language is not None and self.language is not None:
            mask &= np.array([lang == s.language for lang in self.language], dtype=np.bool_)
        if s.topics is not None:
            allowed = {self.topics.index(t) for t in s.topics if t in self.topics}
            mask &= np.isin(self.topic_code, sorted(allowed))
        if s.levels is not None:
            mask &= np.isin(self.level, list(s.levels))
        sh_k = None
        if s.sympson_hetter is not None:
            sh_k = np.ones(n)
            for item_id, k in s.sympson_hetter:
                pos = self.index.get(item_id)
                if pos is not None:
                    sh_k[pos] = k
        comfort = None
        if s.comfort_items > 0:
            # P_i(θ) ≥ p  ⟺  θ ≥ b_i + logit((p - c_i) / (1 - c_i)) / a_i, always true if c_i ≥ p.
            p = s.comfort_min_p
            ratio = np.clip((p - self.c) / (1.0 - self.c), 1e-12, 1.0 - 1e-12)
            comfort = np.where(
                self.c >= p, -math.inf, self.b + np.log(ratio / (1.0 - ratio)) / self.a
            )
        targets = None
        if s.topic_targets is not None:
            targets = np.zeros(len(self.topics))
            for t, share in s.topic_targets:
                if t in self.topics:
                    targets[self.topics.index(t)] = share
        grid = self.grid(s.quadrature_points, s.theta_bound, s.prior_mean, s.prior_sd)
        return Derived(mask & ~self.pilot, mask & self.pilot, sh_k, comfort, targets, grid)
