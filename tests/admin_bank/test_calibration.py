"""Calibration from the responses in the database: recovery of known parameters, review, apply
in one transaction with history, refusals, and the page that follows a background run."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from lti_tool.admin import calibration_jobs as jobs
from models import CalibrationRun, ItemRecord, ItemReview, ParameterHistory
from tests.admin_bank.conftest import csrf, session_of
from tests.admin_bank.factories import seed_calibration_data


def rmse(x, y):
    return float(np.sqrt(np.mean((np.asarray(x) - np.asarray(y)) ** 2)))


def queued_run(tool, **settings):
    with session_of(tool) as db:
        run = jobs.create_run(db, "ada", settings)
        return run.id


@pytest.fixture
def seeded(tool, bank):
    with session_of(tool) as db:
        return seed_calibration_data(db)


@pytest.fixture
def finished_run(tool, seeded):
    run_id = queued_run(tool)
    with tool.app_context():
        assert jobs.execute(run_id) == "done"
    with session_of(tool) as db:
        run = db.get(CalibrationRun, run_id)
        return run_id, run.result, seeded


def lines_of(result):
    return {line["id"]: line for line in result["items"]}


def test_a_run_recovers_the_parameters_that_generated_the_data(finished_run):
    _, result, truth = finished_run
    lines = lines_of(result)
    # 1000 completed attempts; the 20 unfinished ones are left out.
    assert result["n_persons"] == 1000
    stable = [i for i in truth.operational if i != truth.drifted]
    assert rmse([lines[i]["after"]["b"] for i in stable], [truth.b[i] for i in stable]) < 0.25
    assert rmse([lines[i]["after"]["a"] for i in stable], [truth.a[i] for i in stable]) < 0.3
    pilots = truth.pilots
    assert rmse([lines[i]["after"]["b"] for i in pilots], [truth.b[i] for i in pilots]) < 0.35
    assert rmse([lines[i]["after"]["a"] for i in pilots], [truth.a[i] for i in pilots]) < 0.4
    for i in truth.operational + pilots:
        assert lines[i]["after"]["se_b"] is not None and 0 < lines[i]["after"]["se_b"] < 0.5
        assert lines[i]["fit"]["p"] is not None


def test_drift_pilot_readiness_and_what_applying_writes(finished_run):
    _, result, truth = finished_run
    lines = lines_of(result)
    assert lines[truth.drifted]["drift"]["flagged"]
    flagged = [i for i in truth.operational if lines[i]["drift"]["flagged"]]
    assert flagged == [truth.drifted]
    assert all(lines[i]["kind"] == "pilot" and lines[i]["ready"] for i in truth.pilots)
    assert all(lines[i]["update"] for i in truth.operational + truth.pilots)
    assert result["em"]["converged"] and result["online"]["converged"]


def test_pilots_short_of_responses_are_not_promoted_nor_written(tool, seeded):
    run_id = queued_run(tool, min_pilot_responses=5000)
    with tool.app_context():
        jobs.execute(run_id)
    with session_of(tool) as db:
        lines = lines_of(db.get(CalibrationRun, run_id).result)
        for i in seeded.pilots:
            assert lines[i]["ready"] is False and lines[i]["reasons"] == ["few_responses"]
            assert lines[i]["update"] is False
        jobs.apply_run(db, run_id, "ada")
    with session_of(tool) as db:
        for i in seeded.pilots:
            record = db.get(ItemRecord, i)
            # Written parameters would make a pilot scored: it keeps collecting answers instead.
            assert record.status == "piloted" and record.irt_b is None


def test_apply_keeps_history_writes_parameters_and_promotes_pilots(tool, finished_run):
    run_id, result, truth = finished_run
    lines = lines_of(result)
    with session_of(tool) as db:
        before = {i: db.get(ItemRecord, i).irt_b for i in truth.operational}
        report = jobs.apply_run(db, run_id, "ada")
    assert sorted(report.promoted) == sorted(truth.pilots)
    with session_of(tool) as db:
        run = db.get(CalibrationRun, run_id)
        assert run.status == "applied" and run.applied_by == "ada" and run.applied_at
        for i in truth.operational:
            record = db.get(ItemRecord, i)
            assert record.irt_b == pytest.approx(lines[i]["after"]["b"])
            assert record.irt_n == lines[i]["n"]
            history = db.scalars(
                select(ParameterHistory).where(ParameterHistory.item_id == i)
            ).one()
            assert history.calibration_run_id == run_id
            assert history.params["b"] == pytest.approx(before[i])
        for i in truth.pilots:
            record = db.get(ItemRecord, i)
            assert record.status == "calibrated" and record.irt_b == pytest.approx(
                lines[i]["after"]["b"]
            )
            assert record.reviewed_by == "ada"
            review = db.scalars(select(ItemReview).where(ItemReview.item_id == i)).one()
            assert (review.from_status, review.to_status) == ("piloted", "calibrated")
            history = db.scalars(
                select(ParameterHistory).where(ParameterHistory.item_id == i)
            ).one()
            assert history.params["b"] is None and history.params["status"] == "piloted"


def test_applying_twice_is_refused(tool, finished_run):
    run_id, _, _ = finished_run
    with session_of(tool) as db:
        jobs.apply_run(db, run_id, "ada")
    with session_of(tool) as db:
        with pytest.raises(jobs.RunRefused) as refused:
            jobs.apply_run(db, run_id, "bob")
        assert refused.value.code == "already_applied"
        assert db.scalar(select(func.count(ParameterHistory.id))) == 36


def test_a_failure_in_the_middle_of_apply_changes_nothing(tool, finished_run):
    run_id, result, truth = finished_run
    # An item that disappeared after the run, placed after real items: they are written first.
    broken = dict(result, items=[*result["items"], dict(result["items"][0], id="T99-999")])
    with session_of(tool) as db:
        db.get(CalibrationRun, run_id).result = broken
    with session_of(tool) as db:
        before = {r.id: (r.status, r.irt_a, r.irt_b) for r in db.scalars(select(ItemRecord))}
    with tool.app_context():
        from lti_tool import db as database

        db = database.session()
        with pytest.raises(jobs.RunRefused) as refused:
            jobs.apply_run(db, run_id, "ada")
        assert refused.value.code == "calibration_item_gone"
        db.rollback()
    with session_of(tool) as db:
        after = {r.id: (r.status, r.irt_a, r.irt_b) for r in db.scalars(select(ItemRecord))}
        assert after == before
        assert db.scalar(select(func.count(ParameterHistory.id))) == 0
        assert db.scalar(select(func.count(ItemReview.id))) == 0
        assert db.get(CalibrationRun, run_id).status == "done"


def test_a_run_without_data_fails_with_its_message_and_cannot_be_applied(tool, bank):
    run_id = queued_run(tool)
    with tool.app_context():
        assert jobs.execute(run_id) == "failed"
    with session_of(tool) as db:
        run = db.get(CalibrationRun, run_id)
        assert run.message == "no_data" and run.result is None
        with pytest.raises(jobs.RunRefused):
            jobs.apply_run(db, run_id, "ada")


def test_an_older_run_cannot_be_applied_after_a_newer_one(tool, seeded):
    first = queued_run(tool)
    with tool.app_context():
        jobs.execute(first)
    second = queued_run(tool)
    with tool.app_context():
        jobs.execute(second)
    with session_of(tool) as db:
        jobs.apply_run(db, second, "ada")
    with session_of(tool) as db:
        with pytest.raises(jobs.RunRefused) as refused:
            jobs.apply_run(db, first, "ada")
        assert refused.value.code == "calibration_stale"


def test_one_run_at_a_time(tool, bank):
    queued_run(tool)
    with session_of(tool) as db, pytest.raises(jobs.RunRefused):
        jobs.create_run(db, "bob", {})


# -- the pages ---------------------------------------------------------------------------------
def test_start_follow_review_and_apply_from_the_browser(admin_client, tool, seeded):
    page = admin_client.get("/admin/bank/calibration")
    assert page.status_code == 200 and "<dd>1000</dd>" in page.text  # completed attempts only
    resp = admin_client.post(
        "/admin/bank/calibration",
        data={
            "csrf_token": csrf(page.text),
            "model": "2PL",
            "min_pilot_responses": "100",
            "max_se": "0.5",
        },
    )
    assert resp.status_code == 303
    run_url = resp.headers["Location"]
    run_id = int(run_url.rstrip("/").split("/")[-1])
    status = admin_client.get(f"{run_url}/status").get_json()
    assert status["status"] in ("queued", "running", "done") and 0 <= status["progress"] <= 100
    assert jobs.wait_for_jobs(60)
    status = admin_client.get(f"{run_url}/status").get_json()
    assert status == {**status, "status": "done", "progress": 100, "active": False}
    page = admin_client.get(run_url)
    assert page.status_code == 200
    assert seeded.pilots[0] in page.text and seeded.drifted in page.text
    assert "admin-calibration.js" in page.text and 'id="run-bar"' in page.text
    resp = admin_client.post(f"{run_url}/apply", data={"csrf_token": csrf(page.text)})
    assert resp.status_code == 303
    page = admin_client.get(run_url)
    assert "ada" in page.text and "Apply this calibration" not in page.text
    # Applying again is refused with a message, and nothing more is written.
    resp = admin_client.post(
        f"{run_url}/apply", data={"csrf_token": csrf(page.text)}, follow_redirects=True
    )
    assert "Ce calibrage a déjà été appliqué." in resp.text
    with session_of(tool) as db:
        assert db.scalar(select(func.count(ParameterHistory.id))) == 36
        assert db.get(CalibrationRun, run_id).status == "applied"


def test_a_running_page_offers_a_refresh_link_without_javascript(admin_client, tool, bank):
    run_id = queued_run(tool)
    page = admin_client.get(f"/admin/bank/calibration/{run_id}")
    assert 'id="run-refresh"' in page.text and 'data-active="true"' in page.text
    with tool.app_context():
        jobs.execute(run_id)
    page = admin_client.get(f"/admin/bank/calibration/{run_id}?lang=en")
    assert 'data-active="false"' in page.text
    assert "No response of a completed attempt was found" in page.text


def test_apply_without_csrf_token_changes_nothing(admin_client, tool, finished_run):
    run_id, _, _ = finished_run
    resp = admin_client.post(f"/admin/bank/calibration/{run_id}/apply")
    assert resp.status_code in (303, 400)
    with session_of(tool) as db:
        assert db.get(CalibrationRun, run_id).status == "done"
