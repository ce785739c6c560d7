"""Point estimates of ability from item parameters: bounded MLE, MAP and Warm's WLE.

For the 3PL model (Lord 1980), with ``L = 1 / (1 + exp(-a (θ - b)))``, ``P = c + (1 - c) L`` and
``Q = 1 - P``:

- ``P' = a (1 - c) L (1 - L)`` and ``P'' = a P' (1 - 2 L)``;
- score ``S(θ) = Σ_i (u_i - P_i) P'_i / (P_i Q_i)`` (Lord 1980, eq. 5-18);
- test information ``I(θ) = Σ_i P'_i² / (P_i Q_i)`` (Lord 1980, eq. 5-4);
- ``J(θ) = Σ_i P'_i P''_i / (P_i Q_i)``.

The MLE maximises ``log L`` on ``[-B, B]`` (so all-correct gives ``B`` and all-wrong ``-B``);
MAP maximises ``log L + log φ((θ - μ)/σ)``; Warm's (1989) weighted likelihood estimate solves
``S(θ) + J(θ) / (2 I(θ)) = 0``, which removes the first-order bias of the MLE and is finite for
all-correct and all-wrong patterns. Standard errors: ``1 / sqrt(I(θ̂))`` for MLE and WLE, and
``1 / sqrt(I(θ̂) + 1/σ²)`` for MAP.

References
----------
Lord, F. M. (1980). *Applications of Item Response Theory to Practical Testing Problems*. Erlbaum.
Warm, T. A. (1989). Weighted likelihood estimation of ability in item response theory.
*Psychometrika*, 54, 427-450.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from item_bank.irt.models import EPS, FloatArray

__all__ = ["derivatives", "map_estimate", "mle", "total_information", "wle"]

#: Coarse scan step (θ units) used to bracket the global optimum before refining.
_SCAN_STEP = 0.05


def _arrays(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, responses: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    a_ = np.atleast_1d(np.asarray(a, dtype=np.float64))
    b_ = np.atleast_1d(np.asarray(b, dtype=np.float64))
    c_ = np.broadcast_to(np.asarray(c, dtype=np.float64), a_.shape)
    u = np.atleast_1d(np.asarray(responses, dtype=np.float64))
    if not a_.shape == b_.shape == u.shape:
        raise ValueError("a, b and responses must have the same length")
    return a_, b_, c_, u


def derivatives(
    theta: ArrayLike, a: FloatArray, b: FloatArray, c: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``P``, ``P'`` and ``P''`` of each item, broadcast as ``(m, n)`` for ``m`` thetas.

    ``P`` is clipped to ``[EPS, 1 - EPS]`` like :func:`item_bank.irt.models.prob`.
    """
    t = np.asarray(theta, dtype=np.float64)[..., None]
    logistic = 1.0 / (1.0 + np.exp(-a * (t - b)))
    p = np.clip(c + (1.0 - c) * logistic, EPS, 1.0 - EPS)
    d1 = a * (1.0 - c) * logistic * (1.0 - logistic)
    d2 = a * d1 * (1.0 - 2.0 * logistic)
    return p, d1, d2


def total_information(theta: float, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0) -> float:
    """Test information ``I(θ) = Σ_i P'_i² / (P_i Q_i)`` (Lord 1980, eq. 5-4 summed over items)."""
    a_, b_, c_, _ = _arrays(a, b, c, np.zeros(np.size(a)))
    p, d1, _ = derivatives(theta, a_, b_, c_)
    return float(np.sum(d1 * d1 / (p * (1.0 - p))))


def _log_lik(
    theta: FloatArray, a: FloatArray, b: FloatArray, c: FloatArray, u: FloatArray
) -> FloatArray:
    p, _, _ = derivatives(theta, a, b, c)
    out: FloatArray = (u * np.log(p) + (1.0 - u) * np.log1p(-p)).sum(axis=-1)
    return out


def _maximise(fun: Callable[[FloatArray], FloatArray], bound: float) -> float:
    """Global maximum of a smooth function on ``[-bound, bound]``: scan, then Brent around it."""
    # scipy.optimize is imported here: it is slow to import and the default EAP never needs it.
    from scipy.optimize import minimize_scalar

    grid = np.linspace(-bound, bound, max(int(round(2 * bound / _SCAN_STEP)) + 1, 3))
    values = fun(grid)
    k = int(np.argmax(values))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    res = minimize_scalar(
        lambda x: -float(fun(np.asarray(x))),
        bounds=(float(lo), float(hi)),
        method="bounded",
        options={"xatol": 1e-9},
    )
    best = float(res.x)
    # The bounded search never returns the bracket ends exactly; keep an end if it is better.
    for end in (float(grid[0]), float(grid[-1])):
        if float(fun(np.asarray(end))) >= float(fun(np.asarray(best))):
            best = end
    return best


