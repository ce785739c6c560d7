"""Monte Carlo simulation of whole adaptive tests, exposure tuning and the usual CAT criteria.

Simulees with known ``θ`` answer items by drawing ``u ~ Bernoulli(P_i(θ))`` (Lord 1980, eq. 2-1)
and go through the engine exactly as learners do (``start``, ``next_item``, ``record``).

Criteria (``E`` simulees, ``θ̂_e`` final estimates, ``n_j`` administrations of item ``j``,
``L̄`` mean test length, ``N`` operational items):

- bias ``= Σ_e (θ̂_e - θ_e) / E`` and RMSE ``= sqrt(Σ_e (θ̂_e - θ_e)² / E)``;
- exposure rate ``r_j = n_j / E``; the share of the bank never used is ``#{j : n_j = 0} / N``;
- test overlap (Chen, Ankenmann & Spray 2003): the expected proportion of items shared by two
  random simulees, ``T = Σ_j n_j (n_j - 1) / (E (E - 1) L̄)`` (exact mean of
  ``|A ∩ B| / L`` over pairs for fixed-length tests), and its large-sample form
  ``T ≈ (N / L̄) S_r² + L̄ / N`` with ``S_r²`` the variance of the ``r_j`` (Chen et al. 2003, eq. 8);
- classification accuracy: the share of simulees whose estimated CAIRE level equals the true one.

Sympson-Hetter parameters are tuned by the iterative simulation of Sympson & Hetter (1985):
start from ``K_j = 1``; simulate; with ``P(S_j)`` the rate at which item ``j`` reached the
lottery, set ``K_j = r / P(S_j)`` if ``P(S_j) > r`` else ``1``; repeat. Then
``P(A_j) ≤ K_j P(S_j) ≤ r`` once the ``P(S_j)`` stabilise.

References
----------
Chen, S.-Y., Ankenmann, R. D., & Spray, J. A. (2003). The relationship between item exposure and
test overlap in computerized adaptive testing. *Journal of Educational Measurement*, 40, 129-145.
Sympson, J. B., & Hetter, R. D. (1985). Controlling item-exposure rates in computerized adaptive
testing. *Proceedings of the 27th annual meeting of the Military Testing Association*, 973-977.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from item_bank.irt.engine import choose, record, start
from item_bank.irt.models import FloatArray
from item_bank.irt.pool import IntArray, ItemPool
from item_bank.irt.scoring import level_of
from item_bank.irt.settings import EngineSettings

__all__ = [
    "SimulationReport",
    "SimulationRun",
    "overlap_rate",
    "overlap_rate_chen",
    "run_simulation",
    "simulate",
    "sympson_hetter_parameters",
]


def overlap_rate(counts: ArrayLike, n_examinees: int, mean_length: float) -> float:
    """``T = Σ_j n_j (n_j - 1) / (E (E - 1) L̄)``: mean share of items two simulees share."""
    n = np.asarray(counts, dtype=np.float64)
    if n_examinees < 2 or mean_length <= 0:
        return 0.0
    return float((n * (n - 1.0)).sum() / (n_examinees * (n_examinees - 1.0) * mean_length))


def overlap_rate_chen(counts: ArrayLike, n_examinees: int, mean_length: float) -> float:
    """Chen, Ankenmann & Spray (2003), eq. 8: ``T = (N / L̄) S_r² + L̄ / N``."""
    r = np.asarray(counts, dtype=np.float64) / n_examinees
    if r.size == 0 or mean_length <= 0:
        return 0.0
    return float(r.size / mean_length * r.var() + mean_length / r.size)


@dataclass(frozen=True)
class SimulationRun:
    """Raw outcome of a simulation: one row per simulee, counts per pool item."""

    true_theta: FloatArray
    theta: FloatArray
    se: FloatArray
    length: IntArray  # scored items
    administered: tuple[tuple[int, ...], ...]  # pool indices, pilots included
    counts: IntArray  # scored administrations per pool item
    considered: IntArray  # simulees for whom each item reached the Sympson-Hetter lottery
    stop_reasons: dict[str, int]


@dataclass(frozen=True)
class SimulationReport:
    """Summary criteria of a simulation (see the module docstring)."""

    n_examinees: int
    n_items: int
    bias: float
    rmse: float
    mean_se: float
    mean_length: float
    max_length: int
    min_length: int
    max_exposure: float
    never_used: float
    overlap: float
    overlap_chen: float
    classification_accuracy: float
    stop_reasons: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return dataclasses.asdict(self)


def simulate(
    pool: ItemPool,
    settings: EngineSettings,
    thetas: ArrayLike,
    rng: np.random.Generator,
) -> SimulationRun:
    """Run one complete adaptive test per true ``θ`` with the engine's own functions."""
    true = np.asarray(thetas, dtype=np.float64)
    n_items = len(pool)
    counts = np.zeros(n_items, dtype=np.intp)
    considered_counts = np.zeros(n_items, dtype=np.intp)
    est = np.empty(true.size)
    se = np.empty(true.size)
    length = np.empty(true.size, dtype=np.intp)
    administered: list[tuple[int, ...]] = []
    reasons: Counter[str] = Counter()
    params = pool.params
    index = pool.index
    for e, theta in enumerate(true.tolist()):
        state = start(settings, seed=int(rng.integers(2**52)))
        considered: list[int] = []
        draws = rng.random(settings.max_items + settings.max_pilot_items + 1).tolist()
        while True:
            decision = choose(state, pool, settings, rng, considered)
            if decision.item_id is None:
                assert decision.reason is not None
                reasons[decision.reason.value] += 1
                break
            a, b, c = params[index[decision.item_id]]
            p = c + (1.0 - c) / (1.0 + math.exp(-a * (theta - b)))
            state = record(state, pool, decision.item_id, draws[state.n_administered] < p, settings)
        items = tuple(index[i] for i in state.item_ids)
        scored = [k for k, x in zip(items, state.pilot, strict=True) if not x]
        np.add.at(counts, scored, 1)
        considered_counts[np.unique(np.asarray(considered, dtype=np.intp))] += 1
        administered.append(items)
        est[e], se[e], length[e] = state.theta, state.se, len(scored)
    return SimulationRun(
        true, est, se, length, tuple(administered), counts, considered_counts, dict(reasons)
    )


