"""Admin forms over HTTPS behind a proxy: same-origin Referer policy, CSRF by Origin, Secure
cookies, HSTS."""

from __future__ import annotations

import pytest

from tests.admin.conftest import PUBLIC, create_admin, csrf


def _login_post(client, **headers):
    token = csrf(client.get("/admin/login").text)
    data = {"username": "ada", "password": "correct horse battery staple", "csrf_token": token}
    return client.post("/admin/login", data=data, headers=headers)


def test_pages_send_a_same_origin_referrer_policy(https_client):
    resp = https_client.get("/admin/login")
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_sign_in_works_over_https_when_the_browser_sends_only_origin(https_client, runner):
    create_admin(runner)
    resp = _login_post(https_client, Origin=PUBLIC)
    assert resp.status_code == 302, resp.text
    assert https_client.get("/admin/").status_code == 200


def test_sign_in_works_over_https_with_a_same_origin_referer(https_client, runner):
    create_admin(runner)
    assert _login_post(https_client, Referer=PUBLIC + "/admin/login").status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://boussole.example.fr"},
        {"Referer": "https://evil.example/admin/login"},
        {"Origin": PUBLIC, "Referer": "https://evil.example/"},
        {},
    ],
    ids=["other-origin", "null-origin", "http-origin", "other-referer", "mixed", "none"],
)
def test_a_post_from_another_origin_is_refused_over_https(https_client, runner, headers):
    create_admin(runner)
    resp = _login_post(https_client, **headers)
    assert resp.status_code == 400
    assert https_client.get("/admin/").status_code == 403


def test_the_session_cookie_is_secure_and_hsts_is_sent_when_the_public_url_is_https(
    https_client, runner
):
    create_admin(runner)
    resp = _login_post(https_client, Origin=PUBLIC)
    cookies = resp.headers.getlist("Set-Cookie")
    assert cookies and all("Secure" in c and "HttpOnly" in c for c in cookies)
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
    assert int(resp.headers["Strict-Transport-Security"].split("=")[1]) >= 15552000


def test_no_hsts_on_a_plain_http_request_or_an_http_deployment(https_tool, client):
    plain = https_tool.test_client()  # no X-Forwarded-Proto: the request came over http
    assert "Strict-Transport-Security" not in plain.get("/admin/login").headers
    assert "Strict-Transport-Security" not in client.get("/admin/login").headers
