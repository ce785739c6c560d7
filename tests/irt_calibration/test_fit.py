"""Item fit: calibrated under the true model, sensitive to a misfitting item."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from item_bank.irt.calibration import ItemParameters, ResponseData, calibrate, item_fit
from tests.irt_calibration.simulation import Simulated

Simulate = Callable[..., Simulated]


def test_fit_is_calibrated_under_the_true_model(simulate_responses: Simulate) -> None:
    p_values = []
    for seed in range(3):
        sim = simulate_responses(1500, 40, seed=20 + seed)
        fit = item_fit(sim.data, calibrate(sim.data))
        assert (fit.df == 8).all()  # 10 groups - 2 estimated parameters
        p_values.append(fit.p_value)
    p = np.concatenate(p_values)
    assert np.mean(p < 0.05) < 0.12
    assert np.mean(p < 0.01) < 0.04
    assert 0.35 < np.mean(p) < 0.65  # roughly uniform


def test_known_parameters_keep_all_degrees_of_freedom(simulate_responses: Simulate) -> None:
    sim = simulate_responses(1000, 20, seed=23)
    true = ItemParameters.build(sim.data.item_ids, sim.a, sim.b)
    fit = item_fit(sim.data, true)
    assert (fit.df == 10).all()
    assert fit.flagged.sum() <= 1
    np.testing.assert_allclose(fit.observed.sum(), sim.data.response.sum())


def test_a_non_monotone_item_is_flagged(simulate_responses: Simulate) -> None:
    sim = simulate_responses(2000, 20, seed=24)
    u = sim.data.to_dense()
    rng = np.random.default_rng(25)
    # Item 0: answered well by middle abilities only - no logistic curve can follow it.
    u[:, 0] = rng.random(2000) < np.where(np.abs(sim.theta) < 0.7, 0.85, 0.25)
    data = ResponseData.from_dense(u, item_ids=sim.data.item_ids)
    fit = item_fit(data, calibrate(data))
    assert fit.flagged[0]
    assert fit.p_value[0] < 1e-6
    assert fit.flagged[1:].sum() <= 1


def test_items_with_too_few_responses_are_not_tested(simulate_responses: Simulate) -> None:
    sim = simulate_responses(300, 30, per_person=2, seed=26)  # ~20 responses per item
    fit = item_fit(sim.data, calibrate(sim.data), min_group_size=20)
    assert np.isnan(fit.p_value).all()
    assert not fit.flagged.any()
