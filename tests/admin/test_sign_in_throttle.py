"""Sign-in throttling per account and per client, held in the database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lti_tool.admin import auth
from models import SignInFailure
from models.base import utcnow
from tests.admin.conftest import PROXIED, create_admin, sign_in
from tests.admin_bank.conftest import session_of


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hashes computed (the real function still runs)."""
    calls = []
    real = auth.check_password_hash

    def counting(stored, password):
        calls.append(1)
        return real(stored, password)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    return calls


def _fail(client, n, username="ada", **kw):
    for _ in range(n):
        assert sign_in(client, username=username, password="wrong guess", **kw).status_code == 401


def test_ten_failures_lock_the_account_even_with_the_right_password(tool, runner, hashes):
    create_admin(runner)
    client = tool.test_client()
    _fail(client, 10)
    assert len(hashes) == 10
    resp = sign_in(client, query_string={"lang": "en"})
    assert resp.status_code == 429
    assert "Too many failed sign-ins" in resp.text and "15 minutes" in resp.text
    assert 800 < int(resp.headers["Retry-After"]) <= 900
    assert len(hashes) == 10  # no scrypt hash for a throttled try
    french = sign_in(client)
    assert french.status_code == 429 and "Trop de tentatives" in french.text


def test_the_lock_holds_for_the_account_from_another_client(tool, runner, https_tool):
    create_admin(runner)
    _fail(tool.test_client(), 10)
    elsewhere = https_tool.test_client()
    elsewhere.environ_base.update({**PROXIED, "HTTP_X_FORWARDED_FOR": "198.51.100.9"})
    assert sign_in(elsewhere, headers={"Origin": "https://boussole.example.fr"}).status_code == 429


def test_one_client_guessing_many_accounts_is_locked(tool, runner):
    create_admin(runner)
    client = tool.test_client()
    for n in range(10):
        _fail(client, 1, username=f"guess{n}")
    assert sign_in(client).status_code == 429


def test_a_lock_held_by_another_worker_is_seen(tool, runner, https_tool):
    """Two app instances (two workers) share the counts through the database."""
    create_admin(runner)
    worker_a = https_tool.test_client()
    worker_a.environ_base.update(PROXIED)
    _fail(worker_a, 10, headers={"Origin": "https://boussole.example.fr"})
    with session_of(tool) as db:
        rows = db.scalars(select(SignInFailure)).all()
    assert len(rows) == 20 and all("ada" not in r.key and "203.0" not in r.key for r in rows)
    worker_b = tool.test_client()  # another process, another client
    assert sign_in(worker_b).status_code == 429


def test_the_lock_ends_when_the_failures_are_older_than_the_window(tool, runner):
    create_admin(runner)
    client = tool.test_client()
    _fail(client, 10)
    with session_of(tool) as db:
        db.execute(update(SignInFailure).values(failed_at=utcnow() - timedelta(minutes=16)))
    assert sign_in(client).status_code == 302


def _client_at(app, address):
    client = app.test_client()
    client.environ_base.update({**PROXIED, "HTTP_X_FORWARDED_FOR": address})
    return client


def test_a_success_clears_the_account_count_but_not_the_clients(tool, runner, https_tool):
    create_admin(runner)
    origin = {"headers": {"Origin": "https://boussole.example.fr"}}
    first = _client_at(https_tool, "198.51.100.1")
    _fail(first, 5, **origin)
    assert sign_in(first, **origin).status_code == 302
    second = _client_at(https_tool, "198.51.100.2")
    _fail(second, 9, **origin)  # 14 for the account without the reset: locked
    assert sign_in(_client_at(https_tool, "198.51.100.3"), **origin).status_code == 302
    _fail(first, 5, **origin)  # the first client's earlier 5 still count: 10
    assert sign_in(first, **origin).status_code == 429
