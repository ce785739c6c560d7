"""Grade passback that never loses a score and never sends one twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select

from lti_tool import db as database
from lti_tool.ags.delivery import deliver_due
from models import ScoreOutbox
from tests.quiz.helpers import answer_until_done, graded, short_link, start, wait_graded


@pytest.fixture
def manual_outbox(tool):
    saved = {
        k: tool.config[k]
        for k in ("OUTBOX_IN_PROCESS", "OUTBOX_BASE_DELAY", "HTTP_TIMEOUT", "OUTBOX_MAX_TRIES")
    }
    tool.config.update(
        OUTBOX_IN_PROCESS=False, OUTBOX_BASE_DELAY=0.0, HTTP_TIMEOUT=1.0, OUTBOX_MAX_TRIES=10
    )
    yield tool
    tool.config.update(saved)


def finish_attempts(platform, users=("3",), **custom):
    link = short_link(platform, **custom)
    for user in users:
        browser, page = start(platform, user=user, link=link)
        answer_until_done(browser, page)
    return link


def drain(app, rounds=30):
    with app.app_context():
        for _ in range(rounds):
            deliver_due()
            db = database.session()
            left = db.scalars(
                select(ScoreOutbox).where(ScoreOutbox.status.in_(("pending", "sending")))
            ).all()
            db.close()
            if not left:
                return
            time.sleep(0.05)
    raise AssertionError("the outbox did not drain")


class Row:
    def __init__(self, status, tries):
        self.status, self.tries = status, tries


def rows(app):
    with app.app_context():
        found = database.session().scalars(select(ScoreOutbox).order_by(ScoreOutbox.id)).all()
        return [Row(r.status, r.tries) for r in found]


def test_every_score_arrives_exactly_once_after_failures(platform, bank, manual_outbox):
    platform.state.fault_delay = 2.5
    platform.state.score_faults.extend(["500", "timeout", "drop", "lost_response", "500", "drop"])
    finish_attempts(platform, users=("3", "5"))
    drain(platform.app)
    finals = graded(platform)
    assert sorted(s["userId"] for s in finals) == ["3", "5"]
    assert all(r.status == "delivered" for r in rows(platform.app))
    assert len(platform.state.grades) == 2
    assert not platform.state.score_faults


def test_scores_wait_while_the_platform_is_down_and_arrive_when_it_recovers(
    platform, bank, manual_outbox
):
    platform.state.score_faults.extend(["500"] * 50)
    finish_attempts(platform)
    with platform.app.app_context():
        deliver_due()
    assert graded(platform) == []
    assert {r.status for r in rows(platform.app)} == {"pending"}
    platform.state.score_faults.clear()
    drain(platform.app)
    assert len(graded(platform)) == 1


def test_after_the_last_retry_a_score_is_kept_as_failed_and_can_be_resent(
    platform, bank, manual_outbox, runner
):
    manual_outbox.config["OUTBOX_MAX_TRIES"] = 2
    platform.state.score_faults.extend(["500"] * 10)
    finish_attempts(platform)
    with platform.app.app_context():
        deliver_due()
        deliver_due()
    assert "failed" in {r.status for r in rows(platform.app)}
    listing = runner.invoke(args=["outbox", "list", "--status", "failed"])
    assert "failed" in listing.output
    platform.state.score_faults.clear()
    assert "queued again" in runner.invoke(args=["outbox", "resend"]).output
    assert runner.invoke(args=["outbox", "run", "--once"]).exit_code == 0
    assert len(graded(platform)) == 1
    assert {r.status for r in rows(platform.app)} == {"delivered"}


def test_access_tokens_are_cached_until_they_expire(platform, bank, manual_outbox):
    finish_attempts(platform, users=("3", "5"))
    drain(platform.app)
    assert len(platform.state.scores) == 4  # Started + FullyGraded for each
    assert platform.state.access_tokens_issued == 1


def test_concurrent_workers_never_send_a_row_twice(platform, bank, manual_outbox):
    platform.state.fault_delay = 0.3
    platform.state.score_faults.extend(["lost_response"] * 3)
    finish_attempts(platform, users=("3", "5"))
    errors = []

    def worker():
        try:
            with platform.app.app_context():
                deliver_due()
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drain(platform.app)
    assert errors == []
    # Each row was posted once by the workers; only the lost responses were retried (and met 409).
    assert len(platform.state.scores) == 4
    assert len(graded(platform)) == 2


def test_a_worker_killed_mid_delivery_loses_nothing(platform, bank, manual_outbox, database_url):
    platform.state.fault_delay = 30
    platform.state.score_faults.extend(["timeout", "timeout"])  # the first worker hangs on these
    finish_attempts(platform)
    env = dict(os.environ)
    env.update(
        BOUSSOLE_DATABASE_URL=database_url,
        BOUSSOLE_SECRET_KEY=platform.app.config["SECRET_KEY"],
        BOUSSOLE_OUTBOX_LEASE_SECONDS="1",
        BOUSSOLE_HTTP_TIMEOUT="60",
    )
    cmd = [
        sys.executable,
        "-c",
        "from lti_tool.cli import cli; cli()",
        "outbox",
        "run",
        "--interval",
        "0.2",
    ]
    worker = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and {r.status for r in rows(platform.app)} != {"sending"}:
        time.sleep(0.1)
    assert "sending" in {r.status for r in rows(platform.app)}
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    platform.state.score_faults.clear()
    time.sleep(1.2)  # the dead worker's lease runs out
    drain(platform.app)
    assert len(graded(platform)) == 1
    assert {r.status for r in rows(platform.app)} == {"delivered"}


def test_a_line_item_is_created_when_the_launch_has_none(platform, bank):
    link = platform.state.add_resource_link(
        "Sans colonne",
        platform.client_id,
        custom={"boussole_max_items": "2", "boussole_min_items": "1"},
        with_lineitem=False,
    )
    browser, page = start(platform, link=link.id)
    answer_until_done(browser, page)
    wait_graded(platform, 1, timeout=30)
    [created] = [li for li in platform.state.lineitems.values() if li.resource_link_id == link.id]
    assert created.score_maximum == 100 and created.tag == "boussole"
    assert graded(platform)[0]["userId"] == "3"


def test_retries_back_off_exponentially_with_jitter(tool):
    from lti_tool.ags.delivery import backoff

    with tool.app_context():
        tool.config.update(OUTBOX_BASE_DELAY=10.0, OUTBOX_MAX_DELAY=3600.0)
        delays = {tries: [backoff(tries) for _ in range(200)] for tries in (1, 2, 5, 12)}
    assert 5 <= min(delays[1]) and max(delays[1]) <= 15
    assert 10 <= min(delays[2]) and max(delays[2]) <= 30
    assert 80 <= min(delays[5]) and max(delays[5]) <= 240
    assert max(delays[12]) <= 5400 and len(set(delays[1])) > 100  # capped, and jittered


def test_concurrent_deliveries_create_a_single_line_item(platform, bank, manual_outbox):
    link = platform.state.add_resource_link(
        "Sans colonne",
        platform.client_id,
        custom={"boussole_max_items": "2", "boussole_min_items": "1"},
        with_lineitem=False,
    )
    for user in ("3", "5"):
        browser, page = start(platform, user=user, link=link.id)
        answer_until_done(browser, page)
    threads = [threading.Thread(target=lambda: _deliver_in(platform.app)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    drain(platform.app)
    created = [li for li in platform.state.lineitems.values() if li.resource_link_id == link.id]
    assert len(created) == 1
    assert len(graded(platform)) == 2


def _deliver_in(app):
    with app.app_context():
        deliver_due()
