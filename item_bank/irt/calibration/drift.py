"""Drift check: do operational items still behave as their stored parameters say?

Item parameter drift (Goldstein 1983; Bock, Muraki & Pfeiffenberger 1988) is usually a change of
difficulty: an item leaks, is taught to, or — for questions about AI — the world changes. For each
operational item ``j`` with stored ``(a_j, b_j, c_j)``:

1. every respondent's posterior given their *other* responses, ``h_iq^(-j)``
   (``_estep.leave_one_out``), with all items at their stored parameters, so the other items anchor
   the scale;
2. the observed-minus-expected count ``O_j - E_j = Σ_i (u_ij - π_ij)`` with
   ``π_ij = Σ_q h_iq^(-j) P_j(X_q)`` and its standardised value
   ``z_OE = (O_j - E_j) / √(Σ_i π_ij (1 - π_ij))`` (a score statistic: under no drift the ``u_ij``
   are independent Bernoulli(``π_ij``));
3. the difficulty re-estimated on the live data with ``a_j`` and ``c_j`` kept, by maximising
   ``Σ_i log[π_ij(b)^{u_ij} (1 - π_ij(b))^{1 - u_ij}]`` with
   ``π_ij(b) = Σ_q h_iq^(-j) P(X_q; a_j, b, c_j)`` (Newton-Raphson); ``SE(b̂) = I(b̂)^{-1/2}``,
   ``I(b) = Σ_i (∂π_ij/∂b)² / (π_ij (1 - π_ij))``;
4. the Wald statistic ``z = (b̂_j - b_j) / SE(b̂_j)``, two-sided ``p``, Holm's (1979) step-down
   adjustment over the items tested (family-wise error ``alpha``, default 0.05).

An item is flagged when its Holm-adjusted ``p`` is below ``alpha`` *and* ``|b̂ - b| ≥ min_shift``
(default 0.3 logit), so that large samples do not flag differences too small to matter. Items with
fewer than ``min_responses`` (default 30) live responses are not tested.

References
----------
Bock, R. D., Muraki, E., & Pfeiffenberger, W. (1988). Item pool maintenance in the presence of item
parameter drift. *Journal of Educational Measurement*, 25, 275-285.
Goldstein, H. (1983). Measuring changes in educational attainment over time: problems and
possibilities. *Journal of Educational Measurement*, 20, 369-377.
Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal of
Statistics*, 6, 65-70.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit
from scipy.stats import norm

from item_bank.irt.calibration import _estep
from item_bank.irt.calibration.data import IntArray, ResponseData
from item_bank.irt.calibration.params import ItemParameters
from item_bank.irt.models import EPS, FloatArray
from item_bank.irt.quadrature import normal_grid

__all__ = ["DriftReport", "check_drift", "holm"]


@dataclass(frozen=True, eq=False)
class DriftReport:
    """Per-item drift statistics (``nan`` for items not tested)."""

    item_ids: tuple[str, ...]
    n_responses: IntArray
    observed: FloatArray
    expected: FloatArray
    z_observed_expected: FloatArray
    b_stored: FloatArray
    b_live: FloatArray
    se_b_live: FloatArray
    z: FloatArray
    p_value: FloatArray
    p_adjusted: FloatArray
    flagged: NDArray[np.bool_]


def holm(p: FloatArray) -> FloatArray:
    """Holm's step-down adjusted p-values (``nan`` entries are left out and stay ``nan``)."""
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    order = ok[np.argsort(p[ok])]
    m = len(order)
    adj = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adj, 1.0)
    return out


def check_drift(
    data: ResponseData,
    params: ItemParameters,
    *,
    alpha: float = 0.05,
    min_shift: float = 0.3,
    min_responses: int = 30,
    n_points: int = 41,
    bound: float = 4.0,
    max_newton: int = 25,
) -> DriftReport:
    """Test every item of ``data`` with stored parameters for drift (see the module docstring)."""
    known = set(params.item_ids)
    live = data.subset_items([i for i in data.item_ids if i in known])
    stored = params.select(live.item_ids)
    nodes, weights = normal_grid(n_points, bound)
    p = _estep.prob_table(nodes, stored.a, stored.b, stored.c)
    h, _ = _estep.posterior(_estep.person_loglik(live, p), np.log(weights))
    k = live.n_items
    n_j = np.bincount(live.item_idx, minlength=k)
    obs = np.bincount(live.item_idx, weights=live.response, minlength=k).astype(np.float64)

    exp_ = np.zeros(k)
    var = np.zeros(k)
    b_hat = stored.b.copy()
    info = np.zeros(k)
    for it in range(max_newton):
        grad = np.zeros(k)
        info = np.zeros(k)
        # The leave-one-out posteriors are recomputed per chunk rather than kept: memory stays
        # bounded by the chunk size whatever the number of responses.
        for rows in _estep.chunks(live.n_obs):
            w, pi0 = _estep.leave_one_out(live, h, p, rows)
            j = live.item_idx[rows]
            if it == 0:
                exp_ += np.bincount(j, weights=pi0, minlength=k)
                var += np.bincount(j, weights=pi0 * (1.0 - pi0), minlength=k)
            a_j, c_j = stored.a[j][:, None], stored.c[j][:, None]
            ps = expit(a_j * (nodes[None, :] - b_hat[j][:, None]))
            pi = np.clip(np.einsum("rq,rq->r", w, c_j + (1.0 - c_j) * ps), EPS, 1.0 - EPS)
            dpi = np.einsum("rq,rq->r", w, -(1.0 - c_j) * a_j * ps * (1.0 - ps))
            u = live.response[rows]
            grad += np.bincount(j, weights=(u - pi) / (pi * (1.0 - pi)) * dpi, minlength=k)
            info += np.bincount(j, weights=dpi**2 / (pi * (1.0 - pi)), minlength=k)
        step = np.clip(grad / np.maximum(info, 1e-12), -1.0, 1.0)
        b_hat = np.clip(b_hat + step, -10.0, 10.0)
        if np.abs(step).max(initial=0.0) < 1e-6:
            break

    tested = n_j >= min_responses
    se = np.where(tested, 1.0 / np.sqrt(np.maximum(info, 1e-12)), np.nan)
    z = np.where(tested, (b_hat - stored.b) / se, np.nan)
    pval = np.where(tested, 2.0 * norm.sf(np.abs(np.nan_to_num(z))), np.nan)
    p_adj = holm(pval)
    shift = np.abs(b_hat - stored.b)
    flagged = tested & (np.nan_to_num(p_adj, nan=1.0) < alpha) & (shift >= min_shift)
    z_oe = np.where(tested, (obs - exp_) / np.sqrt(np.maximum(var, 1e-12)), np.nan)
    return DriftReport(
        item_ids=live.item_ids,
        n_responses=n_j.astype(np.int64),
        observed=obs,
        expected=exp_,
        z_observed_expected=z_oe,
        b_stored=stored.b.copy(),
        b_live=np.where(tested, b_hat, np.nan),
        se_b_live=se,
        z=z,
        p_value=pval,
        p_adjusted=p_adj,
        flagged=flagged,
    )
