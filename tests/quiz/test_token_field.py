"""Every learner form carries the launch token in its hidden ``lt`` field, not only in its URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urljoin, urlsplit

from tests.lti_client import forms


def _token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["lt"][0]


def test_the_start_and_answer_forms_carry_the_token_in_their_hidden_field(platform, bank):
    browser = platform.browser(block_tool_cookies=True)
    page = browser.launch(user="3", resource_link=platform.first_link())
    token = _token_of(page.url)
    start_form = next(f for f in forms(page.text) if "/quiz/start" in f.action)
    assert start_form.fields["lt"] == token

    # The hidden field alone opens the attempt: post the form to its bare action.
    bare = urljoin(page.url, urlsplit(start_form.action).path)
    item = browser.http.post(bare, data=start_form.fields, timeout=30)
    assert item.status_code == 200, item.text[-500:]
    answer_form = next(f for f in forms(item.text) if "/answer" in f.action)
    assert answer_form.fields["lt"] == token
