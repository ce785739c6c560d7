"""Classical item statistics on data worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lti_tool.instructor import stats
from lti_tool.instructor.stats import Answer


def test_p_value_is_the_proportion_right():
    assert stats.p_value([True, False, True, True]) == 0.75
    assert stats.p_value([]) == 0.0


def test_point_biserial_matches_the_textbook_formula():
    right = [1, 1, 0, 1, 0, 0, 1, 0]
    theta = [1.2, 0.4, -0.3, 0.9, -1.1, 0.2, 0.0, -0.6]
    m1 = np.mean([t for r, t in zip(right, theta, strict=True) if r])
    m0 = np.mean([t for r, t in zip(right, theta, strict=True) if not r])
    p = np.mean(right)
    expected = (m1 - m0) / np.std(theta) * math.sqrt(p * (1 - p))  # Crocker & Algina, eq. 14.2
    assert stats.point_biserial([bool(r) for r in right], theta) == pytest.approx(expected)
    assert expected == pytest.approx(np.corrcoef(right, theta)[0, 1])
    assert expected == pytest.approx(0.7555, abs=1e-4)  # 1.075 / 0.7114 × 0.5, by hand


@pytest.mark.parametrize(
    ("right", "theta"),
    [([True], [0.3]), ([True, True, True], [0.1, 0.5, 0.9]), ([True, False], [0.2, 0.2]), ([], [])],
    ids=["one-answer", "everyone-right", "same-theta", "empty"],
)
def test_point_biserial_is_undefined_without_variation(right, theta):
    assert stats.point_biserial(right, theta) is None


def test_point_biserial_needs_one_score_per_answer():
    with pytest.raises(ValueError, match="one score per answer"):
        stats.point_biserial([True, False], [0.1])


def test_choice_rates_count_each_option_once_per_answer():
    rates = stats.choice_rates([(0,), (2,), (0, 1), (0, 0), (7,)], 4)
    assert rates == [0.6, 0.2, 0.2, 0.0]
    assert stats.choice_rates([], 3) == [0.0, 0.0, 0.0]


def _answers():
    data = [
        # item, topic, right, chosen, theta
        ("T01-001", "T01", True, (1,), 1.0),
        ("T01-001", "T01", False, (0,), -1.0),
        ("T01-001", "T01", False, (2,), 0.0),
        ("T01-001", "T01", True, (1,), 0.5),
        ("T02-003", "T02", True, (3,), 0.2),
        ("T02-003", "T02", True, (3,), -0.4),
        ("T03-002", "T03", False, (0,), None),
    ]
    return [Answer(i, t, r, c, th, 4) for i, t, r, c, th in data]


def test_item_statistics_on_a_small_group():
    by_id = {s.item_id: s for s in stats.item_statistics(_answers())}
    first = by_id["T01-001"]
    assert (first.n, first.p_value, first.topic) == (4, 0.5, "T01")
    assert first.point_biserial == pytest.approx(
        np.corrcoef([1, 0, 0, 1], [1.0, -1.0, 0.0, 0.5])[0, 1]
    )
    assert first.choice_rates == [0.25, 0.5, 0.25, 0.0]
    assert by_id["T02-003"].point_biserial is None  # everyone right
    assert by_id["T03-002"].point_biserial is None  # no final estimate
    assert list(by_id) == ["T01-001", "T02-003", "T03-002"]


def test_most_missed_keeps_items_answered_often_enough():
    group = stats.item_statistics(_answers())
    assert [s.item_id for s in stats.most_missed(group)] == ["T01-001"]
    assert [s.item_id for s in stats.most_missed(group, min_n=1)] == ["T03-002", "T01-001"]


def test_topic_profile_and_level_distribution():
    profile = stats.topic_profile(_answers())
    assert [(t.topic, t.answers, t.correct) for t in profile] == [
        ("T01", 4, 2),
        ("T02", 2, 2),
        ("T03", 1, 0),
    ]
    assert profile[0].rate == 0.5
    assert stats.level_distribution([1, 3, 3, None]) == {1: 1, 2: 0, 3: 2}
