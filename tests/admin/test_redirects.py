"""``next=`` after sign-in goes only to a path of this site."""

from __future__ import annotations

import pytest

from lti_tool.safe_redirect import is_same_site_path
from tests.admin.conftest import create_admin, csrf

REFUSED = [
    "/%09/evil",
    "/\t/evil",
    "//evil",
    "///evil",
    "\\\\evil",
    "/\\evil",
    "/%5Cevil",
    "/%2F%2Fevil",
    "https://evil",
    "http:/evil",
    "javascript:alert(1)",
    " //evil",
    "/admin/\u00e9",
    "evil",
    "",
]


@pytest.mark.parametrize("target", REFUSED)
def test_unsafe_targets_are_refused(target):
    assert not is_same_site_path(target)


@pytest.mark.parametrize("target", ["/admin/keys", "/admin/bank/?q=a%20b&page=2", "/"])
def test_local_paths_are_kept(target):
    assert is_same_site_path(target)


@pytest.mark.parametrize("target", ["/%09/evil", "//evil", "\\\\evil", "https://evil"])
def test_sign_in_never_redirects_off_site(client, runner, target):
    create_admin(runner)
    token = csrf(client.get("/admin/login").text)
    resp = client.post(
        "/admin/login",
        query_string={"next": target},
        data={"username": "ada", "password": "correct horse battery staple", "csrf_token": token},
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/admin/"


def test_sign_in_comes_back_to_the_page_asked_for(client, runner):
    create_admin(runner)
    page = client.get("/admin/keys")
    assert page.status_code == 403
    token = csrf(page.text)
    resp = client.post(
        "/admin/login?next=/admin/keys",
        data={"username": "ada", "password": "correct horse battery staple", "csrf_token": token},
    )
    assert resp.headers["Location"] == "/admin/keys"
