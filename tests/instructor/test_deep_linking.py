"""Deep linking: the teacher's form, the signed response, and what learners then get."""

from __future__ import annotations

import re

import jwt
import pytest
from sqlalchemy import select

from item_bank.loader import load_topics
from lti_tool import db as database
from lti_tool.lti import keys
from models import LaunchRecord, ToolKey
from tests.instructor.helpers import (
    choose,
    deep_link_form,
    post,
    served_items,
    start_attempt,
    token_of,
)

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


def place(platform, **values):
    """Fill and send the form, follow the auto-post to the platform; the platform's result."""
    browser, page, form = deep_link_form(platform)
    data = choose(form, page.text, **values)
    reply = post(browser, form, page.url, data)
    assert reply.status_code == 200, reply.text[-1500:]
    landed = browser.follow_autoposts(reply)
    assert landed.status_code == 200 and landed.url.startswith(platform.url), landed.text[:500]
    return reply, platform.state.deep_link_results[-1]


def test_the_form_offers_every_setting_with_defaults(platform, bank):
    _, page, form = deep_link_form(platform)
    text = page.text
    assert 'lang="fr"' in text and "Ajouter un quiz adaptatif" in text
    ticked = re.findall(r'name="topics" value="(T\d\d)" checked', text)
    assert ticked == list(load_topics())  # all by default, T13 and T14 included
    assert len(re.findall(r'name="levels" value="\d" checked', text)) == 3
    assert "Hallucinations et vérification" in text  # topic names in the page language
    for name in ("title", "min_items", "max_items", "attempts", "lt"):
        assert name in form.fields
    assert form.fields["precision"] == "standard" and form.fields["language"] == "launch"
    assert form.fields["feedback"] == "each" and form.fields["counts"] == "best"
    assert "pilot" not in form.fields  # unticked by default
    assert "Recalculer l" in text and "Environ" in text  # the estimate, server-side
    assert "data-autosubmit" not in text and 'id="autopost"' not in text
    assert "<script>" not in text.replace('<script src="', "")


def test_the_form_in_english(platform, bank):
    _, page, _form = deep_link_form(platform, locale="en")
    assert 'lang="en"' in page.text and "Add an adaptive quiz to your course" in page.text
    assert "Hallucinations and verification" in page.text
    assert "Recompute the estimate" in page.text and "About " in page.text


def test_placing_the_quiz_creates_a_link_whose_settings_learners_get(platform, bank):
    reply, result = place(
        platform, title="Quiz T02", topics=["T02"], min_items="2", max_items="3", feedback="end"
    )
    assert 'id="autopost"' in reply.text and "data-autosubmit" in reply.text
    assert 'src="/static/js/instructor-autosubmit.js"' in reply.text
    assert re.search(r'<button type="submit">(Continuer|Continue)</button>', reply.text)

    (item,) = result["items"]
    assert item["type"] == "ltiResourceLink" and item["title"] == "Quiz T02"
    assert item["url"] == platform.tool_url + "/lti/launch"
    assert item["lineItem"] == {
        "scoreMaximum": 100,
        "label": "Quiz T02",
        "resourceId": "boussole",
        "tag": "boussole",
    }
    custom = item["custom"]
    assert custom["boussole_topics"] == "T02" and custom["boussole_max_items"] == "3"
    assert custom["boussole_title"] == "Quiz T02" and custom["boussole_feedback"] == "end"
    (link_id,) = result["links"]
    link = platform.state.resource_links[link_id]
    assert link.custom == custom and link.lineitem_id is not None
    assert platform.state.lineitems[link.lineitem_id].tag == "boussole"

    learner, page = start_attempt(platform, link_id)
    served, result_page = served_items(learner, page)
    assert 2 <= len(served) <= 3
    assert all(i.startswith("T02-") for i in served), served
    assert "/100" in result_page.text


def test_the_response_is_signed_and_addressed_as_the_spec_says(platform, bank):
    reply, result = place(platform, title="Signé")
    claims = result["claims"]  # the platform checked the signature through the tool's JWKS
    token = re.search(r'name="JWT" value="([^"]+)"', reply.text).group(1)
    header = jwt.get_unverified_header(token)
    with platform.app.app_context():
        db = database.session()
        active = db.scalars(select(ToolKey).where(ToolKey.status == keys.ACTIVE)).one()
        assert header["kid"] == active.kid and header["alg"] == "RS256"
        record = db.scalars(select(LaunchRecord)).first()
        request_data = record.services["deep_linking"]["data"]
    assert claims["iss"] == platform.client_id and claims["aud"] == platform.issuer
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "version"] == "1.3.0" and claims[LTI + "deployment_id"] == "1"
    assert claims["nonce"] and claims["exp"] > claims["iat"]
    assert result["data"] == request_data and request_data.startswith("moodle-dl-")


