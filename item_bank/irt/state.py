"""The state of one attempt, frozen and JSON-serialisable.

The web layer stores ``CatState.to_dict()`` as JSON between requests. Items are referred to by id
only, so the pool may change between requests; the parameters each answer was scored with are
kept so that an estimate never silently changes when an item is recalibrated mid-attempt.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from item_bank.irt.models import FloatArray

__all__ = ["STATE_VERSION", "CatState"]

#: Bumped when the serialised layout changes.
STATE_VERSION = 1


@dataclass(frozen=True, eq=False)
class CatState:
    """Everything the engine knows about an attempt.

    Attributes
    ----------
    item_ids : tuple of str
        Administered items, in order (pilot items included).
    responses : tuple of bool
        Whether each answer was correct.
    pilot : tuple of bool
        Whether each administered item was a pilot (unscored) item.
    params : tuple of (a, b, c)
        Parameters each item was scored with.
    theta_history : tuple of float
        θ̂ after each answer (unchanged after a pilot item).
    theta, se : float
        Current estimate and its standard error (prior mean and prior SD at the start).
    theta_working : float
        The point selection uses: θ̂, or θ̂ moved by at most ``max_theta_step`` per answer.
    log_posterior : ndarray
        Log-posterior on the quadrature grid, normalised so that ``log Σ exp = 0``.
    seed : int
        Per-attempt seed of the Sympson-Hetter draws (below 2**52, exact in any JSON reader).
    """

    item_ids: tuple[str, ...]
    responses: tuple[bool, ...]
    pilot: tuple[bool, ...]
    params: tuple[tuple[float, float, float], ...]
    theta_history: tuple[float, ...]
    theta: float
    se: float
    theta_working: float
    log_posterior: FloatArray
    seed: int

    @property
    def n_administered(self) -> int:
        """Items administered, pilots included."""
        return len(self.item_ids)

    @property
    def n_scored(self) -> int:
        """Scored (non-pilot) items."""
        return len(self.pilot) - sum(self.pilot)

    @property
    def n_pilot(self) -> int:
        """Pilot items administered."""
        return sum(self.pilot)

    def scored(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """``(a, b, c, u)`` arrays of the scored answers."""
        rows = [
            (*p, float(r))
            for p, r, x in zip(self.params, self.responses, self.pilot, strict=True)
            if not x
        ]
        if not rows:
            empty = np.zeros(0)
            return empty, empty, empty, empty
        arr = np.array(rows, dtype=np.float64)
        return arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (lists, floats, bools, str)."""
        return {
            "version": STATE_VERSION,
            "item_ids": list(self.item_ids),
            "responses": list(self.responses),
            "pilot": list(self.pilot),
            "params": [list(p) for p in self.params],
            "theta_history": list(self.theta_history),
            "theta": self.theta,
            "se": self.se,
            "theta_working": self.theta_working,
            "log_posterior": self.log_posterior.tolist(),
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CatState:
        """Inverse of :meth:`to_dict`; validates lengths and values."""
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported state version {data.get('version')!r}")
        ids = tuple(str(i) for i in data["item_ids"])
        responses = tuple(bool(r) for r in data["responses"])
        pilot = tuple(bool(p) for p in data["pilot"])
        params = tuple((float(p[0]), float(p[1]), float(p[2])) for p in data["params"])
        history = tuple(float(t) for t in data["theta_history"])
        if not len(ids) == len(responses) == len(pilot) == len(params) == len(history):
            raise ValueError("inconsistent state: per-item lists differ in length")
        log_post = np.array(data["log_posterior"], dtype=np.float64)
        if log_post.ndim != 1 or log_post.size < 3 or not np.all(np.isfinite(log_post)):
            raise ValueError("inconsistent state: bad log_posterior")
        theta, se, working = float(data["theta"]), float(data["se"]), float(data["theta_working"])
        if not (math.isfinite(theta) and math.isfinite(working)) or math.isnan(se):
            raise ValueError("inconsistent state: bad theta")
        seed = int(data["seed"])
        if not 0 <= seed < 2**52:
            raise ValueError("inconsistent state: bad seed")
        return cls(ids, responses, pilot, params, history, theta, se, working, log_post, seed)
