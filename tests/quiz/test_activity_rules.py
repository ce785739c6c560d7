"""The activity's settings, from the deep-linking custom parameters, drive what the learner gets."""

from __future__ import annotations

import re

from sqlalchemy import select

from lti_tool import db as database
from lti_tool.quiz.settings import ActivitySettings
from models import Attempt, Response
from tests.lti_client import forms
from tests.quiz.helpers import answer_until_done, short_link, start, wait_graded


def served_items(platform):
    with platform.app.app_context():
        return [
            r.item_id for r in database.session().scalars(select(Response).order_by(Response.id))
        ]


def test_topics_levels_and_length_come_from_the_custom_parameters(platform, bank):
    link = short_link(platform, topics="T02", levels="1,2", max_items=4, min_items=4)
    browser, page = start(platform, link=link)
    assert "au plus 4" in page.text
    answer_until_done(browser, page)
    items = served_items(platform)
    assert len(items) == 4
    assert all(i.startswith("T02-") for i in items)
    with platform.app.app_context():
        from models import ItemRecord

        levels = {database.session().get(ItemRecord, i).level for i in items}
    assert levels <= {1, 2}


def test_the_attempt_limit_is_enforced(platform, bank):
    link = short_link(platform, attempts=1)
    browser, page = start(platform, link=link)
    result, _ = answer_until_done(browser, page)
    assert "Commencer une nouvelle tentative" not in result.text
    again = browser.launch(user="3", resource_link=link)
    assert "toutes les tentatives autorisées" in again.text
    token = re.search(r"lt=([^&\"]+)", again.url).group(1)
    refused = browser.http.post(platform.tool_url + "/quiz/start", data={"lt": token}, timeout=30)
    assert refused.status_code == 403


def test_the_best_attempt_counts_in_the_gradebook(platform, bank):
    link = short_link(platform, counts="best", feedback="end")
    browser, page = start(platform, link=link)
    answer_until_done(browser, page, pick=0)
    page = browser.launch(user="3", resource_link=link)
    start_form = next(f for f in forms(page.text) if "/quiz/start" in f.action)
    page = browser.submit(start_form, page.url)
    answer_until_done(browser, page, pick=3)
    with platform.app.app_context():
        scores = [
            a.score for a in database.session().scalars(select(Attempt).order_by(Attempt.number))
        ]
    finals = wait_graded(platform, 2)
    assert len(finals) == 2
    assert finals[-1]["scoreGiven"] == round(max(scores), 2)


def test_feedback_at_the_end_skips_the_feedback_pages(platform, bank):
    link = short_link(platform, feedback="end")
    browser, page = start(platform, link=link)
    form = next(f for f in forms(page.text) if "/answer" in f.action)
    form.fields["choice"] = "0"
    nxt = browser.submit(form, page.url)
    assert "/feedback/" not in nxt.url
    assert "Question 2" in nxt.text


def test_the_learner_can_switch_language_mid_attempt(platform, bank):
    browser, page = start(platform, locale="fr")
    assert "[fr]" in page.text and 'lang="fr"' in page.text
    english = browser.http.get(page.url + "&lang=en", timeout=30)
    assert "[en]" in english.text and 'lang="en"' in english.text and "at most 25" in english.text
    form = next(f for f in forms(english.text) if "/answer" in f.action)
    form.fields["choice"] = "0"
    feedback = browser.submit(form, english.url)
    assert "FEEDBACK-" in feedback.text and "-en" in feedback.text


def test_custom_parameters_are_validated_and_bounded():
    settings = ActivitySettings.from_custom(
        {
            "boussole_topics": "T02, t05, T99",
            "boussole_levels": "3,7",
            "boussole_min_items": "40",
            "boussole_max_items": "5",
            "boussole_se_target": "precise",
            "boussole_counts": "worst",
            "boussole_language": "de",
            "boussole_attempts": "-3",
        }
    )
    assert settings.topics == ("T02", "T05") and settings.levels == (3,)
    assert settings.min_items == 40 and settings.max_items == 40
    assert (
        settings.se_target == 0.25 and settings.counts == "best" and settings.language == "launch"
    )
    assert settings.attempts == 0
    assert ActivitySettings.from_custom(settings.to_custom()) == settings
