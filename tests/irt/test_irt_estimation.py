"""Models, quadrature and ability estimators."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from item_bank.irt.estimation import (
    eap,
    log_likelihood_grid,
    log_posterior_grid,
    map_estimate,
    mle,
    normalise,
    total_information,
    wle,
)
from item_bank.irt.models import information, prob
from item_bank.irt.quadrature import grid_nodes, normal_grid, normal_log_prior

A = st.floats(0.3, 3.0)
B = st.floats(-3.0, 3.0)
C = st.floats(0.0, 0.35)
FAST = settings(max_examples=60, deadline=None)


def _bank(seed: int, n: int, three_pl: bool = False) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.6, 2.0, n)
    b = rng.normal(0.0, 1.0, n)
    c = rng.uniform(0.0, 0.3, n) if three_pl else np.zeros(n)
    return a, b, c


def test_normal_grid_weights_are_a_standard_normal() -> None:
    nodes, weights = normal_grid()
    assert nodes.size == weights.size == 61
    assert weights.sum() == pytest.approx(1.0)
    assert float(nodes @ weights) == pytest.approx(0.0, abs=1e-12)
    assert float(nodes**2 @ weights) == pytest.approx(1.0, abs=2e-3)


@pytest.mark.parametrize(("n_points", "bound"), [(1, 4.0), (10, 0.0)])
def test_grid_rejects_bad_arguments(n_points: int, bound: float) -> None:
    with pytest.raises(ValueError, match="must"):
        grid_nodes(n_points, bound)


@FAST
@given(a=A, b=B, c=C)
def test_information_is_positive_and_peaks_at_birnbaum_point(a: float, b: float, c: float) -> None:
    # Birnbaum (1968): the 3PL information peaks at b + log((1 + sqrt(1 + 8c)) / 2) / a.
    peak = b + math.log((1 + math.sqrt(1 + 8 * c)) / 2) / a
    theta = np.linspace(peak - 3, peak + 3, 6001)
    info = information(theta, a, b, c)[:, 0]
    assert np.all(info > 0)
    assert theta[np.argmax(info)] == pytest.approx(peak, abs=2e-3)


@FAST
@given(a=A, b=B, delta=st.floats(1e-3, 3.0))
def test_2pl_information_peaks_exactly_at_b(a: float, b: float, delta: float) -> None:
    at_b = information(np.array([b]), a, b)[0, 0]
    assert at_b == pytest.approx(a * a / 4)
    assert at_b > information(np.array([b - delta, b + delta]), a, b).max()


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(0, 30))
def test_eap_stays_inside_the_grid(seed: int, n: int) -> None:
    a, b, c = _bank(seed, n, three_pl=True)
    u = np.random.default_rng(seed + 1).random(n) < 0.5
    nodes = grid_nodes(81, 4.0)
    theta, se = eap(nodes, log_posterior_grid(nodes, a, b, c, u))
    assert -4.0 <= theta <= 4.0
    # One surprising answer may widen the posterior beyond the prior (SD 1): only the *expected*
    # posterior variance shrinks (see the next test). It can never exceed the grid's half-width.
    assert 0.0 < se <= 4.0


def test_eap_se_shrinks_on_average_as_answers_come() -> None:
    rng = np.random.default_rng(5)
    nodes = grid_nodes(81, 4.0)
    a, b, c = _bank(6, 40)
    ses = np.zeros(41)
    for _ in range(200):
        true = rng.standard_normal()
        u = rng.random(40) < prob(true, a, b, c)
        for n in range(41):
            ses[n] += eap(nodes, log_posterior_grid(nodes, a[:n], b[:n], c[:n], u[:n]))[1]
    means = ses / 200
    assert np.all(np.diff(means) < 0)
    assert means[0] == pytest.approx(1.0, abs=1e-3)
    assert means[-1] < 0.35


def test_eap_matches_direct_quadrature() -> None:
    a, b, c = _bank(1, 12)
    u = np.arange(12) % 3 != 0
    nodes = grid_nodes(401, 6.0)
    post = np.exp(normal_log_prior(nodes) + log_likelihood_grid(nodes, a, b, c, u))
    expected = float(nodes @ post / post.sum())
    theta, _ = eap(nodes, normalise(np.log(post)))
    assert theta == pytest.approx(expected, abs=1e-12)


def _brute_force(fun: object, bound: float = 4.0) -> float:
    grid = np.linspace(-bound, bound, 160_001)
    return float(grid[np.argmax(fun(grid))])  # type: ignore[operator]


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(2, 25), three_pl=st.booleans())
def test_mle_agrees_with_brute_force(seed: int, n: int, three_pl: bool) -> None:
    a, b, c = _bank(seed, n, three_pl)
    u = (np.arange(n) + seed) % 2 == 0  # mixed pattern
    theta, se = mle(a, b, c, u)

    def loglik(t: np.ndarray) -> np.ndarray:
        p = prob(t, a, b, c)
        return (u * np.log(p) + (1 - u) * np.log1p(-p)).sum(axis=1)

    assert theta == pytest.approx(_brute_force(loglik), abs=1e-4)
    assert se == pytest.approx(1 / math.sqrt(total_information(theta, a, b, c)))


@FAST
@given(seed=st.integers(0, 10_000), n=st.integers(1, 25))
def test_map_agrees_with_brute_force(seed: int, n: int) -> None:
    a, b, c = _bank(seed, n)
    u = np.random.default_rng(seed).random(n) < 0.5
    theta, se = map_estimate(a, b, c, u, prior_mean=0.2, prior_sd=1.3)

    def crit(t: np.ndarray) -> np.ndarray:
        p = prob(t, a, b, c)
        return (u * np.log(p) + (1 - u) * np.log1p(-p)).sum(axis=1) - 0.5 * ((t - 0.2) / 1.3) ** 2

    assert theta == pytest.approx(_brute_force(crit), abs=1e-4)
    assert se < 1.3


@pytest.mark.parametrize("correct", [True, False])
@pytest.mark.parametrize("three_pl", [True, False])
@pytest.mark.parametrize("n", [1, 5, 30])
def test_constant_patterns_bounded_mle_and_finite_wle(
    correct: bool, three_pl: bool, n: int
) -> None:
    a, b, c = _bank(n, n, three_pl)
    u = np.full(n, correct)
    theta_mle, _ = mle(a, b, c, u, bound=4.0)
    assert theta_mle == (4.0 if correct else -4.0)
    theta_wle, se_wle = wle(a, b, c, u, bound=4.0)
    assert math.isfinite(theta_wle)
    assert math.isfinite(se_wle)
    assert -4.0 <= theta_wle <= 4.0
    assert (theta_wle > 0) == correct


def test_wle_2pl_all_correct_is_an_interior_root() -> None:
    # 2PL: WLE maximises log L + ½ log I, finite for a constant pattern (Warm 1989).
    a, b, c = np.array([1.0, 1.2, 0.8]), np.array([-0.5, 0.0, 0.5]), np.zeros(3)
    theta, _ = wle(a, b, c, np.ones(3), bound=6.0)
    assert 0.5 < theta < 5.0

    def crit(t: np.ndarray) -> np.ndarray:
        p = prob(t, a, b, c)
        return np.log(p).sum(axis=1) + 0.5 * np.log((a**2 * p * (1 - p)).sum(axis=1))

    assert theta == pytest.approx(_brute_force(crit, 6.0), abs=1e-4)


def test_wle_is_less_biased_than_mle_on_short_tests() -> None:
    rng = np.random.default_rng(11)
    a, b, c = np.full(10, 1.2), np.linspace(-1.5, 1.5, 10), np.zeros(10)
    errs_mle, errs_wle = [], []
    for _ in range(400):
        u = rng.random(10) < prob(1.0, a, b, c)
        errs_mle.append(mle(a, b, c, u, bound=6.0)[0] - 1.0)
        errs_wle.append(wle(a, b, c, u, bound=6.0)[0] - 1.0)
    assert abs(np.mean(errs_wle)) < abs(np.mean(errs_mle))


def test_estimators_without_answers() -> None:
    empty = np.zeros(0)
    assert mle(empty, empty, empty, empty) == (0.0, math.inf)
    assert wle(empty, empty, empty, empty) == (0.0, math.inf)
    assert map_estimate(empty, empty, empty, empty, 0.5, 2.0) == pytest.approx((0.5, 2.0))


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="same length"):
        mle([1.0, 1.0], [0.0], [0.0], [1])
