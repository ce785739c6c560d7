"""Quadrature grids for integrating over the ability scale.

A fixed, equally spaced grid with normal weights is the standard device of Bock & Mislevy (1982) for
EAP estimation and of Bock & Aitkin (1981) for marginal maximum likelihood calibration: an integral
``∫ f(θ) φ(θ) dθ`` is approximated by ``Σ_k f(X_k) W_k`` with nodes ``X_k`` and weights
``W_k ∝ φ(X_k)`` normalised to sum to one.

References
----------
Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item parameters:
Application of an EM algorithm. *Psychometrika*, 46, 443-459.
Bock, R. D., & Mislevy, R. J. (1982). Adaptive EAP estimation of ability in a microcomputer
environment. *Applied Psychological Measurement*, 6, 431-444.
"""

from __future__ import annotations

import numpy as np

from item_bank.irt.models import FloatArray

__all__ = ["grid_nodes", "normal_grid", "normal_log_prior"]


def grid_nodes(n_points: int = 81, bound: float = 4.0) -> FloatArray:
    """Equally spaced nodes ``X_k = -bound + 2 bound k / (n_points - 1)``, ``k = 0..n_points-1``.

    Parameters
    ----------
    n_points : int
        Number of nodes (at least 2).
    bound : float
        Half-width of the grid; nodes cover ``[-bound, bound]``.
    """
    if n_points < 2:
        raise ValueError("n_points must be at least 2")
    if not bound > 0:
        raise ValueError("bound must be positive")
    return np.linspace(-bound, bound, n_points, dtype=np.float64)


def normal_log_prior(nodes: FloatArray, mean: float = 0.0, sd: float = 1.0) -> FloatArray:
    """Log of a normal density on the nodes, up to an additive constant.

    ``log φ((X_k - μ) / σ) = -(X_k - μ)² / (2 σ²) + const``.
    """
    if not sd > 0:
        raise ValueError("sd must be positive")
    z = (nodes - mean) / sd
    out: FloatArray = -0.5 * z * z
    return out


def normal_grid(n_points: int = 61, bound: float = 4.0) -> tuple[FloatArray, FloatArray]:
    """Nodes on ``[-bound, bound]`` and normalised standard-normal weights.

    ``W_k = φ(X_k) / Σ_j φ(X_j)`` (Bock & Aitkin 1981; Bock & Mislevy 1982), so ``Σ W_k = 1`` and
    ``Σ f(X_k) W_k ≈ E[f(θ)]`` for ``θ ~ N(0, 1)``.

    Parameters
    ----------
    n_points : int
        Number of nodes (default 61).
    bound : float
        Half-width of the grid (default 4).

    Returns
    -------
    nodes, weights : tuple of ndarray
        Both of shape ``(n_points,)``; the weights sum to one.
    """
    nodes = grid_nodes(n_points, bound)
    logw = normal_log_prior(nodes)
    w = np.exp(logw - logw.max())
    weights: FloatArray = w / w.sum()
    return nodes, weights