def mle(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, responses: ArrayLike, bound: float = 4.0
) -> tuple[float, float]:
    """Bounded maximum likelihood estimate and its standard error ``1 / sqrt(I(θ̂))``.

    ``θ̂ = argmax_{|θ| ≤ B} Σ_i u_i log P_i(θ) + (1 - u_i) log Q_i(θ)`` (Lord 1980, ch. 4). A
    constant pattern (all correct / all wrong) has no interior maximum and returns ``±B``.
    """
    a_, b_, c_, u = _arrays(a, b, c, responses)
    if u.size == 0:
        return 0.0, math.inf
    if np.all(u == 1.0):
        theta = bound
    elif np.all(u == 0.0):
        theta = -bound
    else:
        theta = _maximise(lambda t: _log_lik(t, a_, b_, c_, u), bound)
    info = total_information(theta, a_, b_, c_)
    return theta, 1.0 / math.sqrt(info) if info > 0 else math.inf


def map_estimate(
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike,
    responses: ArrayLike,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
    bound: float = 4.0,
) -> tuple[float, float]:
    """Maximum a posteriori (Bayes modal) estimate with a normal prior, and its standard error.

    ``θ̂ = argmax log L(u | θ) - (θ - μ)² / (2σ²)`` on ``[-B, B]``;
    ``SE = 1 / sqrt(I(θ̂) + 1/σ²)`` (Lord 1980; Bock & Mislevy 1982 compare it with EAP).
    """
    a_, b_, c_, u = _arrays(a, b, c, responses)

    def crit(t: FloatArray) -> FloatArray:
        z = (t - prior_mean) / prior_sd
        return _log_lik(t, a_, b_, c_, u) - 0.5 * z * z

    theta = _maximise(crit, bound)
    info = total_information(theta, a_, b_, c_) if u.size else 0.0
    return theta, 1.0 / math.sqrt(info + 1.0 / prior_sd**2)


def _warm(t: FloatArray, a: FloatArray, b: FloatArray, c: FloatArray, u: FloatArray) -> FloatArray:
    p, d1, d2 = derivatives(t, a, b, c)
    pq = p * (1.0 - p)
    score = ((u - p) * d1 / pq).sum(axis=-1)
    info = (d1 * d1 / pq).sum(axis=-1)
    j = (d1 * d2 / pq).sum(axis=-1)
    out: FloatArray = score + j / (2.0 * np.maximum(info, 1e-300))
    return out


def wle(
    a: ArrayLike, b: ArrayLike, c: ArrayLike, responses: ArrayLike, bound: float = 4.0
) -> tuple[float, float]:
    """Warm's weighted likelihood estimate and its standard error ``1 / sqrt(I(θ̂))``.

    Solves ``S(θ) + J(θ) / (2 I(θ)) = 0`` (Warm 1989, eq. 11) on ``[-B, B]``. Among the roots
    where the left side changes from positive to negative (maxima of the weighted likelihood) the
    one with the largest ``log L + ½ log I`` is kept; a root outside the interval gives ``±B``.
    The estimate is finite for all-correct and all-wrong patterns.
    """
    from scipy.optimize import brentq

    a_, b_, c_, u = _arrays(a, b, c, responses)
    if u.size == 0:
        return 0.0, math.inf
    grid = np.linspace(-bound, bound, max(int(round(2 * bound / _SCAN_STEP)) + 1, 3))
    g = _warm(grid, a_, b_, c_, u)
    crossings = np.flatnonzero((g[:-1] > 0) & (g[1:] <= 0))
    candidates: list[float] = []
    if g[0] <= 0:
        candidates.append(-bound)
    if g[-1] > 0:
        candidates.append(bound)
    for k in crossings:
        lo, hi = float(grid[k]), float(grid[k + 1])
        if g[k + 1] == 0:
            candidates.append(hi)
        else:
            root = brentq(lambda x: float(_warm(np.asarray(x), a_, b_, c_, u)), lo, hi, xtol=1e-10)
            candidates.append(float(root))
    if not candidates:  # pragma: no cover - g is continuous, so one of the cases above holds
        candidates.append(float(grid[int(np.argmin(np.abs(g)))]))

    def penalised(t: float) -> float:
        return float(_log_lik(np.asarray(t), a_, b_, c_, u)) + 0.5 * math.log(
            max(total_information(t, a_, b_, c_), 1e-300)
        )

    theta = max(candidates, key=penalised)
    info = total_information(theta, a_, b_, c_)
    return theta, 1.0 / math.sqrt(info) if info > 0 else math.inf
