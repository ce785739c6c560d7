"""A browser-like LTI client: follows Moodle's auto-posted forms and the tool's redirects."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag in ("input", "button") and self._current is not None and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self._current.fields[a["name"]] = a.get("value", "")
        elif tag == "select" and self._current is not None and a.get("name"):
            self._current.fields.setdefault(a["name"], "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


class ThirdPartyCookiesBlocked(DefaultCookiePolicy):
    """What Safari and headless Chromium do in the LMS iframe: the tool's cookies are dropped."""

    def __init__(self, blocked_host: str) -> None:
        super().__init__()
        self.blocked_host = blocked_host

    def set_ok(self, cookie: Any, request: Any) -> bool:
        if urlsplit(request.get_full_url()).hostname == self.blocked_host:
            return False
        return bool(super().set_ok(cookie, request))


class LtiBrowser:
    """Drives a whole LMS → tool launch over real HTTP, like a browser would."""

    def __init__(self, platform_url: str, tool_url: str, *, block_tool_cookies: bool = False):
        self.platform_url = platform_url
        self.tool_url = tool_url
        self.http = requests.Session()
        if block_tool_cookies:
            self.http.cookies.set_policy(
                ThirdPartyCookiesBlocked(urlsplit(tool_url).hostname or "")
            )
        self.history: list[requests.Response] = []
        #: Every form this browser submitted: (absolute URL, fields).
        self.posts: list[tuple[str, dict[str, str]]] = []

    def submit(self, form: Form, base: str) -> requests.Response:
        url = urljoin(base, form.action)
        self.posts.append((url, dict(form.fields)))
        if form.method == "post":
            resp = self.http.post(url, data=form.fields, allow_redirects=True, timeout=30)
        else:
            resp = self.http.get(url, params=form.fields, allow_redirects=True, timeout=30)
        self.history.append(resp)
        return resp

    def follow_autoposts(self, resp: requests.Response, limit: int = 6) -> requests.Response:
        """Submit auto-posting forms (``id="autopost"``) until a page stays."""
        for _ in range(limit):
            found = [f for f in forms(resp.text) if f.method == "post"]
            auto = 'id="autopost"' in resp.text or "data-autosubmit" in resp.text
            if not (found and auto):
                return resp
            resp = self.submit(found[0], resp.url)
        return resp

    def launch(
        self,
        user: str,
        resource_link: str | None = None,
        locale: str = "fr",
        client_id: str | None = None,
    ) -> requests.Response:
        data = {"user": user, "locale": locale}
        if resource_link:
            data["resource_link"] = resource_link
        if client_id:
            data["client_id"] = client_id
        resp = self.http.post(self.platform_url + "/launch", data=data, timeout=30)
        self.history.append(resp)
        return self.follow_autoposts(resp)

    def login_for_state(self, iss: str, client_id: str, deployment_id: str = "1") -> dict[str, str]:
        """Only the login step: the state and nonce the tool sends to the platform's auth URL."""
        resp = self.http.post(
            self.tool_url + "/lti/login",
            data={
                "iss": iss,
                "login_hint": "3",
                "lti_message_hint": "hint",
                "client_id": client_id,
                "target_link_uri": self.tool_url + "/lti/launch",
                "lti_deployment_id": deployment_id,
            },
            allow_redirects=False,
            timeout=30,
        )
        assert resp.status_code == 302, resp.text[:500]
        query = parse_qs(urlsplit(resp.headers["Location"]).query)
        return {k: v[0] for k, v in query.items()}

    def post_launch(self, id_token: str, state: str) -> requests.Response:
        resp = self.http.post(
            self.tool_url + "/lti/launch", data={"id_token": id_token, "state": state}, timeout=30
        )
        self.history.append(resp)
        return resp
