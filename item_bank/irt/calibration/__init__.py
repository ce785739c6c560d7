"""Item calibration: batch Bayes-modal EM, item fit, online calibration, drift checks.

Pure code over numpy, scipy and scikit-learn; works on sparse adaptive-test data (only observed
responses enter the computations). See ``docs/psychometrics-calibration.md`` for the formulas.

- ``ResponseData``: the responses, sparse (``data``);
- ``Priors``: item-parameter priors and the small-sample rules (``priors``);
- ``calibrate``: batch marginal maximum likelihood by EM with priors (``em``);
- ``item_fit``: a grouped X² per item on leave-one-out predictions (``fit``);
- ``calibrate_online``: pilot items with operational items fixed, multiple-EM (``online``);
- ``check_drift``: operational items whose live difficulty departs from the stored one (``drift``).
"""

from __future__ import annotations

from item_bank.irt.calibration.data import ResponseData
from item_bank.irt.calibration.drift import DriftReport, check_drift
from item_bank.irt.calibration.em import CalibrationResult, OnIteration, calibrate
from item_bank.irt.calibration.fit import ItemFit, item_fit
from item_bank.irt.calibration.online import OnlineResult, calibrate_online, stocking_method_a
from item_bank.irt.calibration.params import ItemParameters
from item_bank.irt.calibration.priors import (
    MIN_RESPONSES,
    MIN_RESPONSES_GUESSING,
    MIN_RESPONSES_SLOPE,
    Priors,
)

__all__ = [
    "MIN_RESPONSES",
    "MIN_RESPONSES_GUESSING",
    "MIN_RESPONSES_SLOPE",
    "CalibrationResult",
    "DriftReport",
    "ItemFit",
    "ItemParameters",
    "OnIteration",
    "OnlineResult",
    "Priors",
    "ResponseData",
    "calibrate",
    "calibrate_online",
    "check_drift",
    "item_fit",
    "stocking_method_a",
]
