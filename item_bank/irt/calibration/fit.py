"""Item fit: a grouped observed-versus-predicted X² on leave-one-out posterior predictions.

Orlando & Thissen (2000)'s S-X² groups examinees by their summed score on the *other* items and
compares, in each group, the observed proportion correct with the one the model predicts for that
rest score. Summed scores mean nothing in adaptive testing (everyone answers different items), so
the rest score is replaced here by the rest *posterior*: for each observed response ``u_ij`` the
predictive probability given the person's other responses is

``π_ij = Σ_q h_iq^(-j) P_j(X_q)``, with
``h_iq^(-j) ∝ h_iq / [P_j(X_q)^{u_ij} (1 - P_j(X_q))^{1 - u_ij}]``

(``_estep.leave_one_out``). Under the model the ``u_ij`` of an item are independent
Bernoulli(``π_ij``) draws whose grouping does not depend on ``u_ij`` itself. The item's respondents
are sorted by ``π_ij`` and cut into ``G`` groups of equal size,
``G = min(n_groups, n_j // min_group_size)``, and

``X²_j = Σ_g (O_g - E_g)² / V_g``, ``O_g = Σ_{i∈g} u_ij``, ``E_g = Σ_{i∈g} π_ij``,
``V_g = Σ_{i∈g} π_ij (1 - π_ij)``,

referred to ``χ²`` with ``G - k_j`` degrees of freedom, ``k_j`` the number of parameters of item
``j`` estimated from the same data (as S-X² does; ``k_j = 0`` for items whose parameters come from
elsewhere, e.g. a drift check on stored parameters). Items with fewer than ``2 min_group_size``
responses or no degree of freedom left get ``nan``. The pseudo-count idea of using posteriors rather
than point estimates of ability is Stone's (2000).

References
----------
Orlando, M., & Thissen, D. (2000). Likelihood-based item-fit indices for dichotomous item response
theory models. *Applied Psychological Measurement*, 24, 50-64.
Stone, C. A. (2000). Monte Carlo based null distribution for an alternative goodness-of-fit test
statistic in IRT models. *Journal of Educational Measurement*, 37, 58-75.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.stats import chi2

from item_bank.irt.calibration import _estep
from item_bank.irt.calibration.data import IntArray, ResponseData
from item_bank.irt.calibration.em import CalibrationResult
from item_bank.irt.calibration.params import ItemParameters
from item_bank.irt.models import FloatArray, Model
from item_bank.irt.quadrature import normal_grid

__all__ = ["ItemFit", "item_fit", "predictive"]

_N_FREE = {"full": -1, "no_c": 2, "b_only": 1, "prior": 0}


@dataclass(frozen=True, eq=False)
class ItemFit:
    """Per-item fit statistics (``nan`` where the item has too few responses)."""

    item_ids: tuple[str, ...]
    statistic: FloatArray
    df: IntArray
    p_value: FloatArray
    flagged: NDArray[np.bool_]
    observed: FloatArray
    expected: FloatArray
    alpha: float


def predictive(
    data: ResponseData, params: ItemParameters, n_points: int = 41, bound: float = 4.0
) -> FloatArray:
    """Leave-one-out predictive probability ``π_ij`` of every observed response, in data order."""
    p_items = params.select(data.item_ids)
    nodes, weights = normal_grid(n_points, bound)
    p = _estep.prob_table(nodes, p_items.a, p_items.b, p_items.c)
    h, _ = _estep.posterior(_estep.person_loglik(data, p), np.log(weights))
    out = np.empty(data.n_obs)
    for rows in _estep.chunks(data.n_obs):
        _, out[rows] = _estep.leave_one_out(data, h, p, rows)
    return out


def _n_estimated(fitted: CalibrationResult | ItemParameters, ids: tuple[str, ...]) -> IntArray:
    if isinstance(fitted, ItemParameters):
        return np.zeros(len(ids), dtype=np.int64)
    full = {Model.ONE_PL: 1, Model.TWO_PL: 2, Model.THREE_PL: 3}[fitted.params.model]
    lookup = dict(zip(fitted.params.item_ids, fitted.status, strict=True))
    k = [_N_FREE[lookup[i]] for i in ids]
    return np.asarray([full if v < 0 else v for v in k], dtype=np.int64)


def item_fit(
    data: ResponseData,
    fitted: CalibrationResult | ItemParameters,
    *,
    n_groups: int = 10,
    min_group_size: int = 10,
    alpha: float = 0.01,
    n_points: int = 41,
) -> ItemFit:
    """Grouped X² per item of ``data`` (see the module docstring).

    Parameters
    ----------
    data : ResponseData
        The responses; every item must have parameters in ``fitted``.
    fitted : CalibrationResult or ItemParameters
        A calibration of these data (degrees of freedom reduced by the estimated parameters), or
        parameters obtained elsewhere (no reduction).
    n_groups, min_group_size : int
        At most ``n_groups`` groups of at least ``min_group_size`` respondents.
    alpha : float
        ``flagged`` is ``p_value < alpha``.
    """
    params = fitted if isinstance(fitted, ItemParameters) else fitted.params
    pi = predictive(data, params, n_points)
    j = data.item_idx
    n_items = data.n_items
    n_j = np.bincount(j, minlength=n_items)
    groups = np.minimum(n_groups, n_j // min_group_size)
    order = np.lexsort((pi, j))
    starts = np.concatenate([[0], np.cumsum(n_j)[:-1]])
    rank = np.empty(data.n_obs, dtype=np.int64)
    rank[order] = np.arange(data.n_obs) - starts[j[order]]
    g = (rank * groups[j]) // np.maximum(n_j[j], 1)
    cell = j * n_groups + g
    size = n_items * n_groups
    obs = np.bincount(cell, weights=data.response, minlength=size).reshape(n_items, n_groups)
    exp = np.bincount(cell, weights=pi, minlength=size).reshape(n_items, n_groups)
    var = np.bincount(cell, weights=pi * (1.0 - pi), minlength=size).reshape(n_items, n_groups)
    used = var > 0
    x2 = np.where(used, (obs - exp) ** 2 / np.where(used, var, 1.0), 0.0).sum(axis=1)
    df = groups - _n_estimated(fitted, data.item_ids)
    ok = (groups >= 2) & (df >= 1)
    stat = np.where(ok, x2, np.nan)
    pval = np.where(ok, chi2.sf(x2, np.maximum(df, 1)), np.nan)
    return ItemFit(
        item_ids=data.item_ids,
        statistic=stat,
        df=np.where(ok, df, 0).astype(np.int64),
        p_value=pval,
        flagged=np.where(ok, pval < alpha, False),
        observed=obs.sum(axis=1),
        expected=exp.sum(axis=1),
        alpha=alpha,
    )
