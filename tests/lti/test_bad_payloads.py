"""The 1EdTech certification's known bad payloads for tools, and more: each gets its 4xx page."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from lti1p3platform.registration import Registration

from lti_tool.demo.platform_conf import launch_claims

LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def good_claims(platform, nonce: str, locale: str = "en") -> dict[str, Any]:
    state = platform.state
    tool = state.tools[platform.client_id]
    link = state.resource_links[platform.first_link()]
    claims = launch_claims(
        platform.lms.settings, state, tool, state.users["3"], nonce, link, locale=locale
    )
    now = int(time.time())
    claims.update(iat=now, exp=now + 60)
    return claims


def sign(platform, claims: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
    kid = Registration.get_jwk(platform.public_key)["kid"]
    header = {"kid": kid} if headers is None else headers
    return jwt.encode(claims, platform.private_key, algorithm="RS256", headers=header)


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def remove(claim: str) -> Callable[[dict[str, Any]], None]:
    return lambda c: c.pop(claim, None)


def with_value(claim: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda c: c.__setitem__(claim, value)


def drop_lti_claims(c: dict[str, Any]) -> None:
    for key in [k for k in c if k.startswith("https://purl.imsglobal.org/")]:
        del c[key]


def drop_link_id(c: dict[str, Any]) -> None:
    c[LTI + "resource_link"].pop("id")


CLAIM_CASES = [
    ("wrong_version", with_value(LTI + "version", "1.2.0"), "wrong_version", 400),
    ("missing_version", remove(LTI + "version"), "missing_version", 400),
    ("missing_lti_claims", drop_lti_claims, "missing_deployment_id", 400),
    ("missing_message_type", remove(LTI + "message_type"), "missing_message_type", 400),
    (
        "unknown_message_type",
        with_value(LTI + "message_type", "LtiFooRequest"),
        "unsupported_message_type",
        400,
    ),
    ("missing_roles", remove(LTI + "roles"), "missing_roles", 400),
    ("missing_deployment_id", remove(LTI + "deployment_id"), "missing_deployment_id", 400),
    ("unknown_deployment_id", with_value(LTI + "deployment_id", "999"), "unknown_deployment", 403),
    ("missing_resource_link_id", drop_link_id, "missing_resource_link_id", 400),
    ("missing_sub", remove("sub"), "missing_sub", 400),
    ("empty_sub", with_value("sub", ""), "missing_sub", 400),
    (
        "expired",
        lambda c: c.update(iat=int(time.time()) - 400, exp=int(time.time()) - 300),
        "token_expired",
        401,
    ),
    (
        "issued_in_future",
        lambda c: c.update(iat=int(time.time()) + 300, exp=int(time.time()) + 360),
        "token_not_yet_valid",
        401,
    ),
    (
        "not_before_future",
        lambda c: c.update(nbf=int(time.time()) + 300),
        "token_not_yet_valid",
        401,
    ),
    ("missing_exp", remove("exp"), "missing_exp", 401),
    ("missing_iat", remove("iat"), "missing_iat", 401),
    ("wrong_aud", with_value("aud", "some-other-client"), "unknown_platform", 401),
    ("aud_list_without_azp", lambda c: c.update(aud=[c["aud"], "other"]), "bad_azp", 401),
    ("azp_not_in_aud", lambda c: c.update(azp="other"), "bad_azp", 401),
    ("unknown_iss", with_value("iss", "https://evil.example.org"), "unknown_platform", 401),
    ("missing_nonce", remove("nonce"), "missing_nonce", 400),
    ("wrong_nonce", with_value("nonce", "not-the-login-nonce"), "state_mismatch", 400),
    ("missing_target_link_uri", remove(LTI + "target_link_uri"), "missing_target_link_uri", 400),
]


def attempt(platform, mutate=None, token_for=None, state_for=None):
    browser = platform.browser()
    login = browser.login_for_state(platform.issuer, platform.client_id)
    claims = good_claims(platform, login["nonce"])
    if mutate:
        mutate(claims)
    token = token_for(claims) if token_for else sign(platform, claims)
    state = state_for(login["state"]) if state_for else login["state"]
    return browser.post_launch(token, state)


def assert_refused(resp, code: str, status: int) -> None:
    assert resp.status_code == status, (resp.status_code, resp.text[-1500:])
    assert f"<code>{code}</code>" in resp.text
    assert "Traceback" not in resp.text


def test_the_good_payload_is_accepted(platform):
    resp = attempt(platform)
    assert resp.status_code == 200 and "/quiz/" in resp.url


@pytest.mark.parametrize(
    ("case", "mutate", "code", "status"), CLAIM_CASES, ids=[c[0] for c in CLAIM_CASES]
)
def test_bad_claims_are_refused(platform, case, mutate, code, status):
    assert_refused(attempt(platform, mutate), code, status)


def test_missing_kid(platform):
    resp = attempt(platform, token_for=lambda c: sign(platform, c, headers={}))
    assert_refused(resp, "missing_kid", 401)


def test_unknown_kid_refetches_the_key_set_once(platform):
    attempt(platform)  # caches the key set
    before = platform.state.jwks_fetches
    resp = attempt(platform, token_for=lambda c: sign(platform, c, headers={"kid": "unknown-kid"}))
    assert_refused(resp, "unknown_kid", 401)
    assert platform.state.jwks_fetches == before + 1


def test_alg_none(platform):
    def unsigned(claims):
        return b64({"alg": "none", "typ": "JWT", "kid": "x"}) + "." + b64(claims) + "."

    assert_refused(attempt(platform, token_for=unsigned), "bad_alg", 401)


def test_hs256_signed_with_the_platforms_public_key(platform):
    kid = Registration.get_jwk(platform.public_key)["kid"]

    def hs256(claims):
        header = b64({"alg": "HS256", "typ": "JWT", "kid": kid})
        payload = b64(claims)
        import hashlib
        import hmac

        sig = hmac.new(
            platform.public_key.encode(), f"{header}.{payload}".encode(), hashlib.sha256
        ).digest()
        return f"{header}.{payload}." + base64.urlsafe_b64encode(sig).decode().rstrip("=")

    assert_refused(attempt(platform, token_for=hs256), "bad_alg", 401)


def test_tampered_signature(platform):
    def tampered(claims):
        header, payload, sig = sign(platform, claims).split(".")
        claims["sub"] = "2"  # become the admin
        return f"{header}.{b64(claims)}.{sig}"

    assert_refused(attempt(platform, token_for=tampered), "bad_signature", 401)


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", ""], ids=["no-dots", "garbage", "empty"])
def test_invalid_message(platform, token):
    browser = platform.browser()
    login = browser.login_for_state(platform.issuer, platform.client_id)
    resp = browser.post_launch(token, login["state"])
    assert resp.status_code == 400
    assert "Traceback" not in resp.text


def test_mismatched_state(platform):
    resp = attempt(platform, state_for=lambda s: s + "-other")
    assert_refused(resp, "state_mismatch", 400)


def test_missing_state(platform):
    resp = attempt(platform, state_for=lambda s: "")
    assert_refused(resp, "missing_state", 400)


def test_replayed_nonce(platform):
    browser = platform.browser()
    login = browser.login_for_state(platform.issuer, platform.client_id)
    token = sign(platform, good_claims(platform, login["nonce"]))
    assert browser.post_launch(token, login["state"]).status_code == 200
    assert_refused(browser.post_launch(token, login["state"]), "nonce_reused", 401)


def test_error_pages_speak_the_launch_language(platform):
    fr = attempt(
        platform, lambda c: (c[LTI + "launch_presentation"].update(locale="fr"), c.pop("sub"))
    )
    assert 'lang="fr"' in fr.text and "Cette activité n'a pas pu s'ouvrir" in fr.text
    en = attempt(platform, remove("sub"))
    assert 'lang="en"' in en.text and "This activity could not be opened" in en.text


def test_unknown_deployment_tells_the_admin_the_command(platform):
    resp = attempt(platform, with_value(LTI + "deployment_id", "77"))
    assert (
        f"boussole platform add-deployment {platform.issuer} {platform.client_id} 77" in resp.text
    )


def test_no_token_or_personal_data_in_the_logs(platform, caplog):
    caplog.set_level(logging.DEBUG)
    browser = platform.browser()
    login = browser.login_for_state(platform.issuer, platform.client_id)
    token = sign(platform, good_claims(platform, login["nonce"]))
    browser.post_launch(token, login["state"])
    attempt(platform, remove("sub"))
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug"))
    assert token not in logged
    assert "student1@example.com" not in logged and "Sam Student" not in logged


def test_an_unreachable_platform_key_set_is_a_4xx_page(platform):
    with platform.app.app_context():
        from lti_tool import db as database
        from models import Platform

        db = database.session()
        row = db.scalars(__import__("sqlalchemy").select(Platform)).one()
        row.key_set_url = "http://127.0.0.1:9/nothing-listens-here"
        db.commit()
    resp = attempt(platform)
    assert_refused(resp, "key_set_unreachable", 400)
    assert "127.0.0.1:9/nothing-listens-here" in resp.text  # the admin's hint names the URL
