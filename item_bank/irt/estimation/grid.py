"""Ability estimation on a quadrature grid: log-likelihood tables, posterior and EAP.

The posterior of ``θ`` after responses ``u_1..u_n`` is, up to a constant,

``log π(θ | u) = log φ((θ - μ) / σ) + Σ_i [u_i log P_i(θ) + (1 - u_i) log Q_i(θ)]``

and on a grid ``X_1..X_K`` it is a vector. One more answer adds one precomputed row (``log P_i``
or ``log Q_i`` at the nodes) to that vector: the incremental update used by the engine.

References
----------
Bock, R. D., & Mislevy, R. J. (1982). Adaptive EAP estimation of ability in a microcomputer
environment. *Applied Psychological Measurement*, 6, 431-444.
Lord, F. M. (1980). *Applications of Item Response Theory to Practical Testing Problems*. Erlbaum.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from item_bank.irt.models import FloatArray, prob
from item_bank.irt.quadrature import normal_log_prior

__all__ = [
    "eap",
    "item_log_tables",
    "log_likelihood_grid",
    "log_posterior_grid",
    "normalise",
]


def item_log_tables(
    nodes: FloatArray, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0
) -> tuple[FloatArray, FloatArray]:
    """``log P_i(X_k)`` and ``log Q_i(X_k)``, each of shape ``(n_items, n_nodes)``.

    Rows are contiguous so that adding one item's row to a log-posterior is a single vector add.
    ``P`` is the 3PL probability of Lord (1980, eq. 2-1), kept in ``[EPS, 1 - EPS]`` by
    :func:`item_bank.irt.models.prob` so both logs are finite.
    """
    p = prob(nodes, a, b, c).T
    log_p: FloatArray = np.ascontiguousarray(np.log(p))
    log_q: FloatArray = np.ascontiguousarray(np.log1p(-p))
    return log_p, log_q


def log_likelihood_grid(
    nodes: FloatArray, a: ArrayLike, b: ArrayLike, c: ArrayLike, responses: ArrayLike
) -> FloatArray:
    """Log-likelihood at every node, ``Σ_i u_i log P_i(X_k) + (1 - u_i) log Q_i(X_k)``.

    Lord (1980), eq. 4-3 (local independence). Returns zeros when there are no responses.
    """
    u = np.asarray(responses, dtype=np.float64)
    if u.size == 0:
        return np.zeros_like(nodes)
    log_p, log_q = item_log_tables(nodes, a, b, c)
    out: FloatArray = u @ log_p + (1.0 - u) @ log_q
    return out


def normalise(log_post: FloatArray) -> FloatArray:
    """Shift a log-posterior so that ``log Σ_k exp(log π_k) = 0`` (log of the grid weights)."""
    m = log_post.max()
    out: FloatArray = log_post - (m + math.log(float(np.exp(log_post - m).sum())))
    return out


def log_posterior_grid(
    nodes: FloatArray,
    a: ArrayLike,
    b: ArrayLike,
    c: ArrayLike,
    responses: ArrayLike,
    prior_mean: float = 0.0,
    prior_sd: float = 1.0,
) -> FloatArray:
    """Batch log-posterior on the grid, normalised by :func:`normalise`.

    ``log π(X_k | u) = log φ((X_k - μ)/σ) + log L(u | X_k) - log Σ_j exp(...)``. The engine's
    incremental update must agree with this (tests check it).
    """
    lp = normal_log_prior(nodes, prior_mean, prior_sd) + log_likelihood_grid(
        nodes, a, b, c, responses
    )
    return normalise(lp)


def eap(nodes: FloatArray, log_post: FloatArray) -> tuple[float, float]:
    """Expected a posteriori estimate and posterior standard deviation.

    Bock & Mislevy (1982), eqs. 5-6, with ``w_k = exp(log π(X_k | u))`` (the prior weights are
    already inside the log-posterior):

    ``θ̂ = Σ_k X_k w_k / Σ_k w_k`` and ``PSD(θ̂) = sqrt(Σ_k (X_k - θ̂)² w_k / Σ_k w_k)``.

    The estimate always lies inside ``[X_1, X_K]``; the PSD is the standard error reported with it.
    """
    w = np.exp(log_post - log_post.max())
    s = float(w.sum())
    m1 = float(w @ nodes) / s
    m2 = float(w @ (nodes * nodes)) / s
    return m1, math.sqrt(max(m2 - m1 * m1, 0.0))
