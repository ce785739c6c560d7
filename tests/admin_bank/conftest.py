"""Fixtures of the admin bank, calibration and operations tests."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest

from lti_tool.admin import calibration_jobs

PASSWORD = "correct horse battery staple"


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def admin_client(tool, runner):
    """A test client signed in as the admin ``ada`` (account made with the CLI)."""
    result = runner.invoke(args=["admin", "create-user", "ada", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = tool.test_client()
    token = csrf(client.get("/admin/login").text)
    resp = client.post(
        "/admin/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302
    client.csrf = token
    yield client
    assert calibration_jobs.wait_for_jobs(60), "a calibration thread is still running"


@contextmanager
def session_of(app):
    """A database session in an app context of its own, committed at the end. Never keep an app
    context open around requests: the test client would reuse it, and its session."""
    from lti_tool import db as database

    with app.app_context():
        db = database.session()
        yield db
        db.commit()
