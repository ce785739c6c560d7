"""Seeded simulation of response data for the calibration tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from item_bank.irt.calibration import ResponseData
from item_bank.irt.models import prob


@dataclass(frozen=True)
class Simulated:
    """Responses with the parameters that generated them."""

    data: ResponseData
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    theta: np.ndarray


def simulate(
    n_persons: int = 2000,
    n_items: int = 50,
    *,
    per_person: int | None = None,
    a: np.ndarray | None = None,
    b: np.ndarray | None = None,
    c: np.ndarray | float = 0.0,
    seed: int = 0,
    item_prefix: str = "i",
) -> Simulated:
    """Draw ``θ ~ N(0, 1)`` and responses to every item, or to ``per_person`` random items each."""
    rng = np.random.default_rng(seed)
    a_ = rng.lognormal(0.0, 0.3, n_items) if a is None else np.asarray(a, dtype=float)
    b_ = rng.normal(0.0, 1.0, n_items) if b is None else np.asarray(b, dtype=float)
    c_ = np.broadcast_to(np.asarray(c, dtype=float), (n_items,)).copy()
    theta = rng.normal(0.0, 1.0, n_persons)
    u = (rng.random((n_persons, n_items)) < prob(theta, a_, b_, c_)).astype(float)
    if per_person is not None:
        keep = np.argsort(rng.random((n_persons, n_items)), axis=1)[:, :per_person]
        mask = np.zeros_like(u, dtype=bool)
        np.put_along_axis(mask, keep, True, axis=1)
        u[~mask] = np.nan
    ids = [f"{item_prefix}{k:03d}" for k in range(n_items)]
    return Simulated(ResponseData.from_dense(u, item_ids=ids), a_, b_, c_, theta)


def rmse(x: ArrayLike, y: ArrayLike) -> float:
    """Root mean squared difference."""
    return float(np.sqrt(np.mean((np.asarray(x) - np.asarray(y)) ** 2)))
