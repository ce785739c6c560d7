"""A learner's whole attempt in a real browser, from the LMS course page to its gradebook."""

from __future__ import annotations

import pytest

from tests.browser.conftest import launch_from_course, origin_of, screenshot, watch_console
from tests.browser.learner import (
    answer_until_result,
    answer_with_keyboard,
    attempt_score,
    focused,
    shown_score,
    start,
    tab_to,
    wait_for_grade,
)
from tests.quiz.helpers import short_link

pytestmark = pytest.mark.browser


def test_a_learner_takes_the_quiz_with_keyboard_and_mouse_and_the_grade_reaches_the_lms(
    page, live_platform, bank
):
    problems = watch_console(page)
    launch_from_course(page, live_platform, user="3")
    assert page.locator("h1").inner_text()
    assert page.locator("html").get_attribute("lang") == "fr"

    # The intro and the first question with the keyboard only.
    tab_to(page, "form[action*='/quiz/start'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("form.item-form fieldset legend").inner_text()
    screenshot(page, "item-page")
    answer_with_keyboard(page)
    assert "/feedback/1" in page.url
    tab_to(page, ".actions a.button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert focused(page, "body")  # a fresh page: the focus starts at the top again

    # The rest with the mouse, by clicking the options' labels.
    answered = 1 + answer_until_result(page.main_frame)
    assert 10 <= answered <= 25
    score = shown_score(page.main_frame)
    screenshot(page, "result-page")
    screenshot(page, "result-page-top", full_page=False)
    assert page.get_by_role("table").count() == 1  # the profile by topic

    given = attempt_score(live_platform)
    assert f"{given:.0f}" == str(score)
    grade = wait_for_grade(live_platform, "3", page)
    graded = [
        s.body for s in live_platform.state.scores if s.body["gradingProgress"] == "FullyGraded"
    ]
    assert [b["scoreGiven"] for b in graded] == [round(given, 2)]
    assert grade == pytest.approx(round(given, 2))

    page.goto(live_platform.url + "/")
    cell = page.locator("td[data-grade-user='3']")
    assert cell.inner_text().strip() == f"{grade:.2f} / 100"
    assert not [p for p in problems if "Content Security Policy" in p or "uncaught" in p], problems


EMBED_PAGE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Cours — activité intégrée</title></head>
<body><main>
<h1>Boussole dans le cours</h1>
<form method="post" action="/launch" target="lti">
  <input type="hidden" name="user" value="3">
  <input type="hidden" name="resource_link" value="{link}">
  <input type="hidden" name="locale" value="fr">
  <button type="submit">Ouvrir l'activité</button>
</form>
<iframe name="lti" title="Boussole" width="800" height="200"></iframe>
</main>
<script>
  // What Moodle does with lti.frameResize: remember it and fit the frame.
  window.ltiResizes = [];
  window.addEventListener("message", function (event) {{
    var data = event.data;
    if (typeof data === "string") {{ try {{ data = JSON.parse(data); }} catch (e) {{ return; }} }}
    if (!data || data.subject !== "lti.frameResize") {{ return; }}
    window.ltiResizes.push({{origin: event.origin, height: data.height}});
    document.querySelector("iframe[name=lti]").height = data.height;
  }});
</script>
</body></html>
"""


def test_the_quiz_works_in_the_lms_iframe_without_third_party_cookies(
    new_context, live_platform, bank, tool_url
):
    """Safari's default, and Chrome's with third-party cookies blocked: the tool in the LMS's
    iframe never gets a cookie; the launch token alone carries the attempt."""
    context = new_context(block_cookies_for=tool_url)
    page = context.new_page()
    problems = watch_console(page)
    link = short_link(live_platform, min_items=3, max_items=4)
    # A course page of the LMS's origin (a test-side page: the stand-in LMS is left untouched).
    embed_url = live_platform.url + "/course/embedded.php"
    page.route(
        embed_url,
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8", body=EMBED_PAGE.format(link=link)
        ),
    )
    page.goto(embed_url)
    page.get_by_role("button", name="Ouvrir l'activité").click()
    frame = page.frame(name="lti")
    assert frame is not None
    frame.wait_for_url(lambda url: url.startswith(tool_url) and "/lti/" not in url)
    frame.wait_for_load_state()

    start(frame)
    answered = answer_until_result(frame)
    assert 3 <= answered <= 4
    score = shown_score(frame)
    screenshot(page, "iframe-result-page", full_page=False)

    given = attempt_score(live_platform)
    assert f"{given:.0f}" == str(score)
    assert wait_for_grade(live_platform, "3", page) == pytest.approx(round(given, 2))

    # No cookie of the tool's ever reached the browser (the tool does try: pylti1p3's state
    # cookie, in context.blocked_cookies), so none went back to the tool.
    assert context.cookies(tool_url) == []
    assert frame.evaluate("() => document.cookie") == ""
    # The tool asked the LMS to fit the frame to its content.
    resizes, frame_height = page.evaluate(
        "() => [window.ltiResizes, document.querySelector('iframe[name=lti]').height]"
    )
    assert resizes, "no lti.frameResize message reached the LMS page"
    assert {r["origin"] for r in resizes} == {origin_of(tool_url)}
    assert resizes[-1]["height"] > 300 and frame_height == str(resizes[-1]["height"])
    assert not [p for p in problems if "Content Security Policy" in p or "uncaught" in p], problems
