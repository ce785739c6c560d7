"""Server-side admin sessions: logout and password changes end them, and they expire."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from models import AdminSession
from models.base import utcnow
from tests.admin.conftest import PASSWORD, create_admin, csrf, sign_in
from tests.admin_bank.conftest import session_of

NEW_PASSWORD = "une boussole pour la classe"


@pytest.fixture
def signed_in(tool, runner):
    create_admin(runner)
    client = tool.test_client()
    assert sign_in(client).status_code == 302
    return client


def _copy(client, app):
    """Another browser holding a copy of this one's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def _change_password(client, current, new, lang="fr"):
    page = client.get(f"/admin/password?lang={lang}")
    data = {
        "csrf_token": csrf(page.text),
        "current_password": current,
        "new_password": new,
        "confirm": new,
    }
    return client.post(f"/admin/password?lang={lang}", data=data)


def _sessions(app) -> int:
    with session_of(app) as db:
        return db.scalar(select(func.count()).select_from(AdminSession)) or 0


def test_the_cookie_holds_only_an_opaque_token_whose_hash_names_a_row(signed_in, tool):
    import hashlib

    serializer = tool.session_interface.get_signing_serializer(tool)
    data = serializer.loads(signed_in.get_cookie("session").value)
    assert set(data) <= {"admin_sid", "csrf_token", "_flashes", "lang"}
    with session_of(tool) as db:
        row = db.scalars(select(AdminSession)).one()
    assert row.id == hashlib.sha256(data["admin_sid"].encode()).hexdigest()


def test_a_copied_cookie_is_dead_after_logout(signed_in, tool):
    thief = _copy(signed_in, tool)
    assert thief.get("/admin/").status_code == 200
    token = csrf(signed_in.get("/admin/").text)
    assert signed_in.post("/admin/logout", data={"csrf_token": token}).status_code == 302
    assert _sessions(tool) == 0
    assert thief.get("/admin/").status_code == 403
    assert signed_in.get("/admin/").status_code == 403


def test_changing_the_password_on_the_page_ends_the_other_sessions(signed_in, tool):
    other = tool.test_client()
    assert sign_in(other).status_code == 302
    page = signed_in.get("/admin/password")
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.text
    assert _change_password(signed_in, PASSWORD, NEW_PASSWORD).status_code == 302
    assert signed_in.get("/admin/").status_code == 200  # this browser got a fresh session
    assert other.get("/admin/").status_code == 403
    assert _sessions(tool) == 1
    assert sign_in(tool.test_client(), password=NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("new", "words"),
    [("aaaaaaaaaaaa", "repeats"), ("ada-ada-ada-2024", "account name"), ("short", "12")],
)
def test_the_password_page_refuses_weak_passwords(signed_in, new, words):
    resp = _change_password(signed_in, PASSWORD, new, lang="en")
    assert resp.status_code == 400 and words in resp.text
    assert 'id="new_password-error"' in resp.text


def test_the_password_page_wants_the_current_password(signed_in):
    resp = _change_password(signed_in, "not the password", NEW_PASSWORD, lang="en")
    assert resp.status_code == 400 and "not your current password" in resp.text


def test_set_password_on_the_command_line_ends_every_session(signed_in, tool, runner):
    result = runner.invoke(args=["admin", "set-password", "ada", "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    assert signed_in.get("/admin/").status_code == 403


def test_resetting_with_create_user_ends_every_session(signed_in, runner):
    result = runner.invoke(args=["admin", "create-user", "ada", "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    assert signed_in.get("/admin/").status_code == 403


@pytest.mark.parametrize(
    ("column", "age"),
    [("last_seen_at", timedelta(minutes=31)), ("created_at", timedelta(hours=12, minutes=1))],
    ids=["idle", "absolute"],
)
def test_sessions_expire_when_idle_and_after_their_lifetime(signed_in, tool, column, age):
    with session_of(tool) as db:
        then = utcnow() - age
        values = {column: then, "last_seen_at": min(then, utcnow())}
        db.execute(update(AdminSession).values(**values))
    assert signed_in.get("/admin/").status_code == 403


def test_an_active_session_is_kept_alive(signed_in, tool):
    with session_of(tool) as db:
        db.execute(update(AdminSession).values(last_seen_at=utcnow() - timedelta(minutes=20)))
    assert signed_in.get("/admin/").status_code == 200
    with session_of(tool) as db:
        seen = db.scalar(select(AdminSession.last_seen_at))
    assert utcnow() - seen < timedelta(minutes=1)
    assert signed_in.get("/admin/").status_code == 200
