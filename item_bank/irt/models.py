"""Item response models: 1PL, 2PL and 3PL logistic models.

All functions broadcast over numpy arrays: ``theta`` of shape ``(m,)`` or ``(m, 1)`` against item
parameters of shape ``(n,)`` gives ``(m, n)``. A 1PL item is a 2PL item with ``a = 1``; a 2PL item
is a 3PL item with ``c = 0``. The logistic metric is used throughout (no scaling constant ``D``).

References
----------
Lord, F. M. (1980). *Applications of Item Response Theory to Practical Testing Problems*. Erlbaum.
Birnbaum, A. (1968). Some latent trait models. In Lord & Novick, *Statistical Theories of Mental
Test Scores*.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

#: Probabilities are kept inside ``[EPS, 1 - EPS]`` so that logs and ratios stay finite.
EPS = 1e-9


class Model(StrEnum):
    """The three logistic models the engine supports."""

    ONE_PL = "1PL"
    TWO_PL = "2PL"
    THREE_PL = "3PL"


def _grid(theta: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike) -> tuple[FloatArray, ...]:
    t = np.asarray(theta, dtype=np.float64)
    if t.ndim == 1:
        t = t[:, None]
    return (
        t,
        np.asarray(a, dtype=np.float64),
        np.asarray(b, dtype=np.float64),
        np.asarray(c, dtype=np.float64),
    )


def prob(theta: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0) -> FloatArray:
    """Probability of a correct answer, ``P = c + (1 - c) / (1 + exp(-a (theta - b)))``.

    Lord (1980), eq. 2-1. A scalar ``theta`` gives one value per item; a vector ``theta`` of length
    ``m`` gives an ``(m, n)`` array.
    """
    t, a_, b_, c_ = _grid(theta, a, b, c)
    z = a_ * (t - b_)
    p = c_ + (1.0 - c_) / (1.0 + np.exp(-z))
    return np.clip(p, EPS, 1.0 - EPS)


def information(theta: ArrayLike, a: ArrayLike, b: ArrayLike, c: ArrayLike = 0.0) -> FloatArray:
    """Fisher information of each item at ``theta``.

    ``I(theta) = a^2 * (Q / P) * ((P - c) / (1 - c))^2`` (Lord 1980, eq. 5-4; Birnbaum 1968), which
    reduces to ``a^2 P Q`` for the 2PL.
    """
    t, a_, b_, c_ = _grid(theta, a, b, c)
    p = prob(t, a_, b_, c_)
    q = 1.0 - p
    return a_**2 * (q / p) * ((p - c_) / (1.0 - c_)) ** 2
