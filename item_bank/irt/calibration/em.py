"""Batch calibration: Bayes-modal marginal maximum likelihood by EM.

Bock & Aitkin (1981) with the priors of Mislevy (1986).

The ability distribution is fixed at ``N(0, 1)`` (this sets the scale), discretised on equally
spaced nodes ``X_q`` with normalised weights ``W_q`` (``irt.quadrature.normal_grid``). Each EM
cycle:

1. E-step (``_estep``): posterior weights ``h_iq`` of every person over the nodes given their
   observed responses, and the expected counts ``n̄_jq``, ``r̄_jq`` — over observed responses only,
   so the cost follows the number of responses, which suits sparse adaptive-test data;
2. M-step (``_mstep``): a few Fisher-scoring steps per item, vectorised over all items, on the
   expected complete-data log-likelihood plus the log priors (``priors``).

The marginal log-likelihood ``log L = Σ_i log Σ_q L_i(X_q) W_q`` (Bock & Aitkin 1981, eq. 5) is
reported at the final estimates, with the log posterior ``log L + Σ_j log π(η_j)``. Convergence: the
largest change of any free ``a``, ``b`` or ``c`` between two cycles is below ``tol`` (default
``1e-4``). Standard errors: cross-product information of the marginal likelihood plus the prior
information, item by item (``_mstep.standard_errors``).

References
----------
Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item parameters:
Application of an EM algorithm. *Psychometrika*, 46, 443-459.
Mislevy, R. J. (1986). Bayes modal estimation in item response models. *Psychometrika*, 51, 177-195.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.special import logit

from item_bank.irt.calibration import _estep, _mstep
from item_bank.irt.calibration.data import IntArray, ResponseData
from item_bank.irt.calibration.params import ItemParameters
from item_bank.irt.calibration.priors import (
    MIN_RESPONSES,
    MIN_RESPONSES_GUESSING,
    MIN_RESPONSES_SLOPE,
    Priors,
)
from item_bank.irt.models import FloatArray, Model
from item_bank.irt.quadrature import normal_grid

__all__ = ["CalibrationResult", "OnIteration", "calibrate", "free_parameters", "prior_arrays"]

#: ``on_iteration(i, max_iter, delta)`` is called after each EM cycle ``i`` (1-based) with the
#: largest parameter change of that cycle, so a progress bar can advance.
OnIteration = Callable[[int, int, float], None]

DEFAULT_POINTS = 41
DEFAULT_BOUND = 4.0


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Estimates with their standard errors and the run's diagnostics.

    ``status`` per item: ``"full"`` (every parameter of the model estimated), ``"no_c"`` (3PL item
    with ``c`` fixed at its prior mode), ``"b_only"`` (``a`` and ``c`` fixed) or ``"prior"`` (too
    few responses: the prior modes are returned and the standard errors are ``nan``).
    """

    params: ItemParameters
    se_a: FloatArray
    se_b: FloatArray
    se_c: FloatArray
    n_responses: IntArray
    status: tuple[str, ...]
    log_likelihood: float
    log_posterior: float
    iterations: int
    converged: bool


def free_parameters(model: Model, n_responses: IntArray) -> tuple[NDArray[np.bool_], list[str]]:
    """Which of ``(α, b, γ)`` are estimated for each item, and the item's status."""
    n = np.asarray(n_responses)
    free = np.zeros((n.shape[0], 3), dtype=bool)
    free[:, 1] = n >= MIN_RESPONSES
    if model is not Model.ONE_PL:
        free[:, 0] = n >= MIN_RESPONSES_SLOPE
    if model is Model.THREE_PL:
        free[:, 2] = n >= MIN_RESPONSES_GUESSING
    full = np.ones(3, dtype=bool)
    if model is Model.ONE_PL:
        full = np.array([False, True, False])
    elif model is Model.TWO_PL:
        full = np.array([True, True, False])
    status = []
    for row in free:
        if not row[1]:
            status.append("prior")
        elif (row == full).all():
            status.append("full")
        elif row[0]:
            status.append("no_c")
        else:
            status.append("b_only")
    return free, status


def prior_arrays(priors: Priors, item_ids: tuple[str, ...]) -> _mstep.PriorArrays:
    """The priors laid out per item for the M-step."""
    return _mstep.PriorArrays(
        log_a_mean=priors.log_a_mean,
        log_a_sd=priors.log_a_sd,
        b_mean=priors.b_means(item_ids),
        b_sd=priors.b_sds(item_ids),
        c_alpha=priors.c_alpha,
        c_beta=priors.c_beta,
    )


