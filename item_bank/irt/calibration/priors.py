"""Prior distributions on item parameters and the small-sample rules (Bayes-modal estimation).

Mislevy (1986) showed that adding log prior densities of the item parameters to the marginal
log-likelihood of Bock & Aitkin (1981) keeps the estimates finite and stable when data are scarce,
and that the EM algorithm carries over unchanged: the M-step maximises the expected complete-data
log-likelihood plus the log prior. The priors used here follow BILOG-MG's (Zimowski et al. 2003):

- slope: ``log a ~ N(μ_a, σ_a²)`` (lognormal ``a``), default ``μ_a = 0, σ_a = 0.5``. The mode is
  taken on the log scale (the optimiser works in ``α = log a``), so the prior's mode for ``a`` is
  its median ``exp(μ_a)`` = 1;
- difficulty: ``b_j ~ N(μ_b,j, σ_b,j²)``. When the item has an expert level, ``μ_b,j`` is that level
  and ``σ_b,j = 1`` by default (a level is a coarse judgement; the bench's simulated experts are off
  by 0.5 on average); otherwise ``N(0, 2²)``, weak enough to leave well-measured items alone (a
  ``N(0, 1)`` prior measurably shrinks the extreme items of a 2,000-examinee calibration and their
  slopes with them) yet enough to keep items answered all right or all wrong finite;
- lower asymptote: ``c ~ Beta(α_c, β_c)``, default ``Beta(5, 17)`` (BILOG-MG's ``20 p + 1``,
  ``20 (1 - p) + 1`` with ``p = 0.2``; mode ``0.2``); the mode is taken on the ``c`` scale.

Small samples: besides the priors, an item with few responses gets fewer free parameters
(thresholds below, in numbers of responses to the item):

- ``n < MIN_RESPONSES`` (10): not estimated; the item keeps its prior modes (status ``"prior"``);
- ``n < MIN_RESPONSES_SLOPE`` (100): only ``b`` is estimated; ``a`` is fixed at ``exp(μ_a)`` and
  ``c`` at its prior mode (status ``"b_only"``). In our simulations (true ``log a ~ N(0, 0.3²)``,
  20 responses per examinee) the estimated slope only beats the fixed ``a = 1`` from about 80-100
  responses: below that its sampling error exceeds the spread of the slopes themselves;
- 3PL and ``n < MIN_RESPONSES_GUESSING`` (300): ``c`` is fixed at its prior mode (status
  ``"no_c"``); the lower asymptote is only identified by many low-ability examinees
  (Lord 1980, ch. 12).

References
----------
Mislevy, R. J. (1986). Bayes modal estimation in item response models. *Psychometrika*, 51,
177-195.
Zimowski, M., Muraki, E., Mislevy, R., & Bock, R. D. (2003). *BILOG-MG 3*. Scientific Software
International.
Lord, F. M. (1980). *Applications of Item Response Theory to Practical Testing Problems*. Erlbaum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from item_bank.irt.models import FloatArray

__all__ = [
    "MIN_RESPONSES",
    "MIN_RESPONSES_GUESSING",
    "MIN_RESPONSES_SLOPE",
    "Priors",
]

#: Fewer responses than this: the item is not estimated at all.
MIN_RESPONSES = 10
#: Fewer responses than this: only the difficulty is estimated.
MIN_RESPONSES_SLOPE = 100
#: Fewer responses than this (3PL): the lower asymptote is fixed at its prior mode.
MIN_RESPONSES_GUESSING = 300


@dataclass(frozen=True)
class Priors:
    """Prior distributions of the item parameters (see the module docstring).

    Parameters
    ----------
    log_a_mean, log_a_sd : float
        Normal prior on ``log a``.
    b_levels : mapping of item id to float
        The expert's level of each item, on the ``b`` scale: the prior mean of its ``b``.
    b_level_sd : float
        Prior standard deviation of ``b`` for the items in ``b_levels``.
    b_mean, b_sd : float
        Prior of ``b`` for the other items (weak: it keeps all-right or all-wrong items finite).
    c_alpha, c_beta : float
        Beta prior on ``c`` (both at least 1 so the log density is concave).
    """

    log_a_mean: float = 0.0
    log_a_sd: float = 0.5
    b_levels: Mapping[str, float] = field(default_factory=dict)
    b_level_sd: float = 1.0
    b_mean: float = 0.0
    b_sd: float = 2.0
    c_alpha: float = 5.0
    c_beta: float = 17.0

    def __post_init__(self) -> None:
        if not (self.log_a_sd > 0 and self.b_sd > 0 and self.b_level_sd > 0):
            raise ValueError("prior standard deviations must be positive")
        if not (self.c_alpha >= 1 and self.c_beta >= 1):
            raise ValueError("c_alpha and c_beta must be at least 1")

    @property
    def a_mode(self) -> float:
        """Mode of the slope prior on the log scale, ``exp(μ_a)``."""
        return float(np.exp(self.log_a_mean))

    @property
    def c_mode(self) -> float:
        """Mode of the Beta prior, ``(α_c - 1) / (α_c + β_c - 2)`` (0 when both are 1)."""
        denom = self.c_alpha + self.c_beta - 2.0
        return (self.c_alpha - 1.0) / denom if denom > 0 else 0.0

    def b_means(self, item_ids: Sequence[str]) -> FloatArray:
        """Per-item prior means of ``b`` in the order of ``item_ids``."""
        levels = self.b_levels
        return np.asarray([float(levels.get(i, self.b_mean)) for i in item_ids], dtype=np.float64)

    def b_sds(self, item_ids: Sequence[str]) -> FloatArray:
        """Per-item prior standard deviations of ``b`` in the order of ``item_ids``."""
        levels = self.b_levels
        return np.asarray(
            [self.b_level_sd if i in levels else self.b_sd for i in item_ids], dtype=np.float64
        )
