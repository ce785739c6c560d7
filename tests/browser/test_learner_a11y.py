"""axe-core (WCAG 2.1 A and AA) on every page a learner can see, in French and in English."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from lti_tool.lti import launch_token
from tests.browser.conftest import (
    assert_no_serious_axe_violations,
    axe_violations,
    describe,
    launch_from_course,
    screenshot,
    serious,
)
from tests.browser.learner import (
    ITEM_FORM,
    answer_until_result,
    answer_with_keyboard,
    go_on,
    show_item,
    start,
)
from tests.quiz.helpers import short_link

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
SINGLE, MULTIPLE = "T01-001", "T01-005"  # tests/bank_fixture.py: item 5 of a topic is multiple


class _Backdated(TimestampSigner):
    """Signs as if ten days ago."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 10 * 86400


def expired_token(app) -> str:
    """A launch token signed with the tool's key, long expired."""
    serializer = URLSafeTimedSerializer(
        app.config["SECRET_KEY"], salt=launch_token.SALT, signer=_Backdated
    )
    return serializer.dumps({"l": "a-launch-long-gone"})


@pytest.mark.parametrize(("locale", "user"), [("fr", "3"), ("en", "5")], ids=["fr-sam", "en-lea"])
def test_every_learner_page_has_no_serious_axe_violation(
    page, live_platform, bank, tool_url, locale, user
):
    link = short_link(live_platform, min_items=2, max_items=3)
    failures: list[str] = []

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == locale, name
        screenshot(page, f"a11y-{locale}-{name}")
        found = serious(axe_violations(page))
        if found:
            failures.append(describe(found, f"{name} {page.url}"))
        # Reflow (WCAG 1.4.10, which axe does not test): usable at 320 CSS pixels, no sideways
        # scrolling of the page (wide tables scroll in their own box).
        page.set_viewport_size({"width": 320, "height": 640})
        width = page.evaluate("() => document.documentElement.scrollWidth")
        page.set_viewport_size(DESKTOP)
        if width > 320:
            failures.append(f"- reflow: {name} is {width}px wide at a 320px viewport")

    launch_from_course(page, live_platform, user=user, link=link)
    check("intro")

    start(page.main_frame)
    show_item(live_platform, SINGLE)
    page.reload()
    item_url = page.url
    assert page.locator(f"{ITEM_FORM} input[type=radio]").count() == 4
    check("item-single")

    with page.expect_navigation() as nav:
        page.locator(f"{ITEM_FORM} button[type=submit]").click()
    assert nav.value is not None and nav.value.status == 422
    assert page.locator("#answer-error").is_visible()
    check("item-empty-answer-error")

    show_item(live_platform, MULTIPLE)
    page.goto(item_url)
    assert page.locator(f"{ITEM_FORM} input[type=checkbox]").count() == 4
    check("item-multiple")

    answer_with_keyboard(page)  # Space on each right box
    assert "/feedback/" in page.url
    assert page.locator(".panel-ok").count() == 1  # both right options were ticked
    check("feedback")

    go_on(page.main_frame)
    answer_until_result(page.main_frame)
    check("result")

    response = page.goto(f"{tool_url}/quiz/?lt={expired_token(live_platform.app)}&lang={locale}")
    assert response is not None and response.status == 401
    assert "launch_token_expired" in page.locator(".error-code").inner_text()
    check("error-expired-token")

    assert not failures, "axe-core: serious or critical violations\n" + "\n".join(failures)


def test_the_axe_check_reports_serious_violations_under_the_tools_csp(
    page, tool, tool_url, axe_check
):
    """The harness itself: axe runs under the product's real CSP and a broken page fails."""
    response = page.goto(tool_url + "/quiz/")  # no launch token: the tool's 403 page
    assert response is not None and response.status == 403
    assert "script-src 'self'" in response.headers["content-security-policy"]
    axe_check(page)
    page.evaluate(
        """() => { document.documentElement.removeAttribute('lang');
                   const img = document.createElement('img');
                   img.src = '/static/img/boussole.svg';
                   document.querySelector('main').append(img); }"""
    )
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_no_serious_axe_violations(page)
    assert "image-alt (critical)" in str(failed.value)
    assert "html-has-lang (serious)" in str(failed.value)
