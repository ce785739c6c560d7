"""LTI Dynamic Registration against a platform that behaves like Moodle 4.5."""

from __future__ import annotations

import json
from importlib import resources

import requests
from sqlalchemy import select

from lti_tool import db as database
from models import Platform


def moodle_exchange():
    text = resources.files("lti_tool.demo").joinpath(
        "moodle_claims", "dynamic_registration_exchange.json"
    )
    return json.loads(text.read_text("utf-8"))


REGISTRATION_TOKEN = "moodle-registration-token"  # noqa: S105 - the stand-in LMS's token


def register(platform, token=REGISTRATION_TOKEN, config_path="/mod/lti/openid-configuration.php"):
    return requests.get(
        platform.tool_url + "/lti/register",
        params={"openid_configuration": platform.url + config_path, "registration_token": token},
        timeout=30,
    )


def test_registration_stores_a_working_registration(bare_platform):
    resp = register(bare_platform)
    assert resp.status_code == 200, resp.text[-800:]
    assert "lti-close.js" in resp.text
    close_js = requests.get(bare_platform.tool_url + "/static/js/lti-close.js", timeout=10).text
    assert "org.imsglobal.lti.close" in close_js

    [exchange] = bare_platform.state.registrations
    sent, expected = exchange["request"], moodle_exchange()["request"]
    assert set(expected) <= set(sent)
    tool_conf = sent["https://purl.imsglobal.org/spec/lti-tool-configuration"]
    assert {m["type"] for m in tool_conf["messages"]} >= {
        "LtiDeepLinkingRequest",
        "LtiResourceLinkRequest",
    }
    for scope in (
        "lti-ags/scope/score",
        "lti-ags/scope/lineitem",
        "lti-nrps/scope/contextmembership.readonly",
    ):
        assert f"https://purl.imsglobal.org/spec/{scope}" in sent["scope"].split()
    assert sent["redirect_uris"] == [bare_platform.tool_url + "/lti/launch"]

    client_id = exchange["response"]["client_id"]
    deployment_id = exchange["response"]["https://purl.imsglobal.org/spec/lti-tool-configuration"][
        "deployment_id"
    ]
    with bare_platform.app.app_context():
        stored = database.session().scalars(select(Platform)).one()
        assert stored.issuer == bare_platform.url and stored.client_id == client_id
        assert [d.deployment_id for d in stored.deployments] == [deployment_id]
        assert stored.auth_login_url == bare_platform.url + "/mod/lti/auth.php"
        assert stored.trusted_for_calibration is False  # until an admin trusts it

    # Moodle leaves the tool pending until an admin activates it; then launches work.
    tool = bare_platform.state.tools[client_id]
    assert tool.active is False
    tool.active = True
    link = bare_platform.state.add_resource_link("Boussole", client_id)
    page = bare_platform.browser().launch(user="3", resource_link=link.id)
    assert page.status_code == 200 and "/quiz/" in page.url


def test_registration_with_a_wrong_token_fails_cleanly(bare_platform):
    resp = register(bare_platform, token="wrong")
    assert resp.status_code == 400
    assert "<code>registration_failed</code>" in resp.text
    with bare_platform.app.app_context():
        assert database.session().scalars(select(Platform)).first() is None


def test_registration_needs_the_configuration_url(bare_platform):
    resp = requests.get(bare_platform.tool_url + "/lti/register", timeout=10)
    assert resp.status_code == 400
    assert "registration_missing_configuration" in resp.text


def test_issuer_must_match_the_configuration_host(bare_platform):
    # The configuration is fetched from the tool's own host, not from the platform's issuer host.
    url = bare_platform.url.replace("127.0.0.1", "localhost")
    resp = requests.get(
        bare_platform.tool_url + "/lti/register",
        params={
            "openid_configuration": url + "/mod/lti/openid-configuration.php",
            "registration_token": "x",
        },
        timeout=30,
    )
    assert resp.status_code == 400
    with bare_platform.app.app_context():
        assert database.session().scalars(select(Platform)).first() is None
