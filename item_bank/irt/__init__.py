"""Psychometrics for Boussole: IRT models, ability estimation, item selection, stopping and scoring.

Pure code: imports only numpy, scipy, scikit-learn and the standard library. Calibration lives in
``item_bank.irt.calibration`` and is not imported here (import it explicitly).

The adaptive engine used by the web layer is :mod:`item_bank.irt.engine`; simulation of whole
tests is :mod:`item_bank.irt.simulation`. Formulas and references: ``docs/psychometrics.md``.
"""

from __future__ import annotations

from item_bank.irt.engine import (
    CatState,
    Decision,
    DuplicateItemError,
    EngineError,
    EngineSettings,
    ItemPool,
    Score,
    StopReason,
    UnknownItemError,
    next_item,
    record,
    result,
    start,
)
from item_bank.irt.estimation import Estimator
from item_bank.irt.models import Model, information, prob
from item_bank.irt.quadrature import normal_grid

__all__ = [
    "CatState",
    "Decision",
    "DuplicateItemError",
    "EngineError",
    "EngineSettings",
    "Estimator",
    "ItemPool",
    "Model",
    "Score",
    "StopReason",
    "UnknownItemError",
    "information",
    "next_item",
    "normal_grid",
    "prob",
    "record",
    "result",
    "start",
]
