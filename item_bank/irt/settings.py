"""Engine settings: one frozen, JSON-serialisable object per quiz configuration."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from item_bank.irt.estimation import Estimator

__all__ = ["EngineSettings"]

_PAIR_FIELDS = ("topic_targets", "sympson_hetter")
_TUPLE_FIELDS = ("topics", "levels", "cut_points")


def _pairs(value: Any) -> tuple[tuple[str, float], ...] | None:
    if value is None:
        return None
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), float(v)) for k, v in items))


@dataclass(frozen=True)
class EngineSettings:
    """How an adaptive test runs. Defaults are justified in ``docs/psychometrics.md``.

    Attributes
    ----------
    min_items, max_items : int
        Bounds on the number of scored items (pilot items do not count).
    se_target : float
        Stop once the standard error of θ̂ is at or below this (0.30 ≈ reliability 0.91 for a
        N(0, 1) population: ``1 - SE²``).
    estimator : Estimator
        EAP (default, Bock & Mislevy 1982), MAP, MLE (bounded) or WLE (Warm 1989).
    prior_mean, prior_sd : float
        Normal prior for EAP/MAP.
    quadrature_points, theta_bound : int, float
        The grid for EAP and the incremental posterior (81 points on [-4, 4], step 0.1).
    randomesque_k : int
        Choose at random among the ``k`` most informative items (Kingsbury & Zara 1989); 1 = off.
    sympson_hetter : tuple of (item id, K) pairs, optional
        Sympson-Hetter exposure control parameters; items not listed have ``K = 1``. A mapping
        is accepted and normalised to sorted pairs.
    topic_targets : tuple of (topic, proportion) pairs, optional
        Content balancing targets (Kingsbury & Zara 1989); topics not listed get 0.
    language : str, optional
        Only items in this language (when the pool knows languages).
    topics, levels : tuple, optional
        Only items of these topics / levels.
    comfort_items, comfort_min_p : int, float
        For the first ``comfort_items`` scored items, only items with ``P(correct | θ̂) ≥
        comfort_min_p`` (when any is left).
    max_theta_step : float, optional
        Largest move of the working θ (used for selection) per answer; the reported θ̂ is never
        capped.
    pilot_rate, max_pilot_items : float, int
        Probability of seeding an unscored pilot item at each step, and the cap per test.
    classification_stop, classification_confidence : bool, float
        Stop once the ``classification_confidence`` interval of θ lies within one CAIRE level.
    cut_points : tuple of two floats
        θ cut points between CAIRE levels 1|2 and 2|3.
    score_mapping, interval_confidence : str, float
        θ → 0-100 map ("normal" or "linear") and the confidence of reported intervals.
    """

    min_items: int = 10
    max_items: int = 25
    se_target: float = 0.30
    estimator: Estimator = Estimator.EAP
    prior_mean: float = 0.0
    prior_sd: float = 1.0
    quadrature_points: int = 81
    theta_bound: float = 4.0
    randomesque_k: int = 3
    sympson_hetter: tuple[tuple[str, float], ...] | None = None
    topic_targets: tuple[tuple[str, float], ...] | None = None
    language: str | None = None
    topics: tuple[str, ...] | None = None
    levels: tuple[int, ...] | None = None
    comfort_items: int = 3
    comfort_min_p: float = 0.65
    max_theta_step: float | None = None
    pilot_rate: float = 0.0
    max_pilot_items: int = 2
    classification_stop: bool = False
    classification_confidence: float = 0.95
    cut_points: tuple[float, float] = (-0.5, 0.7)
    score_mapping: str = "normal"
    interval_confidence: float = 0.95

    def __post_init__(self) -> None:
        fix = object.__setattr__
        fix(self, "estimator", Estimator(self.estimator))
        for name in _PAIR_FIELDS:
            fix(self, name, _pairs(getattr(self, name)))
        for name in _TUPLE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                fix(self, name, tuple(value))
        if not 1 <= self.min_items <= self.max_items:
            raise ValueError("need 1 <= min_items <= max_items")
        if not self.se_target > 0:
            raise ValueError("se_target must be positive")
        if not self.prior_sd > 0 or not self.theta_bound > 0 or self.quadrature_points < 3:
            raise ValueError("need prior_sd > 0, theta_bound > 0, quadrature_points >= 3")
        if self.randomesque_k < 1:
            raise ValueError("randomesque_k must be at least 1")
        if not 0.0 <= self.pilot_rate <= 1.0 or self.max_pilot_items < 0:
            raise ValueError("need 0 <= pilot_rate <= 1 and max_pilot_items >= 0")
        if not 0.0 < self.comfort_min_p < 1.0 or self.comfort_items < 0:
            raise ValueError("need 0 < comfort_min_p < 1 and comfort_items >= 0")
        if self.max_theta_step is not None and not self.max_theta_step > 0:
            raise ValueError("max_theta_step must be positive")
        if len(self.cut_points) != 2 or not self.cut_points[0] < self.cut_points[1]:
            raise ValueError("cut_points must be two increasing values")
        for conf in (self.classification_confidence, self.interval_confidence):
            if not 0.0 < conf < 1.0:
                raise ValueError("confidence levels must lie in (0, 1)")
        if self.score_mapping not in ("normal", "linear"):
            raise ValueError("score_mapping must be 'normal' or 'linear'")
        for name in _PAIR_FIELDS:
            pairs = getattr(self, name)
            if pairs is not None and any(v < 0 or not math.isfinite(v) for _, v in pairs):
                raise ValueError(f"{name} values must be finite and non-negative")
        if self.sympson_hetter is not None and any(v > 1 for _, v in self.sympson_hetter):
            raise ValueError("Sympson-Hetter parameters lie in [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (mappings for the pair fields, lists for tuples)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in _PAIR_FIELDS and value is not None:
                value = dict(value)
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Estimator):
                value = value.value
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EngineSettings:
        """Inverse of :meth:`to_dict`; missing keys take their defaults, unknown keys are errors."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - names
        if unknown:
            raise ValueError(f"unknown engine settings: {sorted(unknown)}")
        return cls(**dict(data))
