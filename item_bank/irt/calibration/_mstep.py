"""Vectorised Bayes-modal M-step and cross-product standard errors.

Each item is estimated in the unconstrained parameters ``η = (α, b, γ)`` with ``a = exp(α)`` and
``c = 1 / (1 + exp(-γ))``; every item is updated at once by Fisher scoring on ``(n_items, 3, 3)``
arrays, with fixed parameters masked out.

The M-step maximises, for each item ``j`` (Bock & Aitkin 1981, eq. 11; Mislevy 1986, eq. 18),

``Q_j(η) = Σ_q [ r̄_jq log P_j(X_q) + (n̄_jq - r̄_jq) log(1 - P_j(X_q)) ] + log π(η)``

with gradient ``g = Σ_q (r̄_jq - n̄_jq P_jq) / (P_jq (1 - P_jq)) ∂P_jq/∂η + ∂ log π/∂η`` and
expected information ``I = Σ_q n̄_jq / (P_jq (1 - P_jq)) ∂P_jq/∂η ∂P_jq/∂ηᵀ - ∂² log π/∂η²``, where,
with ``P* = 1 / (1 + exp(-a (θ - b)))`` (Lord 1980, eqs. 2-1 and 9-12),

``∂P/∂α = (1 - c) P*(1 - P*) a (θ - b)``, ``∂P/∂b = -(1 - c) P*(1 - P*) a``,
``∂P/∂γ = (1 - P*) c (1 - c)``.

The update ``η ← η + I⁻¹ g`` is halved (up to four times) for the items whose objective would drop.

Standard errors come from the empirical (cross-product) information of the marginal likelihood
(Louis 1982; Mislevy 1986, § 4): person ``i``'s score for item ``j`` is
``s_ij = Σ_q h_iq (u_ij - P_jq) / (P_jq (1 - P_jq)) ∂P_jq/∂η`` and
``Var(η̂_j) ≈ (Σ_i s_ij s_ijᵀ - ∂² log π/∂η²)⁻¹``, item by item (covariances between items ignored);
then ``SE(a) = a SE(α)`` and ``SE(c) = c (1 - c) SE(γ)`` by the delta method.

References
----------
Bock, R. D., & Aitkin, M. (1981). *Psychometrika*, 46, 443-459.
Louis, T. A. (1982). Finding the observed information matrix when using the EM algorithm. *JRSS B*,
44, 226-233.
Mislevy, R. J. (1986). Bayes modal estimation in item response models. *Psychometrika*, 51, 177-195.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

from item_bank.irt.calibration._estep import chunks
from item_bank.irt.calibration.data import ResponseData
from item_bank.irt.models import EPS, FloatArray

BoolArray = NDArray[np.bool_]

#: Bounds that keep a diverging item finite (reached only with flat priors and degenerate data).
LOG_A_BOUNDS = (np.log(0.05), np.log(8.0))
B_BOUNDS = (-10.0, 10.0)
C_BOUNDS = (1e-4, 0.75)
#: Largest change of any ``η`` component in one Fisher-scoring step.
MAX_STEP = 1.0


@dataclass(frozen=True)
class PriorArrays:
    """Priors laid out per item: ``log a ~ N``, ``b ~ N``, ``c ~ Beta``."""

    log_a_mean: float
    log_a_sd: float
    b_mean: FloatArray
    b_sd: FloatArray
    c_alpha: float
    c_beta: float

    def log_density(
        self, a: FloatArray, b: FloatArray, c: FloatArray, free: BoolArray
    ) -> FloatArray:
        """Log prior of the free parameters, up to a constant, per item."""
        out = np.zeros_like(b)
        out -= free[:, 0] * 0.5 * ((np.log(a) - self.log_a_mean) / self.log_a_sd) ** 2
        out -= free[:, 1] * 0.5 * ((b - self.b_mean) / self.b_sd) ** 2
        cc = np.clip(c, EPS, 1.0 - EPS)
        beta = (self.c_alpha - 1.0) * np.log(cc) + (self.c_beta - 1.0) * np.log1p(-cc)
        out += free[:, 2] * beta
        return out

    def gradient_hessian(
        self, a: FloatArray, b: FloatArray, c: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Gradient and minus the (diagonal) Hessian of the log prior with respect to ``η``."""
        g = np.stack(
            [
                -(np.log(a) - self.log_a_mean) / self.log_a_sd**2,
                -(b - self.b_mean) / self.b_sd**2,
                (self.c_alpha - 1.0) * (1.0 - c) - (self.c_beta - 1.0) * c,
            ],
            axis=1,
        )
        h = np.stack(
            [
                np.full_like(b, 1.0 / self.log_a_sd**2),
                1.0 / self.b_sd**2,
                (self.c_alpha + self.c_beta - 2.0) * c * (1.0 - c),
            ],
            axis=1,
        )
        return g, h


