"""Only platforms trusted for calibration teach the bank: the others' answers stay out of every
calibration run and of the calibration page's data set, until an admin trusts the platform."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lti_tool.admin import calibration_jobs as jobs
from models import Attempt, Platform
from tests.admin_bank.conftest import csrf, session_of
from tests.admin_bank.factories import make_activity, make_attempt, make_platform
from tests.app.test_cli import URLS

ITEMS = ["T01-001", "T01-002", "T02-001"]


def seed(tool, *, trusted_answers: int, untrusted_answers: int) -> None:
    """One trusted and one untrusted platform, each with completed attempts of three answers."""
    with session_of(tool) as db:
        for trusted, n in ((True, trusted_answers), (False, untrusted_answers)):
            platform = make_platform(
                db, issuer=f"https://{'t' if trusted else 'u'}.example.fr", trusted=trusted
            )
            activity = make_activity(db, platform)
            for k in range(n // len(ITEMS)):
                make_attempt(db, activity, f"s{k}", responses=[(i, k % 2 == 0) for i in ITEMS])


def facts(html: str) -> dict[str, str]:
    return dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)</dd>", html))


def test_untrusted_answers_feed_no_calibration(tool, bank):
    seed(tool, trusted_answers=30, untrusted_answers=360)
    with session_of(tool) as db:
        items, triples = jobs.collect(db)
        summary = jobs.data_summary(db)
        trusted = db.scalars(select(Platform).where(Platform.trusted_for_calibration)).one()
        trusted_attempts = {
            str(a.id) for a in db.scalars(select(Attempt).where(Attempt.platform_id == trusted.id))
        }
    assert {attempt for attempt, _, _ in triples} == trusted_attempts
    assert set(items) >= set(ITEMS)
    assert len(triples) == 30
    assert (summary.attempts, summary.responses, summary.items) == (10, 30, 3)
    assert summary.untrusted_responses == 360


def test_the_calibration_page_counts_only_trusted_answers(tool, bank, admin_client):
    seed(tool, trusted_answers=30, untrusted_answers=0)
    before = facts(admin_client.get("/admin/bank/calibration?lang=en").text)
    seed_untrusted_only(tool, 360)
    after = facts(admin_client.get("/admin/bank/calibration?lang=en").text)
    shared = ["Completed attempts", "Answers", "Answers to pilot items", "Items answered"]
    assert {k: after[k] for k in shared} == {k: before[k] for k in shared}
    assert before["Items answered"] == "3"  # a number, not a method's repr
    assert after["Answers left out (platforms not trusted for calibration)"] == "360"


def seed_untrusted_only(tool, answers: int) -> None:
    with session_of(tool) as db:
        platform = make_platform(db, issuer="https://harvest.example.fr", trusted=False)
        activity = make_activity(db, platform)
        for k in range(answers // len(ITEMS)):
            make_attempt(db, activity, f"h{k}", responses=[(i, True) for i in ITEMS])


def test_trust_and_untrust_from_the_command_line(tool, bank, runner):
    seed(tool, trusted_answers=0, untrusted_answers=30)
    assert "untrusted" in runner.invoke(args=["platform", "list"]).output
    result = runner.invoke(args=["platform", "trust", "https://u.example.fr", "c1"])
    assert result.exit_code == 0, result.output
    with session_of(tool) as db:
        assert len(jobs.collect(db)[1]) == 30
    result = runner.invoke(args=["platform", "untrust", "https://u.example.fr", "c1"])
    assert result.exit_code == 0, result.output
    with session_of(tool) as db:
        assert jobs.collect(db)[1] == []
    missing = runner.invoke(args=["platform", "trust", "https://nope.example.fr", "c1"])
    assert missing.exit_code != 0 and "no platform" in missing.output


@pytest.mark.parametrize(("flags", "trusted"), [([], True), (["--untrusted"], False)])
def test_platforms_added_on_the_command_line_are_trusted_unless_told(runner, tool, flags, trusted):
    args = ["platform", "add", "--issuer", "https://m.example.fr", "--client-id", "c1", *URLS]
    result = runner.invoke(args=[*args, *flags])
    assert result.exit_code == 0, result.output
    with session_of(tool) as db:
        assert db.scalars(select(Platform)).one().trusted_for_calibration is trusted


def test_the_platform_page_toggles_trust(tool, admin_client):
    with session_of(tool) as db:
        platform = make_platform(db, trusted=False)
        platform.registration_source = "dynamic"
        platform_id = platform.id
    url = f"/admin/platforms/{platform_id}?lang=en"
    page = admin_client.get(url)
    assert "Trusted for calibration" in page.text
    assert re.search(r'<input[^>]*id="trusted_for_calibration"[^>]*>', page.text)
    assert (
        "checked" not in re.search(r'<input[^>]*id="trusted_for_calibration"[^>]*>', page.text)[0]
    )
    data = {
        "csrf_token": csrf(page.text),
        "name": "Moodle test",
        "issuer": "https://moodle.example.fr",
        "client_id": "c1",
        "auth_login_url": "https://moodle.example.fr/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.fr/mod/lti/token.php",
        "key_set_url": "https://moodle.example.fr/mod/lti/certs.php",
        "active": "y",
        "trusted_for_calibration": "y",
    }
    assert admin_client.post(url, data=data).status_code == 302
    with session_of(tool) as db:
        assert db.get(Platform, platform_id).trusted_for_calibration is True
