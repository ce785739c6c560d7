"""From an ability estimate to what learners and the gradebook see: a 0-100 score and a CAIRE level.

Score
-----
``"normal"`` (default): ``score(θ) = 100 Φ((θ - μ_s) / σ_s)``, with ``μ_s = 0`` and ``σ_s = 1``,
i.e. the percentage of the calibration population (θ ~ N(0, 1)) below ``θ``: a percentile rank
that needs no pool at scoring time and is bounded and strictly increasing.
``"linear"``: ``score(θ) = 100 (θ + B) / (2B)`` clipped to ``[0, 100]`` (``B`` = grid bound).
The interval is the image of ``θ̂ ± z SE``; both maps are increasing, so the image of an
interval is an interval with the same coverage.

CAIRE levels
------------
Two cut points ``κ_1 < κ_2`` on the θ scale give level 1 "sensibilisé" (``θ < κ_1``),
2 "éclairé" (``κ_1 ≤ θ < κ_2``) and 3 "responsable" (``θ ≥ κ_2``). Defaults ``κ = (-0.5, 0.7)``
put about 31 %, 45 % and 24 % of a N(0, 1) population in the three levels: the top level is
deliberately the smaller one. They are provisional until a standard-setting study (e.g. bookmark)
on the calibrated bank replaces them. The probability of each level uses the normal approximation
to the sampling distribution of ``θ̂``: ``P(level 1) = Φ((κ_1 - θ̂)/SE)``,
``P(level 2) = Φ((κ_2 - θ̂)/SE) - Φ((κ_1 - θ̂)/SE)``, ``P(level 3) = 1 - Φ((κ_2 - θ̂)/SE)``.

References
----------
Lord, F. M. (1980). *Applications of Item Response Theory to Practical Testing Problems*. Erlbaum.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

__all__ = [
    "LEVEL_NAMES",
    "Score",
    "level_of",
    "level_probabilities",
    "theta_interval",
    "theta_to_score",
]

_STD = NormalDist()

#: CAIRE level names, indexed by level number.
LEVEL_NAMES: dict[int, str] = {1: "sensibilisé", 2: "éclairé", 3: "responsable"}


def _phi(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def theta_to_score(
    theta: float,
    mapping: str = "normal",
    center: float = 0.0,
    scale: float = 1.0,
    bound: float = 4.0,
) -> float:
    """Map ``θ`` to ``[0, 100]`` (see the module docstring for both mappings)."""
    if mapping == "normal":
        return 100.0 * _phi((theta - center) / scale)
    if mapping == "linear":
        return min(100.0, max(0.0, 100.0 * (theta + bound) / (2.0 * bound)))
    raise ValueError(f"unknown score mapping {mapping!r}")


def theta_interval(theta: float, se: float, confidence: float = 0.95) -> tuple[float, float]:
    """Normal-theory interval ``θ̂ ± z_{(1+γ)/2} SE``."""
    if not math.isfinite(se):
        return -math.inf, math.inf
    z = _STD.inv_cdf(0.5 + confidence / 2.0)
    return theta - z * se, theta + z * se


def level_of(theta: float, cut_points: Sequence[float]) -> int:
    """CAIRE level (1, 2 or 3): the number of cut points at or below ``θ``, plus one."""
    return 1 + sum(1 for k in cut_points if theta >= k)


def level_probabilities(theta: float, se: float, cut_points: Sequence[float]) -> tuple[float, ...]:
    """``P(level = l)`` under ``θ ~ N(θ̂, SE²)``; sums to one."""
    if se <= 0 or not math.isfinite(se):
        probs = [0.0] * (len(cut_points) + 1)
        if se <= 0:
            probs[level_of(theta, cut_points) - 1] = 1.0
            return tuple(probs)
        return tuple(1.0 / len(probs) for _ in probs)
    cdf = [0.0, *(_phi((k - theta) / se) for k in cut_points), 1.0]
    return tuple(max(hi - lo, 0.0) for lo, hi in zip(cdf[:-1], cdf[1:], strict=True))


@dataclass(frozen=True)
class Score:
    """The result of an attempt.

    Attributes
    ----------
    theta, se : float
        Final ability estimate and its standard error.
    score : float
        0-100 score; ``score_low`` and ``score_high`` bound its interval.
    level : int
        CAIRE level (1 sensibilisé, 2 éclairé, 3 responsable).
    level_probabilities : tuple of float
        Probability of each level, in level order.
    n_scored : int
        Number of scored (non-pilot) items behind the estimate.
    """

    theta: float
    se: float
    score: float
    score_low: float
    score_high: float
    level: int
    level_probabilities: tuple[float, ...]
    n_scored: int

    @property
    def level_name(self) -> str:
        """French name of the level."""
        return LEVEL_NAMES[self.level]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "theta": self.theta,
            "se": self.se,
            "score": self.score,
            "score_low": self.score_low,
            "score_high": self.score_high,
            "level": self.level,
            "level_name": self.level_name,
            "level_probabilities": list(self.level_probabilities),
            "n_scored": self.n_scored,
        }
