"""The web-facing engine: state updates, selection, stopping, serialisation."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from item_bank.irt.engine import (
    CatState,
    DuplicateItemError,
    EngineSettings,
    ItemPool,
    StopReason,
    UnknownItemError,
    next_item,
    record,
    result,
    start,
)
from item_bank.irt.estimation import eap, log_posterior_grid, wle
from item_bank.irt.models import information, prob
from item_bank.irt.quadrature import grid_nodes

FAST = settings(max_examples=40, deadline=None)
TOPICS = ("T01", "T02", "T03")


def make_pool(n: int = 60, seed: int = 0, pilots: int = 0, three_pl: bool = False) -> ItemPool:
    rng = np.random.default_rng(seed)
    return ItemPool(
        ids=[f"I{k:03d}" for k in range(n)],
        a=rng.uniform(0.6, 2.0, n).tolist(),
        b=rng.normal(0, 1, n).tolist(),
        c=(rng.uniform(0, 0.3, n) if three_pl else np.zeros(n)).tolist(),
        topic=[TOPICS[k % 3] for k in range(n)],
        level=[k % 3 + 1 for k in range(n)],
        pilot=[k >= n - pilots for k in range(n)],
        language=["fr" if k % 4 else "en" for k in range(n)],
        active=[k % 10 != 9 for k in range(n)],
    )


def run(
    pool: ItemPool, s: EngineSettings, true: float, seed: int = 0
) -> tuple[CatState, StopReason]:
    rng = np.random.default_rng(seed)
    state = start(s, seed=seed)
    while True:
        decision = next_item(state, pool, s, rng)
        if decision.item_id is None:
            assert decision.reason is not None
            return state, decision.reason
        a, b, c = pool.params[pool.index[decision.item_id]]
        state = record(
            state, pool, decision.item_id, bool(rng.random() < float(prob(true, a, b, c))), s
        )


def test_start_is_the_prior() -> None:
    s = EngineSettings(prior_mean=0.3, prior_sd=0.8)
    state = start(s, seed=1)
    assert type(state.theta) is float
    assert state.theta == pytest.approx(0.3, abs=1e-4)
    assert state.se == pytest.approx(0.8, abs=1e-3)
    assert state.n_scored == state.n_administered == 0
    assert np.exp(state.log_posterior).sum() == pytest.approx(1.0)


@FAST
@given(
    seed=st.integers(0, 1000),
    answers=st.lists(st.tuples(st.integers(0, 59), st.booleans()), max_size=25),
    three_pl=st.booleans(),
)
def test_incremental_update_equals_batch(
    seed: int, answers: list[tuple[int, bool]], three_pl: bool
) -> None:
    pool = make_pool(seed=seed, three_pl=three_pl)
    s = EngineSettings()
    state = start(s, seed=1)
    used: dict[int, bool] = {}
    for k, correct in answers:
        if k in used or pool.pilot[k]:
            continue
        used[k] = correct
        state = record(state, pool, pool.ids[k], correct, s)
    idx = list(used)
    nodes = grid_nodes(s.quadrature_points, s.theta_bound)
    batch = log_posterior_grid(
        nodes, pool.a[idx], pool.b[idx], pool.c[idx], np.array(list(used.values()), dtype=float)
    )
    np.testing.assert_allclose(state.log_posterior, batch, atol=1e-9)
    theta, se = eap(nodes, batch)
    assert state.theta == pytest.approx(theta, abs=1e-9)
    assert state.se == pytest.approx(se, abs=1e-9)
    assert state.theta_history[-1:] == ((state.theta,) if used else ())


@FAST
@given(
    seed=st.integers(0, 1000),
    k=st.integers(1, 5),
    language=st.sampled_from([None, "fr", "en"]),
    topics=st.one_of(st.none(), st.sets(st.sampled_from(TOPICS), min_size=1).map(tuple)),
    levels=st.one_of(st.none(), st.sets(st.integers(1, 3), min_size=1).map(tuple)),
    sh=st.booleans(),
    targets=st.booleans(),
    comfort=st.integers(0, 5),
)
def test_selection_never_returns_an_ineligible_or_seen_item(
    seed: int,
    k: int,
    language: str | None,
    topics: tuple[str, ...] | None,
    levels: tuple[int, ...] | None,
    sh: bool,
    targets: bool,
    comfort: int,
) -> None:
    pool = make_pool(seed=seed, pilots=6)
    rng = np.random.default_rng(seed)
    s = EngineSettings(
        min_items=30,
        max_items=30,
        randomesque_k=k,
        language=language,
        topics=topics,
        levels=levels,
        sympson_hetter=tuple((i, float(rng.uniform(0.05, 1))) for i in pool.ids) if sh else None,
        topic_targets=(("T01", 0.5), ("T02", 0.5)) if targets else None,
        comfort_items=comfort,
    )
    state = start(s, seed=seed)
    for _ in range(30):
        decision = next_item(state, pool, s, rng)
        if decision.stop:
            assert decision.reason is StopReason.NO_ITEMS
            break
        j = pool.index[decision.item_id]
        assert decision.item_id not in state.item_ids
        assert not pool.pilot[j]
        assert pool.active[j]
        assert language is None or pool.language[j] == language  # type: ignore[index]
        assert topics is None or pool.topics[pool.topic_code[j]] in topics
        assert levels is None or pool.level[j] in levels
        state = record(state, pool, decision.item_id, bool(rng.random() < 0.5), s)


def test_plain_selection_is_maximum_information_at_theta() -> None:
    pool = make_pool(200, seed=3)
    s = EngineSettings(randomesque_k=1, comfort_items=0)
    state = start(s, seed=0)
    rng = np.random.default_rng(0)
    for correct in (True, False, True, True):
        decision = next_item(state, pool, s, rng)
        assert decision.item_id is not None
        eligible = pool.active & ~pool.pilot
        eligible[[pool.index[i] for i in state.item_ids]] = False
        row = pool.selection_nodes[pool.row(state.theta_working)]
        info = np.where(eligible, information(np.array([row]), pool.a, pool.b, pool.c)[0], -1)
        assert pool.index[decision.item_id] == int(np.argmax(info))
        state = record(state, pool, decision.item_id, correct, s)


@pytest.mark.parametrize("three_pl", [False, True])
def test_pilot_items_never_change_theta(three_pl: bool) -> None:
    pool = make_pool(40, seed=2, pilots=10, three_pl=three_pl)
    s = EngineSettings(pilot_rate=0.5, max_pilot_items=4, comfort_items=1)
    rng = np.random.default_rng(4)
    state, scored_only = start(s, seed=4), start(s, seed=4)
    seen_pilot = False
    for _ in range(25):
        decision = next_item(state, pool, s, rng)
        if decision.stop:
            break
        assert decision.item_id is not None
        correct = bool(rng.random() < 0.5)
        before = state
        state = record(state, pool, decision.item_id, correct, s)
        if decision.pilot:
            seen_pilot = True
            assert pool.pilot[pool.index[decision.item_id]]
            assert state.theta == before.theta
            assert state.se == before.se
            assert np.array_equal(state.log_posterior, before.log_posterior)
        else:
            scored_only = record(scored_only, pool, decision.item_id, correct, s)
    assert seen_pilot
    assert state.seed == 4  # the Sympson-Hetter seed survives pilot items
    assert 0 < state.n_pilot <= 4
    assert state.theta == scored_only.theta
    assert state.n_scored == scored_only.n_scored
    assert result(state, s).n_scored == state.n_scored


def test_no_pilot_during_comfort_phase_or_beyond_the_cap() -> None:
    pool = make_pool(40, seed=2, pilots=10)
    s = EngineSettings(pilot_rate=1.0, max_pilot_items=2, comfort_items=3)
    state, reason = run(pool, s, 0.0)
    assert not any(state.pilot[:3])
    assert state.n_pilot == 2
    assert reason is not None


@FAST
@given(seed=st.integers(0, 1000), n=st.integers(0, 12), estimator=st.sampled_from(["EAP", "WLE"]))
def test_state_round_trips_through_json(seed: int, n: int, estimator: str) -> None:
    pool = make_pool(seed=seed, pilots=5)
    s = EngineSettings(estimator=estimator, pilot_rate=0.3, max_theta_step=0.7)  # type: ignore[arg-type]
    rng = np.random.default_rng(seed)
    state = start(s, seed=seed)
    for _ in range(n):
        decision = next_item(state, pool, s, rng)
        if decision.item_id is None:
            break
        state = record(state, pool, decision.item_id, bool(rng.random() < 0.6), s)
    data = json.loads(json.dumps(state.to_dict(), allow_nan=False))
    back = CatState.from_dict(data)
    assert back.to_dict() == state.to_dict()
    assert np.array_equal(back.log_posterior, state.log_posterior)
    # The restored state behaves the same.
    r1, r2 = np.random.default_rng(9), np.random.default_rng(9)
    assert next_item(back, pool, s, r1) == next_item(state, pool, s, r2)


def test_settings_round_trip() -> None:
    s = EngineSettings(
        estimator="WLE",  # type: ignore[arg-type]
        sympson_hetter={"I001": 0.4, "I000": 0.9},  # type: ignore[arg-type]
        topic_targets={"T01": 0.5, "T02": 0.5},  # type: ignore[arg-type]
        topics=["T01", "T02"],  # type: ignore[arg-type]
        levels=(1, 2),
        max_theta_step=0.8,
        cut_points=(-0.4, 0.9),
    )
    data = json.loads(json.dumps(s.to_dict()))
    assert data["sympson_hetter"] == {"I000": 0.9, "I001": 0.4}
    assert EngineSettings.from_dict(data) == s
    assert EngineSettings.from_dict({}) == EngineSettings()
    with pytest.raises(ValueError, match="unknown"):
        EngineSettings.from_dict({"se_targt": 0.3})


@pytest.mark.parametrize(
    "bad",
    [
        {"min_items": 0},
        {"min_items": 30, "max_items": 20},
        {"se_target": 0.0},
        {"randomesque_k": 0},
        {"pilot_rate": 1.5},
        {"cut_points": (0.5, -0.5)},
        {"sympson_hetter": {"x": 1.5}},
        {"score_mapping": "log"},
        {"estimator": "ML"},
    ],
)
def test_settings_validation(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - several messages
        EngineSettings(**bad)  # type: ignore[arg-type]


def test_state_from_dict_rejects_inconsistent_data() -> None:
    data = start(EngineSettings(), seed=1).to_dict()
    with pytest.raises(ValueError, match="version"):
        CatState.from_dict({**data, "version": 99})
    with pytest.raises(ValueError, match="length"):
        CatState.from_dict({**data, "responses": [True]})
    with pytest.raises(ValueError, match="log_posterior"):
        CatState.from_dict({**data, "log_posterior": [0.0]})


def test_stop_rules() -> None:
    pool = make_pool(300, seed=1)
    s = EngineSettings(min_items=5, max_items=40, se_target=0.45)
    state, reason = run(pool, s, 0.3)
    assert reason is StopReason.SE_REACHED
    assert state.se <= 0.45
    assert state.n_scored >= 5
    short = EngineSettings(min_items=3, max_items=4, se_target=0.05)
    state, reason = run(pool, short, 0.3)
    assert reason is StopReason.MAX_LENGTH
    assert state.n_scored == 4
    tiny = make_pool(8, seed=1)
    state, reason = run(tiny, EngineSettings(se_target=0.05), 0.3)
    assert reason is StopReason.NO_ITEMS
    assert state.n_scored == int((tiny.active & ~tiny.pilot).sum())


def test_min_items_beats_precision() -> None:
    pool = make_pool(300, seed=1)
    s = EngineSettings(min_items=12, max_items=20, se_target=0.9)
    state, reason = run(pool, s, 0.0)
    assert reason is StopReason.SE_REACHED
    assert state.n_scored == 12


def test_classification_stop() -> None:
    pool = make_pool(300, seed=1)
    s = EngineSettings(min_items=3, max_items=40, se_target=0.05, classification_stop=True)
    state, reason = run(pool, s, 2.5)
    assert reason is StopReason.CLASSIFIED
    assert result(state, s).level == 3
    assert result(state, s).level_probabilities[2] > 0.975


def test_record_errors() -> None:
    pool = make_pool()
    s = EngineSettings()
    state = record(start(s, seed=1), pool, "I000", True, s)
    with pytest.raises(UnknownItemError):
        record(state, pool, "nope", True, s)
    with pytest.raises(DuplicateItemError):
        record(state, pool, "I000", False, s)
    with pytest.raises(ValueError, match="grid"):
        record(state, pool, "I001", True, dataclasses.replace(s, quadrature_points=41))


def test_state_survives_a_pool_change() -> None:
    s = EngineSettings()
    pool = make_pool(60, seed=1)
    state = record(start(s, seed=1), pool, "I000", True, s)
    state = record(state, pool, "I001", False, s)
    smaller = make_pool(60, seed=1)
    smaller = ItemPool(
        smaller.ids[2:], smaller.a[2:], smaller.b[2:], smaller.c[2:],
        [TOPICS[k % 3] for k in range(58)], smaller.level[2:], smaller.pilot[2:],
    )  # fmt: skip
    decision = next_item(state, smaller, s, np.random.default_rng(0))
    assert decision.item_id in smaller.index
    assert record(state, smaller, decision.item_id, True, s).n_scored == 3


def test_theta_step_cap_limits_the_working_estimate_only() -> None:
    pool = make_pool(100, seed=5)
    s = EngineSettings(max_theta_step=0.25, estimator="MLE")  # type: ignore[arg-type]
    state = start(s, seed=1)
    for k in range(5):
        prev = state.theta_working
        state = record(state, pool, pool.ids[k], True, s)
        assert abs(state.theta_working - prev) <= 0.25 + 1e-12
    assert state.theta == 4.0  # bounded MLE of an all-correct pattern is not capped
    assert state.theta_working == pytest.approx(1.25)


def test_comfort_rule_gives_easy_first_items() -> None:
    pool = make_pool(300, seed=8)
    s = EngineSettings(comfort_items=4, comfort_min_p=0.7, randomesque_k=1)
    state = start(s, seed=2)
    rng = np.random.default_rng(2)
    for _ in range(4):
        decision = next_item(state, pool, s, rng)
        assert decision.item_id is not None
        a, b, c = pool.params[pool.index[decision.item_id]]
        assert float(prob(state.theta_working, a, b, c)) >= 0.7
        state = record(state, pool, decision.item_id, False, s)


def test_content_balancing_follows_targets() -> None:
    pool = make_pool(300, seed=4)
    targets = {"T01": 0.5, "T02": 0.3, "T03": 0.2}
    s = EngineSettings(
        min_items=20,
        max_items=20,
        topic_targets=targets,  # type: ignore[arg-type]
    )
    state, _ = run(pool, s, 0.0)
    topics = [pool.topics[pool.topic_code[pool.index[i]]] for i in state.item_ids]
    assert [topics.count(t) for t in TOPICS] == [10, 6, 4]


@pytest.mark.parametrize("estimator", ["EAP", "MAP", "MLE", "WLE"])
def test_every_estimator_runs_a_whole_test(estimator: str) -> None:
    pool = make_pool(300, seed=6, three_pl=True)
    s = EngineSettings(estimator=estimator)  # type: ignore[arg-type]
    state, reason = run(pool, s, 0.8, seed=3)
    assert reason in (StopReason.SE_REACHED, StopReason.MAX_LENGTH)
    assert -4 <= state.theta <= 4
    assert math.isfinite(state.se)
    assert len(state.theta_history) == state.n_administered


def test_scored_arrays_reproduce_the_wle_of_the_engine() -> None:
    pool = make_pool(80, seed=9, pilots=8)
    s = EngineSettings(estimator="WLE", pilot_rate=0.5)  # type: ignore[arg-type]
    state, _ = run(pool, s, -0.4, seed=5)
    a, b, c, u = state.scored()
    assert a.size == state.n_scored
    assert (state.theta, state.se) == pytest.approx(wle(a, b, c, u, s.theta_bound))


@pytest.mark.parametrize("k", [1, 3])
def test_empty_pool_stops_with_no_items(k: int) -> None:
    pool = ItemPool([], [], [], [], [], [], [])
    s = EngineSettings(randomesque_k=k)
    decision = next_item(start(s, seed=1), pool, s, np.random.default_rng(0))
    assert decision.stop
    assert decision.reason is StopReason.NO_ITEMS
    assert decision.to_dict() == {
        "item_id": None,
        "stop": True,
        "reason": "no_items",
        "pilot": False,
    }


def test_pool_caches_per_settings_by_identity_and_value() -> None:
    pool = make_pool()
    s1, s2 = EngineSettings(se_target=0.4), EngineSettings(se_target=0.4)
    assert pool.derived(s1) is pool.derived(s1)
    assert pool.derived(s2) is pool.derived(s1)  # equal settings from another request
    assert pool.derived(EngineSettings(language="en")) is not pool.derived(s1)
