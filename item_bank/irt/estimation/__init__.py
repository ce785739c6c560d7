"""Ability estimation: EAP on a quadrature grid (default), MAP, bounded MLE and Warm's WLE.

Every estimator returns ``(theta, standard_error)``.
"""

from __future__ import annotations

from enum import StrEnum

from item_bank.irt.estimation.grid import (
    eap,
    item_log_tables,
    log_likelihood_grid,
    log_posterior_grid,
    normalise,
)
from item_bank.irt.estimation.point import derivatives, map_estimate, mle, total_information, wle


class Estimator(StrEnum):
    """Ability estimators the engine can use after each answer."""

    EAP = "EAP"
    MAP = "MAP"
    MLE = "MLE"
    WLE = "WLE"


__all__ = [
    "Estimator",
    "derivatives",
    "eap",
    "item_log_tables",
    "log_likelihood_grid",
    "log_posterior_grid",
    "map_estimate",
    "mle",
    "normalise",
    "total_information",
    "wle",
]
