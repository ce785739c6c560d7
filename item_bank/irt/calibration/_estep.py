"""E-step of Bock & Aitkin (1981) over observed responses only, and leave-one-out predictions.

With nodes ``X_q`` and weights ``W_q`` of the ability distribution, person ``i``'s likelihood at a
node is ``L_i(X_q) = Π_{j ∈ obs(i)} P_j(X_q)^{u_ij} (1 - P_j(X_q))^{1 - u_ij}``, so in matrix form
``log L = Y · [log(1 - P); log P]ᵀ`` with ``Y`` the sparse persons × (2 × items) indicator matrix
of wrong and right answers (``ResponseData.indicators``): the cost is proportional to the number
of observed responses, not persons × items. The posterior weights are
``h_iq = L_i(X_q) W_q / Σ_k L_i(X_k) W_k`` and the expected counts ("artificial data") are
``n̄_jq = Σ_{i: j ∈ obs(i)} h_iq`` and ``r̄_jq = Σ_i u_ij h_iq``, both read off ``Yᵀ h``
(Bock & Aitkin 1981, eqs. 9-10).

References
----------
Bock, R. D., & Aitkin, M. (1981). Marginal maximum likelihood estimation of item parameters:
Application of an EM algorithm. *Psychometrika*, 46, 443-459.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from item_bank.irt.calibration.data import ResponseData
from item_bank.irt.models import FloatArray, prob

#: Observations processed at once when a (responses × nodes) array is needed.
CHUNK = 50_000


def prob_table(nodes: FloatArray, a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """``P_j(X_q)`` as an items × nodes array (clipped away from 0 and 1 by ``irt.models``)."""
    return prob(nodes, a, b, c).T.copy()


def person_loglik(data: ResponseData, p: FloatArray) -> FloatArray:
    """``log L_i(X_q)`` for every person and node, as a persons × nodes array."""
    y, _ = data.indicators()
    out: FloatArray = np.asarray(y @ np.vstack([np.log1p(-p), np.log(p)]), dtype=np.float64)
    return out


def posterior(loglik: FloatArray, log_weights: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Posterior weights ``h_iq`` and each person's marginal log-likelihood ``log Σ_q L_i W_q``."""
    s = loglik + log_weights
    top = s.max(axis=1, keepdims=True)
    h = np.exp(s - top)
    total = h.sum(axis=1, keepdims=True)
    h /= total
    marginal: FloatArray = (top + np.log(total))[:, 0]
    return h, marginal


def expected_counts(data: ResponseData, h: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Expected numbers of examinees ``n̄_jq`` and of correct answers ``r̄_jq`` (items × nodes)."""
    _, y_t = data.indicators()
    both = np.asarray(y_t @ h, dtype=np.float64)
    k = data.n_items
    r_bar: FloatArray = both[k:]
    n_bar: FloatArray = both[:k] + r_bar
    return n_bar, r_bar


def chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    """Consecutive slices covering ``range(n)``."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def leave_one_out(
    data: ResponseData, h: FloatArray, p: FloatArray, rows: slice
) -> tuple[FloatArray, FloatArray]:
    """Posterior without the response itself, and the predictive probability of a correct answer.

    For an observed response ``u_ij`` the posterior given the person's *other* responses is
    ``h_iq^(-j) ∝ h_iq / P_j(X_q)^{u_ij} (1 - P_j(X_q))^{1 - u_ij}`` and the predictive probability
    is ``π_ij = Σ_q h_iq^(-j) P_j(X_q)``. Under the model, the ``u_ij`` are independent Bernoulli
    draws with these probabilities (each conditions only on the other responses), which is what the
    item-fit and drift statistics use, in the manner of Orlando & Thissen (2000)'s rest score.

    Returns the posterior (responses × nodes) and ``π`` (responses) for the observations ``rows``.
    """
    j = data.item_idx[rows]
    u = data.response[rows][:, None]
    pj = p[j]
    lik = np.where(u == 1, pj, 1.0 - pj)
    w = h[data.person_idx[rows]] / lik
    w /= w.sum(axis=1, keepdims=True)
    pred: FloatArray = np.einsum("rq,rq->r", w, pj)
    return w, pred
