"""Batch Bayes-modal EM: recovery, priors, models, standard errors, progress."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from item_bank.irt.calibration import (
    MIN_RESPONSES,
    MIN_RESPONSES_SLOPE,
    Priors,
    ResponseData,
    calibrate,
)
from item_bank.irt.models import Model
from tests.irt_calibration.simulation import Simulated, rmse

Simulate = Callable[..., Simulated]


def test_dense_2pl_recovery(simulate_responses: Simulate) -> None:
    sim = simulate_responses(2000, 40, seed=1)
    res = calibrate(sim.data, Model.TWO_PL)
    assert res.converged
    assert rmse(res.params.a, sim.a) < 0.10
    assert rmse(res.params.b, sim.b) < 0.10
    assert np.corrcoef(res.params.b, sim.b)[0, 1] > 0.99
    assert (res.params.c == 0).all()
    assert set(res.status) == {"full"}
    assert np.isfinite(res.log_likelihood)
    assert res.log_posterior < res.log_likelihood + 1e-9


def test_sparse_2pl_recovery(simulate_responses: Simulate) -> None:
    # 1500 persons answer 12 of 60 items each: 80 % missing, 300 responses per item.
    sim = simulate_responses(1500, 60, per_person=12, seed=2)
    assert sim.data.n_obs == 1500 * 12
    res = calibrate(sim.data)
    assert res.converged
    assert rmse(res.params.b, sim.b) < 0.2
    assert rmse(res.params.a, sim.a) < 0.25


def test_standard_errors_match_the_errors(simulate_responses: Simulate) -> None:
    sim = simulate_responses(1500, 40, seed=3)
    res = calibrate(sim.data)
    z2_a = np.mean(((res.params.a - sim.a) / res.se_a) ** 2)
    z2_b = np.mean(((res.params.b - sim.b) / res.se_b) ** 2)
    assert 0.5 < z2_a < 2.0
    assert 0.5 < z2_b < 2.0
    assert (res.se_a > 0.02).all()
    assert (res.se_a < 0.3).all()
    assert np.isnan(res.se_c).all()


def test_expert_prior_pulls_items_with_few_responses(simulate_responses: Simulate) -> None:
    sim = simulate_responses(400, 30, per_person=3, seed=4)  # ~40 responses per item
    b_prior = sim.b + np.random.default_rng(5).normal(0.0, 0.5, 30)
    flat = calibrate(sim.data, priors=Priors(b_sd=10.0))
    expert = calibrate(
        sim.data,
        priors=Priors(b_levels=dict(zip(sim.data.item_ids, b_prior, strict=True)), b_level_sd=0.5),
    )
    assert rmse(expert.params.b, sim.b) < rmse(flat.params.b, sim.b)
    assert rmse(expert.params.b, sim.b) < rmse(b_prior, sim.b)
    # The estimates lie between the prior means and the data-only estimates.
    between = (expert.params.b - b_prior) * (expert.params.b - flat.params.b) <= 1e-9
    assert between.mean() > 0.9


def test_scarce_items_get_fewer_parameters() -> None:
    rng = np.random.default_rng(6)
    triples = []
    counts = {"rare": MIN_RESPONSES - 1, "few": MIN_RESPONSES_SLOPE - 1, "many": 400}
    theta = rng.normal(size=400)
    for item, n in counts.items():
        for person in range(n):
            correct = rng.random() < 1.0 / (1.0 + np.exp(-theta[person]))
            triples.append((f"p{person}", item, bool(correct)))
    data = ResponseData.from_triples(triples)
    priors = Priors(b_levels={"rare": 1.5})
    res = calibrate(data, priors=priors)
    status = dict(zip(res.params.item_ids, res.status, strict=True))
    assert status == {"rare": "prior", "few": "b_only", "many": "full"}
    k = data.item_ids.index("rare")
    assert res.params.b[k] == pytest.approx(1.5)
    assert np.isnan(res.se_b[k])
    assert res.params.a[data.item_ids.index("few")] == pytest.approx(priors.a_mode)


def test_items_all_right_or_all_wrong_stay_finite() -> None:
    triples = [(f"p{i}", "easy", True) for i in range(50)]
    triples += [(f"p{i}", "hard", False) for i in range(50)]
    triples += [(f"p{i}", "mid", i % 2 == 0) for i in range(50)]
    res = calibrate(ResponseData.from_triples(triples))
    b = dict(zip(res.params.item_ids, res.params.b, strict=True))
    assert -6 < b["easy"] < -1
    assert 1 < b["hard"] < 6
    assert np.isfinite(res.se_b).all()


def test_1pl_path(simulate_responses: Simulate) -> None:
    sim = simulate_responses(1500, 30, a=np.ones(30), seed=7)
    res = calibrate(sim.data, "1PL")
    assert (res.params.a == 1.0).all()
    assert np.isnan(res.se_a).all()
    assert rmse(res.params.b, sim.b) < 0.15
    assert np.corrcoef(res.params.b, sim.b)[0, 1] > 0.99


def test_3pl_path(simulate_responses: Simulate) -> None:
    sim = simulate_responses(4000, 30, c=0.2, seed=8)
    res = calibrate(sim.data, "3PL")
    assert res.converged
    assert set(res.status) == {"full"}
    assert rmse(res.params.b, sim.b) < 0.25
    assert rmse(res.params.a, sim.a) < 0.25
    assert abs(float(np.mean(res.params.c)) - 0.2) < 0.05
    assert (res.se_c > 0).all()
    # The same data with a 2PL: the guessing floor shows up as lower slopes and easier items.
    two = calibrate(sim.data, "2PL")
    assert res.log_likelihood > two.log_likelihood


def test_progress_callback_sees_every_cycle(simulate_responses: Simulate) -> None:
    sim = simulate_responses(300, 10, seed=9)
    calls: list[tuple[int, int, float]] = []
    res = calibrate(sim.data, max_iter=200, on_iteration=lambda i, n, d: calls.append((i, n, d)))
    assert [c[0] for c in calls] == list(range(1, res.iterations + 1))
    assert all(c[1] == 200 for c in calls)
    assert calls[-1][2] < 1e-4


def test_not_converged_is_reported(simulate_responses: Simulate) -> None:
    sim = simulate_responses(300, 10, seed=10)
    res = calibrate(sim.data, max_iter=2)
    assert not res.converged
    assert res.iterations == 2
