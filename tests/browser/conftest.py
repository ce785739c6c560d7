"""Real-browser fixtures: headless Chromium driven by Playwright, and axe-core checks.

Contract for every browser test module (learner, instructor, admin):

- ``browser``: the session's Chromium (Playwright sync API, one thread: the servers of
  tests/conftest.py run in their own threads);
- ``new_context(...)``: a factory of fresh browser contexts (closed after the test), with an
  option to keep the tool's cookies out (``block_cookies_for=tool_url``);
- ``page``: a fresh context and page per test;
- ``live_platform``: the stand-in LMS on http://127.0.0.1:PORT, registered with the tool on
  http://localhost:PORT (two sites, as Moodle and the tool in production);
- ``tool_url``: the tool's base URL;
- ``assert_no_serious_axe_violations(page)`` (importable) and the ``axe_check`` fixture (the same
  function): axe-core's WCAG 2.0/2.1 A and AA rules, failing on serious or critical violations;
- ``launch_from_course(page, platform, user=..., link=...)``: click "Launch as ..." on the
  course page and wait for the tool's page;
- ``admin_login(page, tool_url, runner)``: create the admin ``ada`` with the CLI and sign in.

Chromium comes from Debian (/usr/bin/chromium, ``bash scripts/system-deps.sh``), never from
``playwright install``. Without it the browser tests are skipped, except when ``CI=true``, where
they fail: a CI that silently skips its accessibility checks proves nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import requests

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it; skipped (or failed in CI)
    sync_playwright = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        Frame,
        Page,
        Playwright,
        Route,
        ViewportSize,
    )

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "vendor" / "axe.min.js"
CHROMIUM = os.environ.get("BOUSSOLE_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
SHOTS = Path(os.environ.get("BOUSSOLE_SHOTS", "/tmp/boussole-shots"))  # noqa: S108 - not in the repo
ADMIN_PASSWORD = "correct horse battery staple"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # What Safari does and Chrome's users can choose: no third-party cookies, so the tool in the
    # LMS's iframe never gets its cookies back (top-level pages keep theirs).
    "--test-third-party-cookie-phaseout",
]
#: The axe-core rule tags of WCAG 2.1 level AA (RGAA 4 follows WCAG 2.1 AA).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if sync_playwright is None:
        return "the playwright Python package is missing (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (run: bash scripts/system-deps.sh)"
    if not AXE_JS.exists():
        return f"{AXE_JS} is missing (see tests/browser/vendor/README.md)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test of this folder is a browser test; without Chromium, skip them (fail in CI)."""
    reason = missing_browser()
    for item in items:
        if HERE not in Path(str(item.path)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason and not IN_CI:
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


# -- the browser ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    reason = missing_browser()
    if reason:
        pytest.fail(f"browser tests cannot run: {reason}")  # reached only in CI
    assert sync_playwright is not None
    pw = sync_playwright().start()
    yield pw
    pw.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Fresh contexts (a new, empty profile each), closed after the test.

    ``block_cookies_for``: an origin (the tool's URL) whose ``Set-Cookie`` headers never reach the
    browser; the headers kept out are listed in ``context.blocked_cookies``. Chromium already
    drops third-party cookies here (see CHROMIUM_ARGS); this makes the guarantee independent of
    the browser's defaults, for top-level pages too.
    """
    contexts: list[BrowserContext] = []

    def make(
        *,
        block_cookies_for: str | None = None,
        locale: str = "fr-FR",
        viewport: ViewportSize | None = None,
        **options: Any,
    ) -> BrowserContext:
        context = browser.new_context(
            locale=locale, viewport=viewport or {"width": 1280, "height": 900}, **options
        )
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(20_000)
        contexts.append(context)
        if block_cookies_for:
            strip_cookies(context, block_cookies_for)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A page in a fresh context (French browser locale, 1280×900; third-party cookies blocked by
    the browser). For other options: ``new_context(block_cookies_for=tool_url, ...).new_page()``."""
    return new_context().new_page()


def strip_cookies(context: BrowserContext, origin: str) -> None:
    """Serve ``origin`` through a cookie-less proxy that drops its ``Set-Cookie`` headers.

    Playwright's ``route.fetch()`` would store the cookies in the context's jar, hence plain
    ``requests`` (no session, no jar); redirects go back to the browser, which follows them.
    """
    blocked: list[str] = []
    context.blocked_cookies = blocked  # type: ignore[attr-defined]
    skip_request = {"cookie", "host", "content-length", "accept-encoding", "connection"}
    skip_response = {
        "set-cookie",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "connection",
    }

    def handle(route: Route) -> None:
        req = route.request
        headers = {k: v for k, v in req.headers.items() if k.lower() not in skip_request}
        resp = requests.request(
            req.method,
            req.url,
            headers=headers,
            data=req.post_data_buffer,
            allow_redirects=False,
            timeout=30,
        )
        blocked.extend(resp.raw.headers.getlist("Set-Cookie"))
        out = {k: v for k, v in resp.headers.items() if k.lower() not in skip_response}
        route.fulfill(status=resp.status_code, headers=out, body=resp.content)

    context.route(re.compile("^" + re.escape(origin.rstrip("/")) + "(/.*)?$"), handle)


# -- the servers ------------------------------------------------------------------------------
@pytest.fixture
def live_platform(platform: Any) -> Any:
    """The stand-in LMS (``platform`` of tests/conftest.py), served on loopback for the browser."""
    return platform


@pytest.fixture(scope="session")
def tool_url(loopback: dict[str, Any]) -> str:
    return str(loopback["tool"].url)


def launch_from_course(
    page: Page, platform: Any, *, user: str = "3", link: str | None = None, timeout: float = 20_000
) -> Page:
    """Open the LMS course page, click "Launch as ..." for ``user`` on ``link``, wait for the tool.

    Users: "3" Sam Student and "5" Léa Élève (learners; the course page launches Sam in French and
    Léa in English), "4" Tess Teacher (instructor), "2" Ada Admin.
    """
    link = link or platform.first_link()
    page.goto(platform.url + "/")
    form = page.locator(
        f"form:has(input[name='resource_link'][value='{link}']):has(input[name='user'][value='{user}'])"
    )
    form.get_by_role("button").click()
    tool = platform.tool_url
    page.wait_for_url(lambda url: url.startswith(tool) and "/lti/" not in url, timeout=timeout)
    page.wait_for_load_state()
    return page


def admin_login(page: Page, tool_url: str, runner: Any, username: str = "ada") -> Page:
    """Create the admin account with the CLI, then sign in through the login page."""
    result = runner.invoke(args=["admin", "create-user", username, "--password", ADMIN_PASSWORD])
    assert result.exit_code == 0, result.output
    page.goto(tool_url + "/admin/login")
    page.fill("#username", username)
    page.fill("#password", ADMIN_PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    page.wait_for_url(lambda url: "/admin/login" not in url)
    return page


# -- axe-core ---------------------------------------------------------------------------------
def axe_violations(page: Page | Frame, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """axe-core's violations on the current document.

    The script is evaluated through the DevTools protocol, which the page's CSP
    (``script-src 'self'``) does not govern: the product keeps its real CSP during the check, and
    the test harness, not the product, brings the script in.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, impact: n.impact,
                                          summary: n.failureSummary, html: n.html}))}));
        }""",
        tags or AXE_TAGS,
    )
    return list(result)


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in SERIOUS]


def describe(violations: list[dict[str, Any]], where: str = "") -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}{f' [{where}]' if where else ''}")
        for node in v["nodes"][:8]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:160]}")
            summary = (node.get("summary") or "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Page | Frame, tags: list[str] | None = None) -> None:
    """Fail with a readable list of axe-core's serious or critical WCAG 2.1 A/AA violations."""
    found = serious(axe_violations(page, tags))
    if found:
        pytest.fail(
            f"axe-core: {len(found)} serious or critical violation(s) on {page.url}\n"
            + describe(found),
            pytrace=False,
        )


@pytest.fixture
def axe_check() -> Callable[..., None]:
    return assert_no_serious_axe_violations


# -- what the page tells us -------------------------------------------------------------------
def watch_console(page: Page) -> list[str]:
    """Collect the page's console errors and uncaught exceptions (CSP reports land there)."""
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console.{msg.type}: {msg.text}")
            if msg.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    return problems


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """A PNG in /tmp/boussole-shots (outside the repository) for a human to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