def report(run: SimulationRun, pool: ItemPool, settings: EngineSettings) -> SimulationReport:
    """Criteria of a :class:`SimulationRun` over the operational items of the pool."""
    operational = pool.derived(settings).operational
    e = run.true_theta.size
    err = run.theta - run.true_theta
    mean_len = float(run.length.mean()) if e else 0.0
    counts = run.counts[operational]
    cuts = settings.cut_points
    agree = [
        level_of(t, cuts) == level_of(h, cuts)
        for t, h in zip(run.true_theta, run.theta, strict=True)
    ]
    return SimulationReport(
        n_examinees=e,
        n_items=int(operational.sum()),
        bias=float(err.mean()),
        rmse=float(np.sqrt((err * err).mean())),
        mean_se=float(run.se.mean()),
        mean_length=mean_len,
        max_length=int(run.length.max()),
        min_length=int(run.length.min()),
        max_exposure=float(counts.max() / e) if counts.size else 0.0,
        never_used=float((counts == 0).mean()) if counts.size else 0.0,
        overlap=overlap_rate(counts, e, mean_len),
        overlap_chen=overlap_rate_chen(counts, e, mean_len),
        classification_accuracy=float(np.mean(agree)),
        stop_reasons=dict(sorted(run.stop_reasons.items())),
    )


def run_simulation(
    pool: ItemPool,
    settings: EngineSettings,
    n_examinees: int = 1000,
    seed: int = 0,
    thetas: ArrayLike | None = None,
) -> SimulationReport:
    """Simulate ``n_examinees`` simulees with ``θ ~ N(0, 1)`` (or the given ``thetas``), seeded."""
    rng = np.random.default_rng(seed)
    true = rng.standard_normal(n_examinees) if thetas is None else np.asarray(thetas, dtype=float)
    if true.size == 0:
        raise ValueError("need at least one simulee")
    return report(simulate(pool, settings, true, rng), pool, settings)


def sympson_hetter_parameters(
    pool: ItemPool,
    settings: EngineSettings,
    r_max: float = 0.25,
    n_examinees: int = 1000,
    iterations: int = 12,
    seed: int = 0,
    tolerance: float = 0.01,
) -> dict[str, float]:
    """Sympson-Hetter control parameters ``K_j`` by iterative simulation (Sympson & Hetter 1985).

    Each round simulates ``n_examinees`` simulees (``θ ~ N(0, 1)``, the same ones every round)
    with the current ``K`` and updates ``K_j = min(1, r_max / P(S_j))``. Stops early once the
    observed maximum exposure is within ``tolerance`` of ``r_max``; otherwise returns the ``K``
    of the round with the lowest maximum exposure.

    Returns
    -------
    dict
        Item id → ``K_j`` for the items with ``K_j < 1`` (others are 1 by default).
    """
    if not 0.0 < r_max <= 1.0:
        raise ValueError("r_max must lie in (0, 1]")
    thetas = np.random.default_rng(seed).standard_normal(n_examinees)
    k = np.ones(len(pool))
    best: tuple[float, FloatArray] = (math.inf, k)
    for it in range(iterations):
        pairs = {pool.ids[j]: float(k[j]) for j in np.flatnonzero(k < 1.0)}
        current = dataclasses.replace(settings, sympson_hetter=tuple(pairs.items()))
        run = simulate(pool, current, thetas, np.random.default_rng([seed, it]))
        max_exposure = float(run.counts.max()) / n_examinees
        if max_exposure <= best[0]:
            best = (max_exposure, k)
        if max_exposure <= r_max + tolerance:
            break
        p_sel = run.considered / n_examinees
        k = np.where(p_sel > r_max, r_max / np.maximum(p_sel, 1e-12), 1.0)
    return {pool.ids[j]: float(best[1][j]) for j in np.flatnonzero(best[1] < 1.0)}
