"""The web-facing adaptive engine: ``start``, ``record``, ``next_item``, ``result``.

The Flask layer calls, on every answer::

    state = CatState.from_dict(stored)            # or start(settings) on a new attempt
    state = record(state, pool, item_id, correct, settings)
    decision = next_item(state, pool, settings, rng)
    stored = state.to_dict()                       # JSON column
    if decision.stop: score = result(state, settings)

Functions are pure: a frozen state goes in, a new state or a decision comes out. ``record``
costs one vector add on the quadrature grid plus the EAP sums (Bock & Mislevy 1982);
``next_item`` one look-up in the pool's information table and an ``argmax`` over the eligible
items (see :mod:`item_bank.irt.selection`).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np

from item_bank.irt.estimation import Estimator, eap, map_estimate, mle, normalise, wle
from item_bank.irt.pool import ItemPool
from item_bank.irt.quadrature import grid_nodes, normal_log_prior
from item_bank.irt.scoring import (
    Score,
    level_of,
    level_probabilities,
    theta_interval,
    theta_to_score,
)
from item_bank.irt.selection import select_item
from item_bank.irt.settings import EngineSettings
from item_bank.irt.state import CatState
from item_bank.irt.stopping import StopReason, check_stop

__all__ = [
    "CatState",
    "Decision",
    "DuplicateItemError",
    "EngineError",
    "EngineSettings",
    "ItemPool",
    "Score",
    "StopReason",
    "UnknownItemError",
    "next_item",
    "record",
    "result",
    "start",
]

#: Standard errors are capped so that the stored JSON never holds ``Infinity``.
MAX_SE = 100.0


class EngineError(Exception):
    """Base class of the engine's errors."""


class UnknownItemError(EngineError, KeyError):
    """The answered item is not in the pool."""


class DuplicateItemError(EngineError, ValueError):
    """The item was already administered in this attempt."""


@dataclass(frozen=True)
class Decision:
    """What to do next: give ``item_id`` (``pilot`` tells whether it is unscored) or stop."""

    item_id: str | None
    reason: StopReason | None = None
    pilot: bool = False

    @property
    def stop(self) -> bool:
        """Whether the test is over."""
        return self.item_id is None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "item_id": self.item_id,
            "stop": self.stop,
            "reason": None if self.reason is None else self.reason.value,
            "pilot": self.pilot,
        }


def start(settings: EngineSettings, seed: int | None = None) -> CatState:
    """A new attempt: the prior on the grid, θ̂ = its mean, SE = its standard deviation.

    The stored log-posterior is normalised so that ``log Σ_k exp(log π_k) = 0``. ``seed`` fixes
    the attempt's Sympson-Hetter draws (see :mod:`item_bank.irt.selection`); by default it is
    drawn from the operating system, as every attempt needs its own.
    """
    nodes = grid_nodes(settings.quadrature_points, settings.theta_bound)
    lp = normalise(normal_log_prior(nodes, settings.prior_mean, settings.prior_sd))
    theta, se = eap(nodes, lp)
    if seed is None:
        seed = secrets.randbits(52)
    if not 0 <= seed < 2**52:
        raise ValueError("seed must lie in [0, 2**52)")
    return CatState((), (), (), (), (), theta, se, theta, lp, seed)


def _estimate(
    settings: EngineSettings,
    params: tuple[tuple[float, float, float], ...],
    responses: tuple[bool, ...],
    pilot: tuple[bool, ...],
) -> tuple[float, float]:
    """MAP, MLE or WLE from the parameters of the scored answers."""
    rows = [(*p, float(r)) for p, r, x in zip(params, responses, pilot, strict=True) if not x]
    arr = np.array(rows, dtype=np.float64)
    a, b, c, u = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
    bound = settings.theta_bound
    if settings.estimator is Estimator.MLE:
        return mle(a, b, c, u, bound)
    if settings.estimator is Estimator.WLE:
        return wle(a, b, c, u, bound)
    return map_estimate(a, b, c, u, settings.prior_mean, settings.prior_sd, bound)


