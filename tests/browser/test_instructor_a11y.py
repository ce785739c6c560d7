"""Accessibility (axe-core) of the instructor pages, in a real browser, in French and English.

Written against the browser tests' contract (tests/browser/conftest.py): the fixtures ``page`` and
``live_platform``, the helpers ``assert_no_serious_axe_violations(page)`` and
``launch_from_course``. The teacher goes through the LMS's course page as a person would; the
learners' attempts that feed the dashboard are driven over HTTP.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    assert_no_serious_axe_violations,
    launch_from_course,
    watch_console,
)
from tests.lti_client import LtiBrowser, forms
from tests.quiz.helpers import answer_until_done

LOCALES = ["fr", "en"]
PLACE = re.compile("Ajouter l.activité au cours|Add the activity to the course")


def _learners_finish(live_platform, link_id: str) -> None:
    for user in ("3", "5"):
        browser = LtiBrowser(live_platform.url, live_platform.tool_url, block_tool_cookies=True)
        page = browser.launch(user=user, resource_link=link_id)
        start = next(f for f in forms(page.text) if f.action.split("?")[0].endswith("/quiz/start"))
        answer_until_done(browser, browser.submit(start, page.url))


def _switch_to(page, locale: str) -> None:
    if locale == "en" and page.locator("html").get_attribute("lang") != "en":
        page.get_by_role("link", name="English").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == locale


@pytest.mark.parametrize("locale", LOCALES)
def test_the_deep_linking_form_and_its_errors(page, live_platform, bank, locale):
    page.goto(live_platform.url + "/")
    page.select_option("#dl-locale", locale)
    page.get_by_role("button", name=re.compile("Deep Linking")).click()
    page.wait_for_url(re.compile(r"/instructor/deep-link"))
    _switch_to(page, locale)
    assert_no_serious_axe_violations(page)

    page.fill("#max_items", "0")
    page.get_by_role("button", name=PLACE).click()
    page.wait_for_selector("#error-summary")
    assert page.locator("#max_items").get_attribute("aria-invalid") == "true"
    assert_no_serious_axe_violations(page)

    page.fill("#max_items", "3")
    page.fill("#min_items", "2")
    page.get_by_role("button", name=PLACE).click()
    page.wait_for_url(re.compile(r"^" + re.escape(live_platform.url)))  # auto-posted to the LMS
    assert live_platform.state.deep_link_results


@pytest.mark.parametrize("locale", LOCALES)
def test_the_dashboard_and_the_settings_form(page, live_platform, bank, locale):
    custom = {"boussole_min_items": "2", "boussole_max_items": "3"}
    link = live_platform.state.add_resource_link(
        "Boussole — court", live_platform.client_id, custom=custom
    )
    _learners_finish(live_platform, link.id)

    launch_from_course(page, live_platform, user="4", link=link.id)
    assert "/instructor/dashboard" in page.url
    _switch_to(page, locale)
    assert page.locator("svg.chart").count() == 2
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=re.compile("Modifier les réglages|Change the settings")).click()
    page.wait_for_url(re.compile(r"/instructor/settings"))
    assert page.locator("html").get_attribute("lang") == locale
    assert_no_serious_axe_violations(page)

    page.fill("#min_items", "9")
    page.fill("#max_items", "4")
    page.get_by_role(
        "button", name=re.compile("Enregistrer les réglages|Save the settings")
    ).click()
    page.wait_for_selector("#error-summary")
    assert_no_serious_axe_violations(page)


def test_the_estimate_follows_the_form_without_a_reload(page, live_platform, bank):
    problems = watch_console(page)
    page.goto(live_platform.url + "/")
    page.get_by_role("button", name=re.compile("Deep Linking")).click()
    page.wait_for_url(re.compile(r"/instructor/deep-link"))
    url = page.url
    for box in page.locator("input[name=topics]:not([value=T02])").all():
        box.uncheck()
    page.fill("#min_items", "2")
    page.fill("#max_items", "4")
    page.locator("#max_items").blur()
    page.wait_for_function(
        "() => document.getElementById('estimate').textContent.includes('12 questions disponibles')"
    )
    assert page.url == url  # the region was replaced, the page was not reloaded
    page.get_by_role("button", name=re.compile("Recalculer")).click()
    page.wait_for_function("() => !document.getElementById('estimate').hasAttribute('aria-busy')")
    assert page.url == url
    assert not problems, problems
