"""Online calibration (MEM) of pilot items with operational items fixed."""

from __future__ import annotations

import numpy as np
import pytest

from item_bank.irt.calibration import (
    ItemParameters,
    Priors,
    ResponseData,
    calibrate_online,
    stocking_method_a,
)
from item_bank.irt.models import prob
from tests.irt_calibration.simulation import rmse

N_OP, N_PILOT = 80, 12


Live = tuple[ResponseData, ItemParameters, np.ndarray, np.ndarray, np.ndarray]


def _live_data(seed: int, n_persons: int = 3000, op_length: int = 8, c: float = 0.0) -> Live:
    """Each examinee answers ``op_length`` operational items and 3 pilot items."""
    rng = np.random.default_rng(seed)
    n = N_OP + N_PILOT
    a = rng.lognormal(0.0, 0.3, n)
    a[N_OP:] = rng.uniform(1.0, 2.2, N_PILOT)  # discriminating pilots show the attenuation
    b = rng.normal(0.0, 1.0, n)
    cc = np.r_[np.zeros(N_OP), np.full(N_PILOT, c)]
    theta = rng.normal(size=n_persons)
    u = (rng.random((n_persons, n)) < prob(theta, a, b, cc)).astype(float)
    mask = np.zeros_like(u, dtype=bool)
    for i in range(n_persons):
        mask[i, rng.choice(N_OP, op_length, replace=False)] = True
        mask[i, N_OP + rng.choice(N_PILOT, 3, replace=False)] = True
    u[~mask] = np.nan
    ids = [f"op{k}" for k in range(N_OP)] + [f"new{k}" for k in range(N_PILOT)]
    data = ResponseData.from_dense(u, item_ids=ids)
    operational = ItemParameters.build(ids[:N_OP], a[:N_OP], b[:N_OP])
    return data, operational, a[N_OP:], b[N_OP:], cc[N_OP:]


def test_mem_beats_stocking_method_a() -> None:
    data, operational, a, b, _ = _live_data(seed=30)
    mem = calibrate_online(data, operational)
    method_a = stocking_method_a(data, operational)
    assert mem.converged
    assert mem.params.item_ids == tuple(f"new{k}" for k in range(N_PILOT))
    assert (mem.n_responses > 600).all()
    # Method A on EAP abilities from 8 items attenuates the slopes; MEM does not.
    assert np.mean(method_a.a - a) < -0.2
    assert abs(np.mean(mem.params.a - a)) < 0.1
    assert rmse(mem.params.a, a) < 0.8 * rmse(method_a.a, a)
    assert rmse(mem.params.b, b) < 0.2
    z2 = np.mean(((mem.params.b - b) / mem.se_b) ** 2)
    assert 0.3 < z2 < 3.0


def test_newton_solver_agrees_with_sklearn() -> None:
    data, operational, a, b, _ = _live_data(seed=31, n_persons=1500)
    sk = calibrate_online(data, operational)
    nt = calibrate_online(
        data, operational, solver="newton", priors=Priors(log_a_sd=5.0, b_sd=10.0)
    )
    np.testing.assert_allclose(sk.params.b, nt.params.b, atol=0.05)
    np.testing.assert_allclose(sk.params.a, nt.params.a, atol=0.05)


def test_3pl_pilots_use_the_newton_path() -> None:
    data, operational, a, b, c = _live_data(seed=32, n_persons=1000, c=0.2)
    res = calibrate_online(data, operational, model="3PL")
    assert set(res.status) == {"no_c"}  # ~250 responses: c needs more, fixed at its prior mode
    assert np.allclose(res.params.c, Priors().c_mode)
    assert rmse(res.params.b, b) < 0.3


def test_pilot_items_can_be_named_and_progress_is_reported() -> None:
    data, operational, *_ = _live_data(seed=33, n_persons=600)
    calls: list[int] = []
    res = calibrate_online(
        data,
        operational,
        pilot_items=["new3", "new1"],
        on_iteration=lambda i, n, d: calls.append(i),
    )
    assert res.params.item_ids == ("new3", "new1")
    assert calls == list(range(1, res.cycles + 1))
    with pytest.raises(ValueError, match="both operational and pilot"):
        calibrate_online(data, operational, pilot_items=["op1"])
