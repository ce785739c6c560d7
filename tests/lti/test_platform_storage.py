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


def launch_through_storage(platform):
    """A launch where the platform offers storage and the tool's cookies are dropped; returns the
    browser and the tool's page asking the platform's storage frame for the state."""
    from tests.lti_client import forms

    browser = platform.browser(block_tool_cookies=True)
    resp = browser.http.post(
        platform.url + "/launch",
        data={"user": "3", "resource_link": platform.first_link(), "storage": "1"},
        timeout=30,
    )
    login = browser.submit(forms(resp.text)[0], resp.url)  # the login page (puts the state)
    next_url = re.search(r'data-next="([^"]+)"', login.text).group(1).replace("&amp;", "&")
    auth = browser.http.get(next_url, timeout=30)  # the platform's OIDC auth answer
    page = browser.submit(forms(auth.text)[0], auth.url)  # the id_token reaches the tool
    assert 'id="storage-launch"' in page.text
    return browser, page


def test_the_launch_reads_the_state_back_from_platform_storage(platform):
    from tests.lti_client import forms

    browser, page = launch_through_storage(platform)
    assert 'data-key="boussole_state_' in page.text and 'data-target="_parent"' in page.text
    form = next(f for f in forms(page.text) if "platform_storage_state" in f.fields)
    form.fields["platform_storage_state"] = form.fields["state"]  # what the storage frame answers
    done = browser.submit(form, page.url)
    assert done.status_code == 200 and "/quiz/" in done.url


def test_a_launch_whose_platform_storage_lacks_the_state_is_refused(platform):
    from tests.lti_client import forms

    browser, page = launch_through_storage(platform)
    form = next(f for f in forms(page.text) if "platform_storage_state" in f.fields)
    form.fields["platform_storage_state"] = ""  # another browser, or no answer from the frame
    refused = browser.submit(form, page.url)
    assert refused.status_code == 400 and "<code>state_mismatch</code>" in refused.text
