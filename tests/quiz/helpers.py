"""Driving an attempt the way a learner's browser does."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from tests.lti_client import forms


def start(platform, *, user="3", locale="fr", block_cookies=True, link=None):
    browser = platform.browser(block_tool_cookies=block_cookies)
    page = browser.launch(user=user, resource_link=link or platform.first_link(), locale=locale)
    assert page.status_code == 200, page.text[-800:]
    start_form = next(f for f in forms(page.text) if f.action.split("?")[0].endswith("/quiz/start"))
    page = browser.submit(start_form, page.url)
    assert page.status_code == 200, page.text[-800:]
    return browser, page


def answer_until_done(browser, page, pick=0, limit=80):
    """Answer every question (option ``pick`` as shown) until the result page."""
    seen = 0
    for _ in range(limit):
        if "/result" in page.url:
            return page, seen
        form = next((f for f in forms(page.text) if "/answer" in f.action), None)
        if form is None:  # a feedback page: go on
            href = (
                re.search(r'class="button" href="([^"]+)"', page.text)
                .group(1)
                .replace("&amp;", "&")
            )
            page = browser.http.get(urljoin(page.url, href), timeout=30)
            continue
        form.fields["choice"] = str(pick)
        page = browser.submit(form, page.url)
        seen += 1
    raise AssertionError("the attempt did not end")


def short_link(platform, **custom):
    settings = {"boussole_min_items": "2", "boussole_max_items": "3"}
    settings.update({f"boussole_{k}": str(v) for k, v in custom.items()})
    return platform.state.add_resource_link(
        "Boussole — court", platform.client_id, custom=settings
    ).id


def graded(platform):
    return [s.body for s in platform.state.scores if s.body["gradingProgress"] == "FullyGraded"]


def wait_graded(platform, count, timeout=15.0):
    """Grade passback runs in a thread after the response: wait for ``count`` final scores."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(graded(platform)) < count:
        time.sleep(0.05)
    return graded(platform)
