"""Online calibration of pilot items, operational items held fixed: the multiple-EM method (MEM).

Pilot (new) items are seeded into live adaptive tests; their parameters must be put on the scale of
the operational bank without recalibrating it. MEM (Ban, Hanson, Wang, Yi & Harris 2001; Kim 2006)
is Bock-Aitkin EM in which only the pilot items' parameters move:

1. first cycle (Wainer & Mislevy's "one EM cycle", OEM): each examinee's posterior over the nodes
   given their *operational* responses,
   ``h_iq ∝ W_q Π_{j ∈ op(i)} P_j(X_q)^{u_ij} (1 - P_j(X_q))^{1 - u_ij}``;
2. the pilot items' expected counts ``n̄_jq``, ``r̄_jq`` from these posteriors, and an M-step for
   each pilot item;
3. later cycles: the posterior also includes the examinee's *pilot* responses at the current pilot
   estimates; repeat 2-3 until no pilot parameter moves by ``tol``.

The M-step for a 2PL pilot item is a weighted logistic regression of the "quadrature-expanded" data:
at every node ``X_q`` one row ``(X_q, y = 1)`` with weight ``r̄_jq`` and one row ``(X_q, y = 0)``
with weight ``n̄_jq - r̄_jq``; scikit-learn's ``LogisticRegression`` with ``sample_weight``
maximises exactly ``Σ_q r̄_jq log P_j(X_q) + (n̄_jq - r̄_jq) log(1 - P_j(X_q))`` (plus a weak ridge
``a² / (2 C)``), and ``a = coef``, ``b = -intercept / a``. The ``newton-cholesky`` solver is used:
exact Newton steps on two parameters, and no multi-threaded BLAS call, which on a busy machine made
``lbfgs`` ten times slower. ``solver="newton"`` uses the batch M-step
instead, with the priors of ``priors.Priors`` (the expert's ``b``), and is the only option for 1PL
and 3PL. Items with fewer than ``MIN_RESPONSES_SLOPE`` responses, or whose answers are all right or
all wrong, always take the Newton path (``b`` only, with its prior).

Why not Stocking's Method A? Method A (Stocking 1988) regresses the pilot responses on point
estimates ``θ̂_i`` as if they were the true abilities. With EAP estimates from a short adaptive
test, ``θ̂`` is the posterior *mean*: the response probability given the data is
``E[P_j(θ) | data] = ∫ P_j(θ) h_i(θ) dθ``, a logistic curve averaged over a posterior of standard
deviation ``PSD(θ̂)`` ≈ 0.3-0.5, which is flatter than ``P_j`` itself. Fitting ``P_j(θ̂)`` therefore
attenuates ``a`` (roughly by ``1 / √(1 + a² PSD² / 2.9)``, the logistic-normal approximation) and
stretches ``b`` away from the mean; the shrinkage of EAP towards the prior mean also varies with the
test length. MEM integrates over each examinee's posterior instead and is consistent (Ban et al.
2001 found it the most accurate of Method A, OEM and MEM, Method A the least).

References
----------
Ban, J.-C., Hanson, B. A., Wang, T., Yi, Q., & Harris, D. J. (2001). A comparative study of on-line
pretest item calibration/scaling methods in computerized adaptive testing. *Journal of Educational
Measurement*, 38, 191-212.
Kim, S. (2006). A comparative study of IRT fixed parameter calibration methods. *Journal of
Educational Measurement*, 43, 355-381.
Stocking, M. L. (1988). *Scale drift in on-line calibration*. ETS Research Report RR-88-28.
Wainer, H., & Mislevy, R. J. (1990). Item response theory, item calibration, and proficiency
estimation. In H. Wainer (Ed.), *Computerized Adaptive Testing: A Primer*. Erlbaum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from sklearn.linear_model import LogisticRegression

from item_bank.irt.calibration import _estep, _mstep
from item_bank.irt.calibration.data import IntArray, ResponseData
from item_bank.irt.calibration.em import (
    DEFAULT_BOUND,
    DEFAULT_POINTS,
    OnIteration,
    free_parameters,
    prior_arrays,
)
from item_bank.irt.calibration.params import ItemParameters
from item_bank.irt.calibration.priors import MIN_RESPONSES_SLOPE, Priors
from item_bank.irt.models import FloatArray, Model
from item_bank.irt.quadrature import normal_grid

__all__ = ["OnlineResult", "calibrate_online", "stocking_method_a"]

Solver = Literal["sklearn", "newton"]

#: Inverse ridge strength for the scikit-learn M-step: ``a ~ N(0, C)`` in effect, i.e. negligible
#: against tens of responses; it only keeps the fit finite.
DEFAULT_C = 100.0


@dataclass(frozen=True, eq=False)
class OnlineResult:
    """Pilot-item estimates on the operational scale, with standard errors and diagnostics."""

    params: ItemParameters
    se_a: FloatArray
    se_b: FloatArray
    se_c: FloatArray
    n_responses: IntArray
    status: tuple[str, ...]
    cycles: int
    converged: bool


def _split(
    data: ResponseData, operational: ItemParameters, pilot_items: Sequence[str] | None
) -> tuple[ResponseData, ItemParameters, ResponseData]:
    known = set(operational.item_ids)
    op_ids = [i for i in data.item_ids if i in known]
    if pilot_items is None:
        pilot_items = [i for i in data.item_ids if i not in known]
    pilot_ids = [str(i) for i in pilot_items]
    if not pilot_ids:
        raise ValueError("no pilot items to calibrate")
    if known.intersection(pilot_ids):
        raise ValueError("an item cannot be both operational and pilot")
    return data.subset_items(op_ids), operational.select(op_ids), data.subset_items(pilot_ids)


def _sklearn_2pl(
    nodes: FloatArray, r_bar: FloatArray, n_bar: FloatArray, c_inv: float
) -> tuple[float, float]:
    """One item's 2PL M-step as a weighted logistic regression on quadrature-expanded data."""
    x = np.concatenate([nodes, nodes])[:, None]
    y = np.concatenate([np.ones_like(nodes), np.zeros_like(nodes)])
    w = np.concatenate([r_bar, n_bar - r_bar])
    keep = w > 1e-12
    model = LogisticRegression(C=c_inv, solver="newton-cholesky", max_iter=100, tol=1e-8)
    model.fit(x[keep], y[keep], sample_weight=w[keep])
    slope = max(float(model.coef_[0, 0]), 0.05)
    return slope, -float(model.intercept_[0]) / slope