def record(
    state: CatState, pool: ItemPool, item_id: str, correct: bool, settings: EngineSettings
) -> CatState:
    """The state after one more answer.

    Scored item: ``log π ← log π + (log P_i if correct else log Q_i)`` on the grid, then the
    estimate (EAP from the grid; MAP, MLE or WLE from the stored parameters). Pilot item: the
    answer is recorded, the posterior and θ̂ are unchanged.

    Raises
    ------
    UnknownItemError
        The item is not in the pool.
    DuplicateItemError
        The item was already administered.
    """
    k = pool.index.get(item_id)
    if k is None:
        raise UnknownItemError(item_id)
    if item_id in state.item_ids:
        raise DuplicateItemError(item_id)
    ids = (*state.item_ids, item_id)
    responses = (*state.responses, bool(correct))
    params = (*state.params, pool.params[k])
    if pool.pilot[k]:
        return CatState(
            ids,
            responses,
            (*state.pilot, True),
            params,
            (*state.theta_history, state.theta),
            state.theta,
            state.se,
            state.theta_working,
            state.log_posterior,
            state.seed,
        )
    g = pool.derived(settings).grid
    if state.log_posterior.shape != g.nodes.shape:
        raise ValueError("state grid does not match the settings' quadrature grid")
    # The stored log-posterior has log Σ exp = 0 and a row is >= log(EPS) ≈ -20.7, so exp()
    # cannot overflow nor underflow to an all-zero vector: no max shift is needed.
    lp = state.log_posterior + (g.log_p[k] if correct else g.log_q[k])
    w = np.exp(lp)
    s, s1, s2 = (g.moments @ w).tolist()
    lp -= math.log(s)
    pilot = (*state.pilot, False)
    if settings.estimator is Estimator.EAP:
        theta = s1 / s
        se = math.sqrt(max(s2 / s - theta * theta, 0.0))
    else:
        theta, se = _estimate(settings, params, responses, pilot)
    se = min(se, MAX_SE)
    working = theta
    step = settings.max_theta_step
    if step is not None:
        working = state.theta_working + min(max(theta - state.theta_working, -step), step)
    return CatState(
        ids,
        responses,
        pilot,
        params,
        (*state.theta_history, theta),
        theta,
        se,
        working,
        lp,
        state.seed,
    )


def _stop_reason(state: CatState, settings: EngineSettings) -> StopReason | None:
    return check_stop(
        state.n_scored,
        state.theta,
        state.se,
        min_items=settings.min_items,
        max_items=settings.max_items,
        se_target=settings.se_target,
        classification=settings.classification_stop,
        cut_points=settings.cut_points,
        confidence=settings.classification_confidence,
    )


def choose(
    state: CatState,
    pool: ItemPool,
    settings: EngineSettings,
    rng: np.random.Generator,
    considered: list[int] | None = None,
) -> Decision:
    """:func:`next_item`, optionally collecting the items that entered the SH lottery."""
    reason = _stop_reason(state, settings)
    if reason is not None:
        return Decision(None, reason)
    d = pool.derived(settings)
    index = pool.index
    seen = [index[i] for i in state.item_ids if i in index]
    n_scored = state.n_scored
    if (
        settings.pilot_rate > 0.0
        and state.n_pilot < settings.max_pilot_items
        and n_scored >= settings.comfort_items
        and rng.random() < settings.pilot_rate
    ):
        pilots = d.pilots.copy()
        pilots[seen] = False
        candidates = np.flatnonzero(pilots)
        if candidates.size:
            return Decision(pool.ids[int(candidates[rng.integers(candidates.size)])], None, True)
    codes = None
    if d.topic_targets is not None:
        scored = [
            index[i]
            for i, x in zip(state.item_ids, state.pilot, strict=True)
            if not x and i in index
        ]
        codes = pool.topic_code[scored]
    k = select_item(
        pool, d, settings, seen, state.theta_working, n_scored, codes, rng, state.seed, considered
    )
    if k is None:
        return Decision(None, StopReason.NO_ITEMS)
    return Decision(pool.ids[k])


def next_item(
    state: CatState, pool: ItemPool, settings: EngineSettings, rng: np.random.Generator
) -> Decision:
    """The next item to give, or why the test stops (``se_reached``, ``max_length``,
    ``no_items``, ``classified``). Pilot items are seeded at ``settings.pilot_rate`` once the
    comfort phase is over, up to ``settings.max_pilot_items``."""
    return choose(state, pool, settings, rng)


def result(state: CatState, settings: EngineSettings) -> Score:
    """Final (or interim) result: θ̂, SE, 0-100 score with interval, CAIRE level and its
    probabilities (see :mod:`item_bank.irt.scoring`)."""
    theta, se = state.theta, state.se
    lo, hi = theta_interval(theta, se, settings.interval_confidence)

    def to_score(t: float) -> float:
        if math.isinf(t):
            return 0.0 if t < 0 else 100.0
        return theta_to_score(t, settings.score_mapping, bound=settings.theta_bound)

    return Score(
        theta=theta,
        se=se,
        score=to_score(theta),
        score_low=to_score(lo),
        score_high=to_score(hi),
        level=level_of(theta, settings.cut_points),
        level_probabilities=level_probabilities(theta, se, settings.cut_points),
        n_scored=state.n_scored,
    )
