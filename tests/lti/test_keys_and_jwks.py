"""The tool's keys: published as a JWKS, rotated, encrypted at rest; every tool JWT has a kid."""

from __future__ import annotations

from datetime import timedelta

import jwt
import requests
from sqlalchemy import select

from lti_tool import db as database
from lti_tool.lti import keys
from models import ToolKey
from models.base import utcnow


def fetch_jwks(tool_url):
    resp = requests.get(tool_url + "/lti/jwks", timeout=10)
    assert resp.status_code == 200
    return resp.json()["keys"]


def test_jwks_publishes_active_next_and_recently_retired_keys(platform, runner):
    [first] = fetch_jwks(platform.tool_url)
    assert (
        first["kty"] == "RSA" and first["alg"] == "RS256" and first["use"] == "sig" and first["kid"]
    )
    assert "d" not in first  # never a private part

    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    kids = {k["kid"] for k in fetch_jwks(platform.tool_url)}
    assert first["kid"] in kids and len(kids) == 3  # retired, active, next

    with platform.app.app_context():
        db = database.session()
        old = db.scalars(select(ToolKey).where(ToolKey.kid == first["kid"])).one()
        assert old.status == "retired"
        old.retired_at = utcnow() - timedelta(days=30)
        db.commit()
    assert first["kid"] not in {k["kid"] for k in fetch_jwks(platform.tool_url)}


def test_private_keys_are_encrypted_at_rest(tool):
    with tool.app_context():
        db = database.session()
        key = keys.active_key(db)
        db.commit()
        assert "PRIVATE KEY" not in key.private_pem_encrypted
        assert keys.private_pem(key).startswith("-----BEGIN PRIVATE KEY-----")


def test_launches_keep_working_across_a_rotation(platform, runner):
    assert (
        platform.browser().launch(user="3", resource_link=platform.first_link()).status_code == 200
    )
    runner.invoke(args=["keys", "rotate"])
    assert (
        platform.browser().launch(user="3", resource_link=platform.first_link()).status_code == 200
    )


def test_jwts_signed_by_the_tool_carry_the_active_kid(platform):
    from lti_tool.lti.tool_conf import registration_for

    with platform.app.test_request_context():
        db = database.session()
        from models import Platform

        reg = registration_for(db, db.scalars(select(Platform)).one())
        token = jwt.encode(
            {"a": 1}, reg.get_tool_private_key(), algorithm="RS256", headers={"kid": reg.get_kid()}
        )
        assert jwt.get_unverified_header(token)["kid"] == keys.active_key(db).kid


def test_first_requests_racing_on_an_empty_database_create_one_active_key(platform):
    import threading

    results = []

    def fetch():
        results.append(requests.get(platform.tool_url + "/lti/jwks", timeout=30).status_code)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [200] * 6
    with platform.app.app_context():
        active = database.session().scalars(select(ToolKey).where(ToolKey.status == "active")).all()
        assert len(active) == 1