def calibrate_online(
    data: ResponseData,
    operational: ItemParameters,
    *,
    pilot_items: Sequence[str] | None = None,
    model: Model | str = Model.TWO_PL,
    priors: Priors | None = None,
    solver: Solver = "sklearn",
    max_cycles: int = 100,
    tol: float = 1e-3,
    n_points: int = DEFAULT_POINTS,
    bound: float = DEFAULT_BOUND,
    sklearn_c: float = DEFAULT_C,
    on_iteration: OnIteration | None = None,
) -> OnlineResult:
    """Calibrate pilot items by MEM with the operational items fixed (see the module docstring).

    Parameters
    ----------
    data : ResponseData
        Live responses to operational and pilot items.
    operational : ItemParameters
        Fixed parameters; responses to items of ``data`` found here anchor the scale.
    pilot_items : sequence of str, optional
        The items to calibrate; by default every item of ``data`` not in ``operational``.
    model : Model or str
        Model of the pilot items.
    priors : Priors, optional
        Priors for the Newton M-step (and the fallback of scarce items).
    solver : {"sklearn", "newton"}
        M-step for 2PL pilot items.
    """
    model = Model(model)
    priors = priors or Priors()
    if solver == "sklearn" and model is not Model.TWO_PL:
        solver = "newton"
    op_data, op_params, pilot = _split(data, operational, pilot_items)
    nodes, weights = normal_grid(n_points, bound)
    log_w = np.log(weights)
    op_p = _estep.prob_table(nodes, op_params.a, op_params.b, op_params.c)
    base = _estep.person_loglik(op_data, op_p) + log_w

    n_resp, n_correct = pilot.item_counts()
    free, status = free_parameters(model, n_resp)
    prior = prior_arrays(priors, pilot.item_ids)
    a = np.full(pilot.n_items, 1.0 if model is Model.ONE_PL else priors.a_mode)
    b = prior.b_mean.copy()
    c = np.full(pilot.n_items, priors.c_mode if model is Model.THREE_PL else 0.0)
    use_sk = (solver == "sklearn") & free[:, 0] & (n_correct > 0) & (n_correct < n_resp)
    use_sk &= n_resp >= MIN_RESPONSES_SLOPE

    converged = False
    cycle = 0
    h = np.empty((0, 0))
    for cycle in range(1, max_cycles + 1):
        h = _posterior(base, pilot, nodes, (a, b, c), include_pilot=cycle > 1)
        n_bar, r_bar = _estep.expected_counts(pilot, h)
        na, nb, nc = _mstep.m_step(nodes, r_bar, n_bar, (a, b, c), free & ~use_sk[:, None], prior)
        for j in np.flatnonzero(use_sk):
            na[j], nb[j] = _sklearn_2pl(nodes, r_bar[j], n_bar[j], sklearn_c)
        delta = float(max(np.abs(na - a).max(), np.abs(nb - b).max(), np.abs(nc - c).max()))
        a, b, c = na, nb, nc
        if on_iteration is not None:
            on_iteration(cycle, max_cycles, delta)
        if delta < tol and cycle > 1:
            converged = True
            break

    h = _posterior(base, pilot, nodes, (a, b, c), include_pilot=True)
    xpd = _mstep.crossproduct_information(pilot, h, nodes, (a, b, c))
    se_a, se_b, se_c = _mstep.standard_errors(xpd, (a, b, c), free, prior)
    return OnlineResult(
        params=ItemParameters(pilot.item_ids, a, b, c, model),
        se_a=se_a,
        se_b=se_b,
        se_c=se_c,
        n_responses=n_resp,
        status=tuple(status),
        cycles=cycle,
        converged=converged,
    )