def _start(
    model: Model, priors: Priors, b_prior: FloatArray, n: IntArray, r: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Starting values: prior modes for ``a`` and ``c``; ``b`` from the smoothed proportion correct.

    ``b₀ = -√(1 + a²/3) logit((p - c) / (1 - c)) / a`` approximates the marginal difficulty under a
    ``N(0, 1)`` ability (the normal-ogive correction of Lord & Novick 1968, eq. 16.9.3, in the
    logistic metric), shrunk towards the prior mean with the weight ``n / (n + 20)``.
    """
    k = len(n)
    a = np.full(k, priors.a_mode if model is not Model.ONE_PL else 1.0)
    c = np.full(k, priors.c_mode if model is Model.THREE_PL else 0.0)
    p = (r + 0.5) / (n + 1.0)
    pc = np.clip((p - c) / (1.0 - c), 0.02, 0.98)
    b_data = -np.sqrt(1.0 + a**2 / 3.0) * logit(pc) / a
    wgt = n / (n + 20.0)
    b = np.clip(wgt * b_data + (1.0 - wgt) * b_prior, -4.0, 4.0)
    return a, b, c


def calibrate(
    data: ResponseData,
    model: Model | str = Model.TWO_PL,
    priors: Priors | None = None,
    *,
    max_iter: int = 500,
    tol: float = 1e-4,
    n_points: int = DEFAULT_POINTS,
    bound: float = DEFAULT_BOUND,
    newton_steps: int = 3,
    on_iteration: OnIteration | None = None,
) -> CalibrationResult:
    """Calibrate every item of ``data`` by Bayes-modal EM.

    Parameters
    ----------
    data : ResponseData
        Observed responses (any amount missing).
    model : Model or {"1PL", "2PL", "3PL"}
        The response model. 1PL fixes ``a = 1`` (Rasch with a ``N(0, 1)`` ability).
    priors : Priors, optional
        Item-parameter priors (defaults of ``Priors()``: ``log a ~ N(0, 0.5²)``, ``b ~ N(0, 2²)`` or
        ``N(level, 1)`` for items with an expert level, ``c ~ Beta(5, 17)``).
    max_iter, tol : int, float
        At most ``max_iter`` EM cycles; stop when no free parameter moves by ``tol`` or more.
    n_points, bound : int, float
        Quadrature nodes on ``[-bound, bound]``.
    newton_steps : int
        Fisher-scoring steps per M-step.
    on_iteration : callable, optional
        ``on_iteration(i, max_iter, delta)`` after each cycle.

    Returns
    -------
    CalibrationResult
    """
    model = Model(model)
    priors = priors or Priors()
    nodes, weights = normal_grid(n_points, bound)
    log_w = np.log(weights)
    n_resp, n_correct = data.item_counts()
    free, status = free_parameters(model, n_resp)
    prior = prior_arrays(priors, data.item_ids)
    a, b, c = _start(model, priors, prior.b_mean, n_resp, n_correct)
    b = np.where(free[:, 1], b, prior.b_mean)

    converged = False
    iteration = 0
    for iteration in range(1, max_iter + 1):
        p = _estep.prob_table(nodes, a, b, c)
        h, _ = _estep.posterior(_estep.person_loglik(data, p), log_w)
        n_bar, r_bar = _estep.expected_counts(data, h)
        na, nb, nc = _mstep.m_step(nodes, r_bar, n_bar, (a, b, c), free, prior, newton_steps)
        delta = float(
            max(
                np.abs(na - a).max(initial=0.0),
                np.abs(nb - b).max(initial=0.0),
                np.abs(nc - c).max(initial=0.0),
            )
        )
        a, b, c = na, nb, nc
        if on_iteration is not None:
            on_iteration(iteration, max_iter, delta)
        if delta < tol:
            converged = True
            break

    p = _estep.prob_table(nodes, a, b, c)
    h, marginal = _estep.posterior(_estep.person_loglik(data, p), log_w)
    xpd = _mstep.crossproduct_information(data, h, nodes, (a, b, c))
    se_a, se_b, se_c = _mstep.standard_errors(xpd, (a, b, c), free, prior)
    log_lik = float(marginal.sum())
    log_post = log_lik + float(prior.log_density(a, b, c, free).sum())
    return CalibrationResult(
        params=ItemParameters(data.item_ids, a, b, c, model),
        se_a=se_a,
        se_b=se_b,
        se_c=se_c,
        n_responses=n_resp,
        status=tuple(status),
        log_likelihood=log_lik,
        log_posterior=log_post,
        iterations=iteration,
        converged=converged,
    )
