"""θ → score and CAIRE level, with their uncertainty."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from item_bank.irt.engine import EngineSettings, result, start
from item_bank.irt.scoring import level_of, level_probabilities, theta_interval, theta_to_score
from item_bank.irt.state import CatState
from item_bank.irt.stopping import StopReason, check_stop

THETA = st.floats(-6, 6)
SE = st.floats(0.01, 3)
FAST = settings(max_examples=80, deadline=None)


@FAST
@given(t1=THETA, t2=THETA, mapping=st.sampled_from(["normal", "linear"]))
def test_score_is_monotone_and_bounded(t1: float, t2: float, mapping: str) -> None:
    lo, hi = sorted((t1, t2))
    s_lo, s_hi = theta_to_score(lo, mapping), theta_to_score(hi, mapping)
    assert 0.0 <= s_lo <= s_hi <= 100.0
    assert level_of(lo, (-0.5, 0.7)) <= level_of(hi, (-0.5, 0.7))


@FAST
@given(theta=THETA, se=SE)
def test_level_probabilities_sum_to_one(theta: float, se: float) -> None:
    probs = level_probabilities(theta, se, (-0.5, 0.7))
    assert len(probs) == 3
    assert all(p >= 0 for p in probs)
    assert sum(probs) == pytest.approx(1.0)


def test_default_cut_points_and_levels() -> None:
    assert [level_of(t, (-0.5, 0.7)) for t in (-2, -0.5, 0.0, 0.7, 2)] == [1, 2, 2, 3, 3]
    assert theta_to_score(0.0) == pytest.approx(50.0)
    assert theta_to_score(-0.5) == pytest.approx(30.85, abs=0.01)
    assert theta_to_score(0.0, "linear") == 50.0
    assert theta_to_score(9, "linear") == 100.0
    assert level_probabilities(0.1, 0.0, (-0.5, 0.7)) == (0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match="mapping"):
        theta_to_score(0.0, "log")


def test_interval_has_the_stated_coverage() -> None:
    lo, hi = theta_interval(0.0, 1.0, 0.95)
    assert (lo, hi) == pytest.approx((-1.959964, 1.959964))
    assert theta_interval(0.0, math.inf) == (-math.inf, math.inf)


def _state(theta: float, se: float, n: int) -> CatState:
    base = start(EngineSettings(), seed=0)
    return CatState(
        tuple(f"x{k}" for k in range(n)), (True,) * n, (False,) * n, ((1.0, 0.0, 0.0),) * n,
        (theta,) * n, theta, se, theta, base.log_posterior, 0,
    )  # fmt: skip


@FAST
@given(t1=THETA, t2=THETA, se=SE)
def test_result_is_monotone_in_theta(t1: float, t2: float, se: float) -> None:
    s = EngineSettings()
    lo, hi = sorted((t1, t2))
    r_lo, r_hi = result(_state(lo, se, 5), s), result(_state(hi, se, 5), s)
    assert r_lo.score <= r_hi.score
    assert r_lo.level <= r_hi.level
    assert r_lo.score_low <= r_lo.score <= r_lo.score_high
    # More ability → more probability on the top level, less on the bottom one.
    assert r_lo.level_probabilities[2] <= r_hi.level_probabilities[2] + 1e-12
    assert r_lo.level_probabilities[0] + 1e-12 >= r_hi.level_probabilities[0]


def test_result_to_dict() -> None:
    data = result(_state(0.9, 0.3, 12), EngineSettings()).to_dict()
    assert data["level"] == 3
    assert data["level_name"] == "responsable"
    assert data["n_scored"] == 12
    assert len(data["level_probabilities"]) == 3
    assert data["score_low"] < data["score"] < data["score_high"]


@pytest.mark.parametrize(
    ("n", "theta", "se", "expected"),
    [
        (25, 0.0, 0.9, StopReason.MAX_LENGTH),
        (9, 0.0, 0.1, None),
        (10, 0.0, 0.30, StopReason.SE_REACHED),
        (10, 0.0, 0.31, None),
        (10, 2.0, 0.31, StopReason.CLASSIFIED),
        (10, 0.7, 0.31, None),
    ],
)
def test_check_stop(n: int, theta: float, se: float, expected: StopReason | None) -> None:
    got = check_stop(
        n, theta, se, min_items=10, max_items=25, se_target=0.30,
        classification=True, cut_points=(-0.5, 0.7),
    )  # fmt: skip
    assert got is expected


def test_probabilities_follow_a_normal_theta() -> None:
    rng = np.random.default_rng(0)
    draws = rng.normal(0.4, 0.5, 200_000)
    empirical = np.bincount(np.digitize(draws, [-0.5, 0.7]), minlength=3) / draws.size
    np.testing.assert_allclose(level_probabilities(0.4, 0.5, (-0.5, 0.7)), empirical, atol=5e-3)