def test_a_request_without_data_gets_a_response_without_data(platform, bank):
    browser, page, form = deep_link_form(platform)
    with platform.app.app_context():
        db = database.session()
        record = db.scalars(select(LaunchRecord)).one()
        services = dict(record.services)
        services["deep_linking"] = {
            k: v for k, v in services["deep_linking"].items() if k != "data"
        }
        record.services = services
        db.commit()
    reply = post(browser, form, page.url, choose(form, page.text))
    token = re.search(r'name="JWT" value="([^"]+)"', reply.text).group(1)
    assert DL + "data" not in jwt.decode(token, options={"verify_signature": False})
    browser.follow_autoposts(reply)
    assert platform.state.deep_link_results[-1]["data"] is None  # accepted by the platform


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"min_items": "8", "max_items": "5"}, "max_items", "au moins égal au minimum"),
        ({"min_items": "0"}, "min_items", "entre 1 et 60"),
        ({"max_items": "beaucoup"}, "max_items", "nombre entier"),
        ({"attempts": "-1"}, "attempts", "entre 0 et 100"),
        ({"topics": []}, "topics", "au moins un thème"),
        ({"levels": []}, "levels", "au moins un niveau"),
        ({"title": "  "}, "title", "titre"),
        ({"topics": ["T09"]}, "topics", "Aucune question"),
    ],
    ids=[
        "min-above-max",
        "min-zero",
        "not-a-number",
        "negative-attempts",
        "no-topic",
        "no-level",
        "no-title",
        "empty-pool",
    ],
)
def test_invalid_values_come_back_with_errors_tied_to_their_field(
    platform, bank, values, field, message
):
    browser, page, form = deep_link_form(platform)
    resp = post(browser, form, page.url, choose(form, page.text, **values))
    assert resp.status_code == 422
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]+)</p>', resp.text)
    assert error and message in error.group(1), resp.text[-3000:]
    assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error', resp.text)
    assert f'href="#{field}"' in resp.text  # the error summary links to the field
    assert not platform.state.deep_link_results


def test_recomputing_the_estimate_keeps_what_was_typed(platform, bank):
    browser, page, form = deep_link_form(platform)
    data = choose(
        form,
        page.text,
        title="Brouillon",
        topics=["T01", "T03"],
        min_items="3",
        max_items="6",
        action="estimate",
    )
    resp = post(browser, form, page.url, data)
    assert resp.status_code == 200
    assert 'value="Brouillon"' in resp.text and 'name="max_items" value="6"' in resp.text
    assert 'name="topics" value="T01" checked' in resp.text
    assert 'name="topics" value="T02" checked' not in resp.text
    assert "Environ" in resp.text and "sur les 24 questions disponibles en français" in resp.text
    assert not platform.state.deep_link_results


def test_the_estimate_fragment_for_the_page_script(platform, bank):
    browser, page, form = deep_link_form(platform)
    data = choose(form, page.text, topics=["T02"], min_items="2", max_items="4")
    resp = browser.http.post(platform.tool_url + "/instructor/estimate", data=data, timeout=30)
    assert resp.status_code == 200 and "<html" not in resp.text
    assert "12 questions disponibles" in resp.text


def test_the_title_is_escaped_everywhere(platform, bank):
    browser, page, form = deep_link_form(platform)
    evil = '"><script>alert(1)</script>'
    resp = post(browser, form, page.url, choose(form, page.text, title=evil, max_items="x"))
    assert resp.status_code == 422 and "<script>alert(1)" not in resp.text
    assert "&#34;&gt;&lt;script&gt;" in resp.text or "&quot;&gt;&lt;script&gt;" in resp.text
    reply, result = place(platform, title=evil)
    assert "<script>alert(1)" not in reply.text
    assert result["items"][0]["title"] == evil  # the platform gets it as typed


def test_other_launches_cannot_use_the_deep_linking_page(platform, bank, client):
    learner = platform.browser().launch(user="3", resource_link=None)  # a learner's deep link
    resp = client.get("/instructor/deep-link?lt=" + token_of(learner))
    assert resp.status_code == 403
    teacher = platform.browser().launch(user="4", resource_link=platform.first_link())
    for method in (client.get, client.post):
        resp = method("/instructor/deep-link?lt=" + token_of(teacher))
        assert resp.status_code == 404  # a resource-link launch has nothing to link