def _posterior(
    base: FloatArray,
    pilot: ResponseData,
    nodes: FloatArray,
    params: tuple[FloatArray, FloatArray, FloatArray],
    *,
    include_pilot: bool,
) -> FloatArray:
    s = base
    if include_pilot:
        s = base + _estep.person_loglik(pilot, _estep.prob_table(nodes, *params))
    h, _ = _estep.posterior(s, np.zeros(s.shape[1]))
    return h


def stocking_method_a(
    data: ResponseData,
    operational: ItemParameters,
    *,
    pilot_items: Sequence[str] | None = None,
    n_points: int = DEFAULT_POINTS,
    bound: float = DEFAULT_BOUND,
    sklearn_c: float = DEFAULT_C,
) -> ItemParameters:
    """Stocking's (1988) Method A, for comparison only: 2PL logistic regression on EAP ``θ̂``.

    ``θ̂_i = Σ_q X_q h_iq`` from the operational responses; each pilot item is then fitted as if
    ``θ̂_i`` were known. Biased for short tests (see the module docstring); use
    ``calibrate_online``.
    """
    op_data, op_params, pilot = _split(data, operational, pilot_items)
    nodes, weights = normal_grid(n_points, bound)
    op_p = _estep.prob_table(nodes, op_params.a, op_params.b, op_params.c)
    h, _ = _estep.posterior(_estep.person_loglik(op_data, op_p), np.log(weights))
    eap = np.einsum("iq,q->i", h, nodes)
    a = np.ones(pilot.n_items)
    b = np.zeros(pilot.n_items)
    for j in range(pilot.n_items):
        rows = pilot.item_idx == j
        y = pilot.response[rows]
        if y.min(initial=1) == y.max(initial=0):
            b[j] = np.nan
            continue
        fit = LogisticRegression(C=sklearn_c, solver="newton-cholesky", max_iter=100, tol=1e-8)
        fit.fit(eap[pilot.person_idx[rows]][:, None], y)
        a[j] = max(float(fit.coef_[0, 0]), 0.05)
        b[j] = -float(fit.intercept_[0]) / a[j]
    return ItemParameters(pilot.item_ids, a, b, np.zeros(pilot.n_items), Model.TWO_PL)
