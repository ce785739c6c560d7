"""Every instructor page is behind the right role, and only shows its own activity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lti_tool import db as database
from lti_tool.lti import launch_token
from models import Deployment, LaunchRecord, Platform
from models.base import utcnow
from tests.instructor.helpers import dashboard, deep_link_form, token_of

#: Every instructor route: (method, path, the kind of launch it serves).
ROUTES = [
    ("get", "/instructor/deep-link", "deep_link"),
    ("post", "/instructor/deep-link", "deep_link"),
    ("post", "/instructor/estimate", "deep_link"),
    ("get", "/instructor/dashboard", "resource_link"),
    ("get", "/instructor/settings", "resource_link"),
    ("post", "/instructor/settings", "resource_link"),
    ("get", "/instructor/export.csv", "resource_link"),
    ("post", "/instructor/grades/resend", "resource_link"),
]
IDS = [f"{m}-{p.rsplit('/', 1)[-1]}" for m, p, _kind in ROUTES]


def test_every_instructor_route_is_listed(app):
    rules = {
        (r.rule, m.lower())
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("instructor.")
        for m in r.methods - {"HEAD", "OPTIONS"}
    }
    assert rules == {(p, m) for m, p, _kind in ROUTES}


@pytest.mark.parametrize(("method", "path", "kind"), ROUTES, ids=IDS)
def test_without_a_token_every_route_answers_403(client, method, path, kind):
    resp = getattr(client, method)(path)
    assert resp.status_code == 403
    assert "<code>launch_token_missing</code>" in resp.text
    resp = getattr(client, method)(path + "?lt=forged.token")
    assert resp.status_code == 401


@pytest.mark.parametrize(("method", "path", "kind"), ROUTES, ids=IDS)
def test_a_learner_token_gets_403_on_every_route(platform, bank, method, path, kind):
    link = None if kind == "deep_link" else platform.first_link()
    page = platform.browser().launch(user="3", resource_link=link)
    resp = getattr(platform.app.test_client(), method)(path + "?lt=" + token_of(page))
    assert resp.status_code == 403
    assert "Accès refusé" in resp.text or "Access denied" in resp.text


@pytest.mark.parametrize("user", ["4", "2"], ids=["instructor", "admin"])
def test_instructors_and_admins_reach_their_pages(platform, bank, user):
    _, page = dashboard(platform, user=user)
    assert (
        page.status_code == 200
        and f'data-role="{"instructor" if user == "4" else "admin"}"' in page.text
    )
    _, page, _form = deep_link_form(platform, user=user)
    assert page.status_code == 200


def test_a_deep_linking_token_does_not_open_an_activity_page(platform, bank):
    _, page, _form = deep_link_form(platform)
    client = platform.app.test_client()
    for path in ("/instructor/dashboard", "/instructor/settings", "/instructor/export.csv"):
        assert client.get(path + "?lt=" + token_of(page)).status_code == 404


def test_an_instructor_of_another_link_sees_only_their_activity(platform, group):
    other = platform.state.add_resource_link("Autre activité", platform.client_id).id
    browser, page = dashboard(platform, link=other)
    assert "Sam Student" not in page.text and "Aucun apprenant" in page.text
    export = browser.http.get(
        platform.tool_url + "/instructor/export.csv?lt=" + token_of(page), timeout=30
    )
    assert export.text.count("\r\n") == 1  # the header only
    resend = browser.http.post(
        platform.tool_url + "/instructor/grades/resend",
        data={"lt": token_of(page), "subject": "3"},
        timeout=30,
    )
    assert "Aucune note à envoyer" in resend.text


def test_an_instructor_of_another_platform_with_the_same_link_id_sees_nothing(platform, group):
    with platform.app.app_context():
        db = database.session()
        other = Platform(
            name="Another Moodle",
            issuer="https://other.example",
            client_id="other",
            auth_login_url="https://other.example/auth",
            auth_token_url="https://other.example/token",
            key_set_url="https://other.example/certs",
            deployments=[Deployment(deployment_id="1")],
        )
        db.add(other)
        db.flush()
        record = LaunchRecord(
            id="other-platform-launch",
            platform_id=other.id,
            deployment_id="1",
            message_type="LtiResourceLinkRequest",
            subject="99",
            roles=[],
            role="instructor",
            resource_link_id=group,
            locale="fr",
            services={},
            expires_at=utcnow().replace(year=2100),
        )
        db.add(record)
        db.commit()
        token = launch_token.issue(record.id)
    client = platform.app.test_client()
    page = client.get("/instructor/dashboard?lt=" + token)
    assert page.status_code == 200
    assert "Aucun apprenant" in page.text and "Apprenant 3" not in page.text
    csv = client.get("/instructor/export.csv?lt=" + token)
    assert csv.text.count("\r\n") == 1
    with platform.app.app_context():
        platforms = database.session().scalars(select(Platform)).all()
        assert len(platforms) == 2
