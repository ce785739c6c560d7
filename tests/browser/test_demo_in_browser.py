"""The README's first command, in a real browser: a newcomer takes the quiz from the demo course
page, on the shipped bank, and the demo LMS's gradebook shows the score."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

from tests.app.test_demo import demo_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


def test_a_newcomer_completes_an_attempt_from_the_demo_page(page: Page, demo_server: str) -> None:  # noqa: F811
    page.goto(demo_server + "/demo")
    with page.expect_navigation(url=re.compile(r".*/quiz/.*")):
        page.get_by_role("button", name=re.compile("Sam Student")).first.click()
    with page.expect_navigation():
        page.locator("form[action*='/quiz/start'] button[type=submit]").click()
    for _ in range(80):
        if "/result" in page.url:
            break
        if page.locator("form.item-form").count():
            page.locator("form.item-form fieldset label").first.click()
            with page.expect_navigation():
                page.locator("form.item-form button[type=submit]").click()
        else:
            with page.expect_navigation():
                page.locator(".actions a.button").click()
    assert "/result" in page.url
    score = int(page.locator(".score-value").inner_text().strip())
    assert page.locator(".review-item").count() >= 10  # the shipped bank: 10 to 25 questions

    page.goto(demo_server + "/demo-lms/")
    cell = page.locator('[data-grade-user="3"]')
    for _ in range(50):  # grade passback runs right after the last answer's response
        if cell.count():
            break
        page.wait_for_timeout(200)
        page.reload()
    assert cell.count() == 1
    shown = float(cell.inner_text().split("/")[0])
    assert abs(shown - score) < 1
