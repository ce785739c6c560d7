"""Drift check: a shifted item is flagged, stable ones are not."""

from __future__ import annotations

import numpy as np

from item_bank.irt.calibration import ItemParameters, ResponseData, check_drift
from item_bank.irt.calibration.drift import holm
from item_bank.irt.models import prob


def _live(
    shift: dict[int, float], seed: int, n_persons: int = 1500
) -> tuple[ResponseData, ItemParameters, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_items = 60
    a = rng.lognormal(0.0, 0.3, n_items)
    b = rng.normal(0.0, 1.0, n_items)
    b_live = b.copy()
    for k, d in shift.items():
        b_live[k] += d
    theta = rng.normal(size=n_persons)
    u = (rng.random((n_persons, n_items)) < prob(theta, a, b_live)).astype(float)
    keep = np.argsort(rng.random(u.shape), axis=1)[:, :20]
    mask = np.zeros_like(u, dtype=bool)
    np.put_along_axis(mask, keep, True, axis=1)
    u[~mask] = np.nan
    data = ResponseData.from_dense(u)
    return data, ItemParameters.build(data.item_ids, a, b), b_live


def test_a_shifted_item_is_flagged_and_stable_ones_are_not() -> None:
    data, stored, b_live = _live({0: 0.8, 1: -0.7}, seed=40)
    report = check_drift(data, stored)
    assert report.flagged[0]
    assert report.flagged[1]
    assert report.flagged[2:].sum() == 0
    assert abs(report.b_live[0] - b_live[0]) < 0.3
    assert report.z[0] > 4
    assert report.z[1] < -4
    # Harder than stored: fewer right answers than expected.
    assert report.z_observed_expected[0] < -4
    assert report.observed[0] < report.expected[0]


def test_no_drift_no_flags() -> None:
    data, stored, _ = _live({}, seed=41)
    report = check_drift(data, stored)
    assert not report.flagged.any()
    assert np.mean(np.abs(report.z) > 1.96) < 0.15


def test_small_shifts_are_not_flagged_and_scarce_items_are_not_tested() -> None:
    data, stored, _ = _live({0: 0.15}, seed=42, n_persons=150)  # ~50 responses per item
    report = check_drift(data, stored, min_responses=70)
    assert not report.flagged.any()
    assert np.isnan(report.p_value).all()


def test_items_without_stored_parameters_are_ignored() -> None:
    data, stored, _ = _live({}, seed=43, n_persons=300)
    report = check_drift(data, stored.select(stored.item_ids[:10]))
    assert report.item_ids == stored.item_ids[:10]


def test_holm_adjustment() -> None:
    p = np.array([0.01, np.nan, 0.04, 0.03])
    adj = holm(p)
    np.testing.assert_allclose(adj[[0, 3, 2]], [0.03, 0.06, 0.06])
    assert np.isnan(adj[1])
