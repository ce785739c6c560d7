"""Fixtures of the instructor tests (``platform`` and ``bank`` live in tests/conftest.py)."""

from __future__ import annotations

import pytest

from lti_tool.instructor import estimate
from tests.quiz.helpers import answer_until_done, short_link, start


@pytest.fixture(autouse=True)
def _fresh_estimates():
    estimate.clear()


@pytest.fixture
def group(platform, bank):
    """A short activity (2-3 questions) that Sam (3) and Léa (5) have each finished once."""
    link = short_link(platform)
    for user in ("3", "5"):
        browser, page = start(platform, user=user, link=link)
        answer_until_done(browser, page)
    return link
