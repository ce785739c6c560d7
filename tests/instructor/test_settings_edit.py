"""Editing an activity already placed: new attempts follow the edit, running ones keep theirs."""

from __future__ import annotations

import re

from sqlalchemy import select

from lti_tool import db as database
from models import Activity, Attempt
from tests.instructor.helpers import (
    choose,
    dashboard,
    post,
    served_items,
    settings_form,
    start_attempt,
)
from tests.lti_client import forms


def open_settings(platform, link=None, locale="fr"):
    browser, page = dashboard(platform, link=link, locale=locale)
    href = (
        re.search(r'href="(/instructor/settings\?[^"]+)"', page.text).group(1).replace("&amp;", "&")
    )
    page = browser.http.get(platform.tool_url + href, timeout=30)
    assert page.status_code == 200
    return browser, page, settings_form(page.text)


def test_the_settings_form_shows_the_current_settings(platform, bank):
    from tests.quiz.helpers import short_link

    link = short_link(platform, topics="T01,T03", feedback="end", attempts="2")
    _, page, form = open_settings(platform, link=link)
    assert "Réglages de l" in page.text and 'name="title"' not in page.text
    assert re.findall(r'name="topics" value="(T\d\d)" checked', page.text) == ["T01", "T03"]
    assert form.fields["min_items"] == "2" and form.fields["max_items"] == "3"
    assert form.fields["feedback"] == "end" and form.fields["attempts"] == "2"
    assert "Environ" in page.text


def test_new_attempts_use_the_edited_settings_and_running_ones_keep_theirs(platform, bank):
    link = platform.first_link()  # no custom parameters: the defaults (10 to 25 questions)
    running_browser, running_page = start_attempt(platform, link, user="5")

    browser, page, form = open_settings(platform, link=link)
    data = choose(form, page.text, topics=["T03"], min_items="2", max_items="3", action="save")
    resp = post(browser, form, page.url, data)
    assert resp.status_code == 200 and "/instructor/dashboard" in resp.url
    assert "Les réglages sont enregistrés" in resp.text
    with platform.app.app_context():
        activity = database.session().scalars(select(Activity)).one()
        assert activity.settings_edited is True
        assert activity.settings["topics"] == ["T03"] and activity.settings["max_items"] == 3

    learner, page = start_attempt(platform, link, user="3")
    served, _result = served_items(learner, page)
    assert 2 <= len(served) <= 3 and all(i.startswith("T03-") for i in served)

    with platform.app.app_context():
        running = database.session().scalars(select(Attempt).where(Attempt.subject == "5")).one()
        assert running.settings["max_items"] == 25 and running.settings["topics"] == []
    served, page = served_items(running_browser, running_page, stop_after=4)
    assert len(served) == 4 and "/result" not in page.url  # still 10 to 25 questions
    assert "au plus 25" in page.text


def test_a_later_launch_does_not_undo_the_edit(platform, bank):
    from tests.quiz.helpers import short_link

    link = short_link(platform, topics="T01")
    browser, page, form = open_settings(platform, link=link)
    post(browser, form, page.url, choose(form, page.text, topics=["T02"], action="save"))
    dashboard(platform, link=link)  # a new launch carries the link's custom parameters again
    with platform.app.app_context():
        activity = database.session().scalars(select(Activity)).one()
        assert activity.settings["topics"] == ["T02"]


def test_invalid_settings_are_refused_with_errors_tied_to_fields(platform, bank):
    browser, page, form = open_settings(platform)
    resp = post(
        browser, form, page.url, choose(form, page.text, min_items="9", max_items="4", levels=[])
    )
    assert resp.status_code == 422
    assert 'id="max_items-error"' in resp.text and 'id="levels-error"' in resp.text
    assert 'aria-invalid="true"' in resp.text and 'id="error-summary"' in resp.text
    with platform.app.app_context():
        assert database.session().scalars(select(Activity)).one().settings_edited is False


def test_recomputing_does_not_save(platform, bank):
    browser, page, form = open_settings(platform, locale="en")
    resp = post(browser, form, page.url, choose(form, page.text, max_items="12", action="estimate"))
    assert resp.status_code == 200 and "Recompute the estimate" in resp.text
    assert 'name="max_items" value="12"' in resp.text
    with platform.app.app_context():
        assert database.session().scalars(select(Activity)).one().settings_edited is False
    assert any("/instructor/settings" in f.action for f in forms(resp.text))