def derivatives(
    nodes: FloatArray, a: FloatArray, b: FloatArray, c: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``P_jq`` (items × nodes) and ``∂P_jq/∂η`` (items × nodes × 3)."""
    dev = nodes[None, :] - b[:, None]
    ps = expit(a[:, None] * dev)
    cj = c[:, None]
    p = np.clip(cj + (1.0 - cj) * ps, EPS, 1.0 - EPS)
    slope = (1.0 - cj) * ps * (1.0 - ps)
    d = np.stack(
        [slope * a[:, None] * dev, -slope * a[:, None], (1.0 - ps) * cj * (1.0 - cj)], axis=2
    )
    return p, d


def _objective(
    r_bar: FloatArray, n_bar: FloatArray, p: FloatArray, prior: FloatArray
) -> FloatArray:
    ll: FloatArray = (r_bar * np.log(p) + (n_bar - r_bar) * np.log1p(-p)).sum(axis=1)
    return ll + prior


def _masked_solve(info: FloatArray, g: FloatArray, free: BoolArray) -> FloatArray:
    """Solve ``info · x = g`` per item with the fixed components pinned to zero."""
    info = info.copy()
    both = free[:, :, None] & free[:, None, :]
    info[~both] = 0.0
    k = np.arange(3)
    info[:, k, k] = np.where(free, info[:, k, k], 1.0)
    rhs = np.where(free, g, 0.0)[:, :, None]
    step = np.linalg.solve(info, rhs)[:, :, 0]
    return np.asarray(step, dtype=np.float64)


def m_step(
    nodes: FloatArray,
    r_bar: FloatArray,
    n_bar: FloatArray,
    params: tuple[FloatArray, FloatArray, FloatArray],
    free: BoolArray,
    prior: PriorArrays,
    n_steps: int = 3,
    tol: float = 1e-6,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """A few Fisher-scoring steps on ``Q_j(η)`` for all items at once; returns new ``(a, b, c)``."""
    a, b, c = (x.copy() for x in params)
    p, d = derivatives(nodes, a, b, c)
    current = _objective(r_bar, n_bar, p, prior.log_density(a, b, c, free))
    k = np.arange(3)
    for _ in range(n_steps):
        w = 1.0 / (p * (1.0 - p))
        g = np.einsum("jq,jqk->jk", (r_bar - n_bar * p) * w, d)
        info = np.einsum("jq,jqk,jql->jkl", n_bar * w, d, d)
        pg, ph = prior.gradient_hessian(a, b, c)
        g += pg
        info[:, k, k] += ph
        step = _masked_solve(info, g, free)
        big = np.abs(step).max(axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(big, 1e-300))
        new = [a.copy(), b.copy(), c.copy(), p.copy(), d.copy(), current.copy()]
        pending = np.ones(len(b), dtype=bool)
        scale = np.ones(len(b))
        for _halving in range(5):
            na, nb, nc = _apply(a, b, c, step * scale[:, None])
            np_, nd = derivatives(nodes, na, nb, nc)
            obj = _objective(r_bar, n_bar, np_, prior.log_density(na, nb, nc, free))
            ok = pending & (obj >= current - 1e-10 * np.abs(current))
            for slot, value in zip(new, (na, nb, nc, np_, nd, obj), strict=True):
                slot[ok] = value[ok]
            pending &= ~ok
            if not pending.any():
                break
            scale[pending] *= 0.5
        a, b, c, p, d, current = new
        if np.abs(step * scale[:, None]).max(initial=0.0) < tol:
            break
    return a, b, c


def _apply(
    a: FloatArray, b: FloatArray, c: FloatArray, step: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    na = np.exp(np.clip(np.log(a) + step[:, 0], *LOG_A_BOUNDS))
    nb = np.clip(b + step[:, 1], *B_BOUNDS)
    gamma = logit(np.clip(c, *C_BOUNDS))
    nc = np.where(step[:, 2] != 0.0, np.clip(expit(gamma + step[:, 2]), *C_BOUNDS), c)
    return na, nb, nc


def crossproduct_information(
    data: ResponseData,
    h: FloatArray,
    nodes: FloatArray,
    params: tuple[FloatArray, FloatArray, FloatArray],
) -> FloatArray:
    """``Σ_i s_ij s_ijᵀ`` per item (items × 3 × 3), accumulated over chunks of responses.

    With ``G_iq = h_iq (u_ij - P_jq) / (P_jq (1 - P_jq)) (1 - c_j) P*_jq (1 - P*_jq)``, the scores
    are ``s_α = a_j Σ_q G_iq (X_q - b_j)``, ``s_b = -a_j Σ_q G_iq`` and
    ``s_γ = c_j (1 - c_j) Σ_q h_iq (u_ij - P_jq) (1 - P*_jq) / (P_jq (1 - P_jq))``: two or three
    reductions over the nodes per response.
    """
    a, b, c = params
    p, d = derivatives(nodes, a, b, c)
    slope = d[:, :, 1] / -a[:, None]  # (1 - c) P* (1 - P*)
    # Per response value u in {0, 1}: (u - P) / (P (1 - P)) = 1 / P or -1 / (1 - P).
    by_u = np.stack([-1.0 / (1.0 - p), 1.0 / p])
    guess = c.any()
    xpd = np.zeros((len(b), 3, 3))
    for rows in chunks(data.n_obs):
        j = data.item_idx[rows]
        u = data.response[rows]
        hw = h[data.person_idx[rows]] * by_u[u, j]
        g = hw * slope[j]
        g0 = g.sum(axis=1)
        s = np.zeros((len(j), 3))
        # einsum rather than ``g @ nodes``: no multi-threaded BLAS call (see ``data.matrices``).
        s[:, 0] = a[j] * (np.einsum("rq,q->r", g, nodes) - b[j] * g0)
        s[:, 1] = -a[j] * g0
        if guess:
            ps_c = 1.0 - (p[j] - c[j][:, None]) / (1.0 - c[j][:, None])  # 1 - P*
            s[:, 2] = c[j] * (1.0 - c[j]) * np.einsum("rq,rq->r", hw, ps_c)
        for k in range(3):
            for m in range(k, 3):
                acc = np.bincount(j, weights=s[:, k] * s[:, m], minlength=len(b))
                xpd[:, k, m] += acc
                if m != k:
                    xpd[:, m, k] += acc
    return xpd


def standard_errors(
    xpd: FloatArray,
    params: tuple[FloatArray, FloatArray, FloatArray],
    free: BoolArray,
    prior: PriorArrays,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``SE(a), SE(b), SE(c)``: cross-product plus prior information; ``nan`` when fixed."""
    a, b, c = params
    _, ph = prior.gradient_hessian(a, b, c)
    info = xpd.copy()
    k = np.arange(3)
    info[:, k, k] += ph
    both = free[:, :, None] & free[:, None, :]
    info[~both] = 0.0
    info[:, k, k] = np.where(free, info[:, k, k], 1.0)
    cov = np.linalg.inv(info)
    var = np.where(free, np.diagonal(cov, axis1=1, axis2=2), np.nan)
    sd = np.sqrt(np.maximum(var, 0.0))
    return a * sd[:, 0], sd[:, 1], c * (1.0 - c) * sd[:, 2]
