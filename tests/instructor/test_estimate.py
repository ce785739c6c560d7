"""The expected number of questions, from a seeded simulation on the current pool."""

from __future__ import annotations

import time

from lti_tool import db as database
from lti_tool.instructor import estimate as est
from lti_tool.quiz.pool import pool_for
from lti_tool.quiz.settings import ActivitySettings


def _pool(app, language="fr"):
    with app.app_context():
        return pool_for(database.session(), language).pool


def test_the_estimate_lies_within_the_bounds_and_is_cached(tool, bank):
    pool = _pool(tool)
    settings = ActivitySettings(min_items=4, max_items=12)
    started = time.perf_counter()
    first = est.estimate(pool, settings, "fr")
    elapsed = time.perf_counter() - started
    assert 4 <= first.low <= first.mean <= first.high <= 12
    assert first.eligible == 36 and first.examinees == est.examinees_for(12)
    assert elapsed < 3.0  # ~0.2 s alone; generous for a shared machine
    again_started = time.perf_counter()
    assert est.estimate(pool, settings, "fr") is first
    assert time.perf_counter() - again_started < 0.01


def test_the_estimate_is_seeded_and_follows_the_settings(tool, bank):
    pool = _pool(tool)
    # Uncalibrated items (a = 1) give little information: long tests tell the precisions apart.
    quick = est.estimate(pool, ActivitySettings(min_items=2, max_items=40, se_target=0.40), "fr")
    est.clear()
    assert (
        est.estimate(pool, ActivitySettings(min_items=2, max_items=40, se_target=0.40), "fr")
        == quick
    )
    precise = est.estimate(pool, ActivitySettings(min_items=2, max_items=40, se_target=0.25), "fr")
    assert precise.mean > quick.mean and quick.share_precise > 0.5
    narrow = est.estimate(
        pool, ActivitySettings(topics=("T02",), levels=(1,), min_items=1, max_items=10), "fr"
    )
    assert narrow.eligible == 4 and narrow.high <= 4


def test_an_empty_selection_has_no_simulation(tool, bank):
    empty = est.estimate(_pool(tool), ActivitySettings(topics=("T09",)), "fr")
    assert empty.empty and empty.examinees == 0


def test_a_new_pool_is_simulated_again(tool, bank):
    settings = ActivitySettings(min_items=2, max_items=5)
    first = est.estimate(_pool(tool), settings, "fr")
    from lti_tool.quiz import pool as pool_cache

    pool_cache.clear()
    second = est.estimate(_pool(tool), settings, "fr")
    assert second == first and second is not first


def test_the_number_of_simulees_shrinks_with_long_tests():
    assert (
        est.examinees_for(10) == 300
        and est.examinees_for(25) == 240
        and est.examinees_for(60) == 100
    )
