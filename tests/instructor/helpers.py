"""Driving the instructor's pages the way the teacher's browser does."""

from __future__ import annotations

import re
import time
from urllib.parse import urljoin

from tests.lti_client import Form, forms

TEACHER, ADMIN, LEARNER, OTHER_LEARNER = "4", "2", "3", "5"


def token_of(page) -> str:
    return re.search(r"lt=([^&\"#]+)", page.url).group(1)


def deep_link_form(platform, *, user=TEACHER, locale="fr"):
    """A deep-linking launch by the teacher: the browser, the form page and its form."""
    browser = platform.browser(block_tool_cookies=True)
    page = browser.launch(user=user, resource_link=None, locale=locale)
    assert page.status_code == 200, page.text[-800:]
    assert "/instructor/deep-link" in page.url
    return browser, page, settings_form(page.text)


def settings_form(html: str) -> Form:
    return next(
        f
        for f in forms(html)
        if f.method == "post" and ("deep-link" in f.action or "/settings" in f.action)
    )


def choose(form: Form, page_text: str, **values) -> dict[str, object]:
    """The form's fields as a request body, ``values`` replacing them (lists for checkboxes)."""
    data: dict[str, object] = dict(form.fields)
    # the test parser keeps one value per name: collect every checked box again
    for name in ("topics", "levels"):
        data[name] = re.findall(rf'name="{name}" value="([^"]+)" checked', page_text)
    data.update(values)
    return data


def post(browser, form: Form, base: str, data: dict[str, object]):
    return browser.http.post(urljoin(base, form.action), data=data, timeout=30)


def dashboard(platform, *, user=TEACHER, link=None, locale="fr"):
    browser = platform.browser(block_tool_cookies=True)
    page = browser.launch(user=user, resource_link=link or platform.first_link(), locale=locale)
    assert page.status_code == 200, page.text[-800:]
    return browser, page


def start_attempt(platform, link, user=LEARNER):
    """A learner's launch and click on "start": the first item page."""
    browser = platform.browser(block_tool_cookies=True)
    page = browser.launch(user=user, resource_link=link)
    start = next(f for f in forms(page.text) if f.action.split("?")[0].endswith("/quiz/start"))
    return browser, browser.submit(start, page.url)


def wait_for(condition, timeout=10.0):
    """Scores are delivered after the response: poll until ``condition()`` holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def served_items(browser, page, limit=20, stop_after=None):
    """Answer until the result page; the item ids of the questions served, from their stems
    (the ``bank`` fixture's stems read "Question T02-004 [fr] ...")."""
    seen = []
    for _ in range(limit):
        if "/result" in page.url:
            return seen, page
        form = next((f for f in forms(page.text) if "/answer" in f.action), None)
        if form is None:
            href = (
                re.search(r'class="button" href="([^"]+)"', page.text)
                .group(1)
                .replace("&amp;", "&")
            )
            page = browser.http.get(urljoin(page.url, href), timeout=30)
            continue
        if stop_after is not None and len(seen) >= stop_after:
            return seen, page
        seen.append(re.search(r"Question (T\d\d-\d{3}) \[(fr|en)\]", page.text).group(1))
        form.fields["choice"] = "0"
        page = browser.submit(form, page.url)
    raise AssertionError("the attempt did not end")
