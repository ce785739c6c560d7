"""LTI platform storage (lti_storage_target): the login keeps its state in the platform's frame."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit


def test_login_with_storage_target_puts_the_state_in_platform_storage(platform):
    browser = platform.browser(block_tool_cookies=True)
    resp = browser.http.post(
        platform.tool_url + "/lti/login",
        data={
            "iss": platform.issuer,
            "login_hint": "3",
            "lti_message_hint": "x",
            "client_id": platform.client_id,
            "target_link_uri": platform.tool_url + "/lti/launch",
            "lti_storage_target": "_parent",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert resp.status_code == 200
    assert 'data-target="_parent"' in resp.text
    assert f'data-origin="{platform.url}"' in resp.text
    next_url = re.search(r'data-next="([^"]+)"', resp.text).group(1).replace("&amp;", "&")
    state = parse_qs(urlsplit(next_url).query)["state"][0]
    assert f'data-state="{state}"' in resp.text
    js = browser.http.get(platform.tool_url + "/static/js/platform-storage.js", timeout=10).text
    assert "lti.put_data" in js
