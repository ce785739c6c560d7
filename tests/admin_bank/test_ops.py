"""Operations: the score outbox page, a learner's data (export, erasure), retention and purge."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lti_tool.admin import retention
from models import Attempt, LaunchRecord, LtiStateValue, Response, ScoreOutbox
from models.base import utcnow
from tests.admin_bank.conftest import csrf, session_of
from tests.admin_bank.factories import make_activity, make_attempt, make_platform

SUB = "learner-42"


def count(db, model, *where):
    return db.scalar(select(func.count()).select_from(model).where(*where))


# -- score outbox ------------------------------------------------------------------------------
@pytest.fixture
def outbox_rows(tool, bank):
    with session_of(tool) as db:
        activity = make_activity(db, make_platform(db))
        for k, status in enumerate(["pending", "delivered", "delivered", "failed", "failed"]):
            make_attempt(db, activity, f"s{k}", responses=[("T01-001", True)], outbox_status=status)
        failed = db.scalars(select(ScoreOutbox).where(ScoreOutbox.status == "failed")).all()
        for row in failed:
            row.tries, row.last_error = 10, "HTTP 503 from the platform"
        return [row.id for row in failed]


def test_the_outbox_page_counts_and_lists_rows(admin_client, outbox_rows):
    page = admin_client.get("/admin/ops/outbox?lang=en")
    assert page.status_code == 200
    counts = re.findall(r'<strong class="count">(\d+)</strong>', page.text)
    assert [int(n) for n in counts] == [1, 0, 2, 2]
    assert "HTTP 503 from the platform" in page.text and "55.0/100" in page.text
    assert SUB not in page.text and "s0" not in re.sub(r"<[^>]+>", "", page.text).split()
    # Links to the platform's page, and to the other admin pages.
    assert "/admin/platforms/" in page.text and "/admin/keys" in page.text
    failed_only = admin_client.get("/admin/ops/outbox?status=failed&lang=en")
    assert failed_only.text.count("Send again<") == 2


def test_resend_one_failed_score(admin_client, tool, outbox_rows):
    token = csrf(admin_client.get("/admin/ops/outbox").text)
    resp = admin_client.post(
        f"/admin/ops/outbox/{outbox_rows[0]}/resend", data={"csrf_token": token}
    )
    assert resp.status_code == 303
    with session_of(tool) as db:
        row = db.get(ScoreOutbox, outbox_rows[0])
        assert (row.status, row.tries) == ("pending", 0)
        assert db.get(ScoreOutbox, outbox_rows[1]).status == "failed"


def test_resend_all_failed_scores(admin_client, tool, outbox_rows):
    token = csrf(admin_client.get("/admin/ops/outbox").text)
    resp = admin_client.post("/admin/ops/outbox/resend-failed?lang=en", data={"csrf_token": token})
    assert resp.status_code == 303
    page = admin_client.get("/admin/ops/outbox?lang=en")
    assert "2 failed scores will be sent again." in page.text
    with session_of(tool) as db:
        assert count(db, ScoreOutbox, ScoreOutbox.status == "failed") == 0
        assert count(db, ScoreOutbox, ScoreOutbox.status == "pending") == 3


def test_resend_needs_a_csrf_token(admin_client, tool, outbox_rows):
    assert admin_client.post("/admin/ops/outbox/resend-failed").status_code == 400
    with session_of(tool) as db:
        assert count(db, ScoreOutbox, ScoreOutbox.status == "failed") == 2


# -- a learner's data ---------------------------------------------------------------------------
@pytest.fixture
def learner(tool, bank):
    """Two attempts and a launch for SUB on one platform; another learner and the same sub on
    another platform must stay untouched."""
    with session_of(tool) as db:
        platform = make_platform(db)
        other_platform = make_platform(db, issuer="https://other.example.fr", client_id="c2")
        activity = make_activity(db, platform)
        make_attempt(
            db,
            activity,
            SUB,
            responses=[("T01-001", True), ("T01-002", False)],
            outbox_status="delivered",
        )
        make_attempt(
            db, activity, SUB, number=2, status="in_progress", responses=[("T02-001", True)]
        )
        make_attempt(
            db, activity, "someone-else", responses=[("T01-001", False)], outbox_status="pending"
        )
        make_attempt(
            db, make_activity(db, other_platform, "l2"), SUB, responses=[("T01-003", True)]
        )
        for pid in (platform.id, other_platform.id):
            db.add(
                LaunchRecord(
                    id=f"launch-{pid}",
                    platform_id=pid,
                    deployment_id="1",
                    message_type="LtiResourceLinkRequest",
                    subject=SUB,
                    roles=["Learner"],
                    role="learner",
                    context_id="course-1",
                    resource_link_id="link-1",
                    locale="fr",
                    services={"ags": {"lineitem": "https://m/li/1"}},
                    expires_at=utcnow() + timedelta(hours=2),
                )
            )
        return platform.id


def find(admin_client, platform_id, subject=SUB):
    page = admin_client.get("/admin/ops/privacy")
    return admin_client.post(
        "/admin/ops/privacy/learner?lang=en",
        data={"csrf_token": csrf(page.text), "platform": str(platform_id), "subject": subject},
    )


def test_the_privacy_page_says_what_is_stored_retention_and_rights(admin_client, learner):
    page = admin_client.get("/admin/ops/privacy?lang=en")
    assert page.status_code == 200
    assert "730 days" in page.text and "boussole purge" in page.text
    assert "data controller" in page.text and "No name, no e-mail address" in page.text
    assert 'name="subject"' in page.text and 'method="post"' in page.text
    fr = admin_client.get("/admin/ops/privacy?lang=fr")
    assert "730 jours" in fr.text


def test_finding_a_learner_shows_what_is_stored(admin_client, learner):
    page = find(admin_client, learner)
    assert page.status_code == 200
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td>', page.text))
    assert cells == {"Launches": "1", "Attempts": "2", "Answers": "3", "Scores in the outbox": "1"}
    nobody = find(admin_client, learner, "nobody")
    assert "Nothing is stored" in nobody.text


def test_export_gives_everything_about_the_learner_as_json(admin_client, learner):
    page = find(admin_client, learner)
    resp = admin_client.post(
        "/admin/ops/privacy/export",
        data={"csrf_token": csrf(page.text), "platform": str(learner), "subject": SUB},
    )
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    data = json.loads(resp.data)
    assert data["learner"]["subject"] == SUB
    assert len(data["launches"]) == 1 and data["launches"][0]["context_id"] == "course-1"
    assert len(data["attempts"]) == 2
    responses = [r for a in data["attempts"] for r in a["responses"]]
    assert sorted(r["item_id"] for r in responses) == ["T01-001", "T01-002", "T02-001"]
    assert len(data["score_outbox"]) == 1
    assert "someone-else" not in resp.text


def test_export_needs_a_csrf_token(admin_client, learner):
    resp = admin_client.post(
        "/admin/ops/privacy/export", data={"platform": str(learner), "subject": SUB}
    )
    assert resp.status_code == 400


def test_erasure_asks_for_confirmation_then_deletes_in_one_go(admin_client, tool, learner, caplog):
    page = find(admin_client, learner)
    token = csrf(page.text)
    confirm = admin_client.post(
        "/admin/ops/privacy/erase?lang=en",
        data={"csrf_token": token, "platform": str(learner), "subject": SUB},
    )
    assert confirm.status_code == 200 and "Erase for good" in confirm.text
    assert "2 attempts" in confirm.text and "3 answers" in confirm.text
    with session_of(tool) as db:  # nothing is gone yet
        assert count(db, Attempt, Attempt.subject == SUB) == 3
    # Without ticking the box: refused, nothing deleted.
    resp = admin_client.post(
        "/admin/ops/privacy/erase?lang=en",
        data={"csrf_token": token, "platform": str(learner), "subject": SUB, "confirming": "1"},
    )
    assert resp.status_code == 400 and "Tick the box" in resp.text
    with session_of(tool) as db:
        assert count(db, Attempt, Attempt.subject == SUB) == 3
    caplog.set_level(logging.INFO)
    resp = admin_client.post(
        "/admin/ops/privacy/erase?lang=en",
        data={
            "csrf_token": token,
            "platform": str(learner),
            "subject": SUB,
            "confirming": "1",
            "confirm": "y",
        },
    )
    assert resp.status_code == 303
    page = admin_client.get(resp.headers["Location"] + "?lang=en")
    assert "2 attempts, 3 answers, 1 launches, 1 scores" in page.text
    with session_of(tool) as db:
        pid = learner
        assert count(db, Attempt, Attempt.platform_id == pid, Attempt.subject == SUB) == 0
        assert (
            count(db, LaunchRecord, LaunchRecord.platform_id == pid, LaunchRecord.subject == SUB)
            == 0
        )
        assert count(db, ScoreOutbox, ScoreOutbox.subject == SUB) == 0
        # The other learner, and the same sub on another platform, are untouched.
        assert count(db, Attempt, Attempt.subject == "someone-else") == 1
        assert count(db, Attempt, Attempt.platform_id != pid, Attempt.subject == SUB) == 1
        assert count(db, LaunchRecord, LaunchRecord.platform_id != pid) == 1
        assert count(db, Response) == 2
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "learner data erased" in logged and SUB not in logged


# -- retention -------------------------------------------------------------------------------
@pytest.fixture
def aged(tool, bank):
    old = utcnow() - timedelta(days=800)
    recent = utcnow() - timedelta(days=10)
    with session_of(tool) as db:
        activity = make_activity(db, make_platform(db))
        make_attempt(
            db,
            activity,
            "old",
            created=old,
            finished=old,
            responses=[("T01-001", True), ("T01-002", True)],
            outbox_status="delivered",
        )
        make_attempt(
            db,
            activity,
            "old-open",
            status="in_progress",
            created=old,
            responses=[("T01-001", True)],
        )
        make_attempt(
            db,
            activity,
            "recent",
            created=old,
            finished=recent,
            responses=[("T01-001", True)],
            outbox_status="delivered",
        )
        platform_id = activity.platform_id
        for k, expires in enumerate(
            [utcnow() - timedelta(minutes=1), utcnow() + timedelta(hours=1)]
        ):
            db.add(
                LaunchRecord(
                    id=f"l{k}",
                    platform_id=platform_id,
                    deployment_id="1",
                    message_type="LtiResourceLinkRequest",
                    subject="x",
                    roles=[],
                    role="learner",
                    expires_at=expires,
                )
            )
            db.add(LtiStateValue(key=f"k{k}", value={"n": k}, expires_at=expires))


def remaining(tool):
    with session_of(tool) as db:
        return {
            m.__name__: count(db, m)
            for m in (Attempt, Response, ScoreOutbox, LaunchRecord, LtiStateValue)
        }


def test_purge_dry_run_counts_and_changes_nothing(runner, tool, aged):
    before = remaining(tool)
    result = runner.invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would delete 2 attempts" in result.output
    assert "would delete 3 responses" in result.output
    assert "would delete 1 score outbox" in result.output
    assert (
        "would delete 1 launches" in result.output and "would delete 1 lti states" in result.output
    )
    assert remaining(tool) == before


def test_purge_deletes_what_is_past_the_retention(runner, tool, aged):
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "deleted 2 attempts" in result.output
    assert remaining(tool) == {
        "Attempt": 1,
        "Response": 1,
        "ScoreOutbox": 1,
        "LaunchRecord": 1,
        "LtiStateValue": 1,
    }
    with session_of(tool) as db:
        assert db.scalars(select(Attempt.subject)).all() == ["recent"]


def test_purge_with_a_shorter_retention(runner, tool, aged):
    result = runner.invoke(args=["purge", "--days", "5"])
    assert result.exit_code == 0 and "deleted 3 attempts" in result.output
    assert runner.invoke(args=["purge", "--days", "0"]).exit_code != 0


@pytest.mark.parametrize(
    ("config", "env", "expected"), [(None, None, 730), (None, "90", 90), (30, "90", 30)]
)
def test_the_retention_setting(tool, monkeypatch, config, env, expected):
    if env:
        monkeypatch.setenv("BOUSSOLE_RETENTION_DAYS", env)
    else:
        monkeypatch.delenv("BOUSSOLE_RETENTION_DAYS", raising=False)
    if config:
        monkeypatch.setitem(tool.config, "RETENTION_DAYS", config)
    with tool.app_context():
        assert retention.retention_days() == expected
