"""Admin pages: sign-in, CSRF on every form, platforms and deployments by hand."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lti_tool import db as database
from models import Deployment, Platform

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_client(tool, runner):
    result = runner.invoke(args=["admin", "create-user", "ada", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    client = tool.test_client()
    page = client.get("/admin/login")
    token = csrf(page.text)
    resp = client.post(
        "/admin/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token}
    )
    assert resp.status_code == 302
    return client


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.mark.parametrize(
    "path",
    ["/admin/", "/admin/platforms/new", "/admin/platforms/1", "/admin/keys"],
)
def test_admin_pages_need_a_signed_in_admin(client, path):
    resp = client.get(path)
    assert resp.status_code == 403
    assert 'name="password"' in resp.text and f"next={path}" in resp.text


@pytest.mark.parametrize(
    "path",
    ["/admin/platforms/1/delete", "/admin/platforms/1/deployments", "/admin/deployments/1/delete"],
)
def test_admin_posts_without_a_session_are_forbidden(client, path):
    assert client.post(path).status_code in (400, 403)


def test_a_learner_launch_token_does_not_open_admin_pages(platform):
    page = platform.browser().launch(user="3", resource_link=platform.first_link())
    token = page.url.split("lt=")[1]
    resp = platform.app.test_client().get("/admin/keys?lt=" + token)
    assert resp.status_code == 403


def test_wrong_password_is_refused(client, runner):
    runner.invoke(args=["admin", "create-user", "ada", "--password", PASSWORD])
    token = csrf(client.get("/admin/login").text)
    resp = client.post(
        "/admin/login", data={"username": "ada", "password": "nope", "csrf_token": token}
    )
    assert resp.status_code == 401
    assert "wrong password" in resp.text or "mot de passe" in resp.text


def test_forms_without_csrf_token_are_refused(admin_client):
    resp = admin_client.post("/admin/platforms/new", data={"issuer": "https://m.example.fr"})
    assert resp.status_code == 400


def test_add_edit_and_remove_a_platform(admin_client, tool):
    form = admin_client.get("/admin/platforms/new")
    data = {
        "csrf_token": csrf(form.text),
        "name": "Moodle académique",
        "issuer": "https://moodle.example.fr",
        "client_id": "abc123",
        "auth_login_url": "https://moodle.example.fr/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.fr/mod/lti/token.php",
        "key_set_url": "https://moodle.example.fr/mod/lti/certs.php",
        "active": "y",
    }
    resp = admin_client.post("/admin/platforms/new", data=data)
    assert resp.status_code == 302
    edit_url = resp.headers["Location"]
    page = admin_client.get(edit_url)
    assert "Moodle académique" in page.text

    token = csrf(page.text)
    resp = admin_client.post(
        edit_url + "/deployments", data={"csrf_token": token, "deployment_id": "7"}
    )
    assert resp.status_code == 302
    with tool.app_context():
        platform = database.session().scalars(select(Platform)).one()
        assert [d.deployment_id for d in platform.deployments] == ["7"]
        deployment_id = platform.deployments[0].id
        platform_id = platform.id

    resp = admin_client.post(
        f"/admin/deployments/{deployment_id}/delete", data={"csrf_token": token}
    )
    assert resp.status_code == 302
    resp = admin_client.post(f"/admin/platforms/{platform_id}/delete", data={"csrf_token": token})
    assert resp.status_code == 302
    with tool.app_context():
        assert database.session().scalars(select(Platform)).first() is None
        assert database.session().scalars(select(Deployment)).first() is None


def test_invalid_platform_form_shows_errors_tied_to_fields(admin_client):
    form = admin_client.get("/admin/platforms/new")
    resp = admin_client.post(
        "/admin/platforms/new", data={"csrf_token": csrf(form.text), "issuer": "not a url"}
    )
    assert resp.status_code == 200
    assert 'aria-invalid="true"' in resp.text and 'id="issuer-error"' in resp.text


def test_key_rotation_from_the_admin_page(admin_client):
    page = admin_client.get("/admin/keys")
    assert page.status_code == 200
    resp = admin_client.post("/admin/keys", data={"csrf_token": csrf(page.text)})
    assert resp.status_code == 302
    assert admin_client.get("/admin/keys").text.count("<code>") == 3


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_admin_pages_in_both_languages(admin_client, lang):
    page = admin_client.get(f"/admin/?lang={lang}")
    assert f'lang="{lang}"' in page.text
    assert ("Plateformes" if lang == "fr" else "LMS platforms") in page.text
