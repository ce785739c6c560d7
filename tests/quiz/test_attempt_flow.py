"""A learner's whole attempt, from the LMS launch to the score in the gradebook."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lti_tool import db as database
from models import Attempt, Response
from tests.lti_client import forms
from tests.quiz.helpers import answer_until_done, start, wait_graded


@pytest.mark.parametrize("block_cookies", [True, False], ids=["cookies-blocked", "cookies"])
def test_a_learner_completes_an_attempt_and_the_score_reaches_the_gradebook(
    platform, bank, block_cookies
):
    browser, page = start(platform, block_cookies=block_cookies)
    assert "Question 1, au plus 25" in page.text or "Question 1, at most 25" in page.text
    page, answered = answer_until_done(browser, page)
    assert 10 <= answered <= 25
    assert "/100" in page.text

    with platform.app.app_context():
        attempt = database.session().scalars(select(Attempt)).one()
        assert attempt.status == "completed" and attempt.answered == answered
        score = attempt.score
    graded = wait_graded(platform, 1)
    assert len(graded) == 1
    assert graded[0]["scoreGiven"] == round(score, 2) and graded[0]["scoreMaximum"] == 100
    assert graded[0]["activityProgress"] == "Completed" and graded[0]["userId"] == "3"
    assert "Niveau" in graded[0]["comment"]
    assert platform.state.scores[0].body["activityProgress"] == "Started"
    assert list(platform.state.grades.values()) == [pytest.approx(round(score, 2))]


def test_no_key_or_feedback_reaches_the_browser_before_the_answer(platform, bank):
    browser, page = start(platform)
    assert "FEEDBACK-" not in page.text and "GENERAL-" not in page.text
    assert "correct" not in page.text.lower().replace("correctes", "")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text and "<strong>pas</strong>" in page.text


def test_double_submit_reload_and_back_button_record_one_answer(platform, bank):
    browser, page = start(platform)
    form = next(f for f in forms(page.text) if "/answer" in f.action)
    form.fields["choice"] = "1"
    first = browser.submit(form, page.url)
    again = browser.submit(form, page.url)  # double submit, or back button and resubmit
    assert first.status_code == 200 and again.status_code == 200
    with platform.app.app_context():
        db = database.session()
        assert db.scalar(select(func.count()).select_from(Response)) == 1
        attempt = db.scalars(select(Attempt)).one()
        assert attempt.answered == 1


def test_two_tabs_stay_consistent(platform, bank):
    browser, page = start(platform)
    tab_b = browser.http.get(page.url, timeout=30)
    form_a = next(f for f in forms(page.text) if "/answer" in f.action)
    form_b = next(f for f in forms(tab_b.text) if "/answer" in f.action)
    assert form_a.fields["item"] == form_b.fields["item"]
    form_a.fields["choice"] = "0"
    browser.submit(form_a, page.url)
    form_b.fields["choice"] = "2"
    browser.submit(form_b, tab_b.url)  # stale tab: ignored
    with platform.app.app_context():
        responses = database.session().scalars(select(Response)).all()
        assert len(responses) == 1


def test_an_empty_answer_is_refused_with_a_message_tied_to_the_question(platform, bank):
    browser, page = start(platform)
    form = next(f for f in forms(page.text) if "/answer" in f.action)
    resp = browser.submit(form, page.url)
    assert resp.status_code == 422
    assert (
        'id="answer-error"' in resp.text and 'aria-describedby="progress answer-error"' in resp.text
    )


def test_a_learner_reaches_only_their_own_attempts(platform, bank):
    _, page = start(platform, user="3")
    own = re.search(r"/quiz/(\d+)", page.url).group(1)
    other_browser = platform.browser()
    other = other_browser.launch(user="5", resource_link=platform.first_link())
    token = re.search(r"lt=([^&\"]+)", other.url).group(1)
    for path in (f"/quiz/{own}", f"/quiz/{own}/result", f"/quiz/{own}/feedback/1"):
        resp = other_browser.http.get(platform.tool_url + path + "?lt=" + token, timeout=30)
        assert resp.status_code == 404, path
    resp = other_browser.http.post(
        platform.tool_url + f"/quiz/{own}/answer",
        data={"lt": token, "position": "1", "choice": "0", "item": "x"},
        timeout=30,
    )
    assert resp.status_code == 404


def test_quiz_pages_need_a_launch_token(platform, bank, client):
    assert client.get("/quiz/").status_code == 403
    assert client.post("/quiz/start").status_code == 403
    assert client.get("/quiz/1?lt=forged.token").status_code == 401


def test_the_result_page_explains_score_level_profile_and_review(platform, bank):
    browser, page = start(platform, link=None)
    result, answered = answer_until_done(browser, page)
    text = result.text
    assert re.search(r"Niveau [123] — professionnel", text)
    assert "se situe probablement entre" in text and "Confiance dans ce niveau" in text
    assert "Votre profil par thème" in text and "<th scope=\"row\">" in text  # the table equivalent
    assert "Revue de vos réponses" in text and text.count('class="review-item"') == answered
    assert "FEEDBACK-" in text and "Publisher" in text  # feedback and sources after the attempt
    assert "Ce qu'il faut travailler ensuite" in text or "mieux que prévu" in text
