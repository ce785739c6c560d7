"""A launch exactly like Moodle 4.5's, end to end over real HTTP, with and without cookies."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti_tool import db as database
from models import LaunchRecord, LtiStateValue


@pytest.mark.parametrize("block_cookies", [False, True], ids=["with-cookie", "cookies-blocked"])
def test_learner_launch_lands_on_the_learner_page(platform, block_cookies):
    browser = platform.browser(block_tool_cookies=block_cookies)
    page = browser.launch(user="3", resource_link=platform.first_link(), locale="en")
    assert page.status_code == 200, page.text[:800]
    assert page.url.startswith(platform.tool_url + "/quiz/")
    assert 'action="/quiz/start' in page.text
    assert 'lang="en"' in page.text
    if block_cookies:
        assert not any(c.domain.startswith("localhost") for c in browser.http.cookies)


def test_instructor_and_admin_land_on_their_own_page(platform):
    page = platform.browser().launch(user="4", resource_link=platform.first_link())
    assert 'data-role="instructor"' in page.text
    page = platform.browser().launch(user="2", resource_link=platform.first_link())
    assert 'data-role="admin"' in page.text


def test_launch_keeps_no_name_or_email(platform):
    platform.browser().launch(user="3", resource_link=platform.first_link())
    with platform.app.app_context():
        db = database.session()
        record = db.scalars(select(LaunchRecord)).one()
        assert record.subject == "3"
        stored = repr(record.services) + repr(record.__dict__)
        assert "Sam" not in stored and "student1@example.com" not in stored


def test_state_record_and_nonce_are_single_use(platform):
    browser = platform.browser()
    browser.launch(user="3", resource_link=platform.first_link())
    url, fields = next(p for p in browser.posts if p[0].endswith("/lti/launch"))
    replay = browser.http.post(url, data=fields)
    assert replay.status_code in (400, 401)
    with platform.app.app_context():
        db = database.session()
        left = db.scalar(select(func.count()).select_from(LtiStateValue))
        assert left == 0  # the nonce and the state record were consumed


def test_a_page_after_the_launch_needs_no_cookie(platform):
    browser = platform.browser(block_tool_cookies=True)
    page = browser.launch(user="3", resource_link=platform.first_link())
    assert "lt=" in page.url
    again = browser.http.get(page.url)
    assert again.status_code == 200
    stripped = browser.http.get(page.url.split("?")[0])
    assert stripped.status_code == 403
