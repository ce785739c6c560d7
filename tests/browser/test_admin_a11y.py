"""axe-core (WCAG 2.1 A and AA) on the admin pages of the item bank, calibration, score outbox
and learners' data, in French and in English; and the calibration page following a background run
with its external script under the tool's CSP."""

from __future__ import annotations

import pytest

from lti_tool.admin import calibration_jobs as jobs
from tests.admin_bank.conftest import session_of
from tests.admin_bank.factories import (
    make_activity,
    make_attempt,
    make_platform,
    seed_calibration_data,
)
from tests.browser.conftest import (
    admin_login,
    axe_violations,
    describe,
    screenshot,
    serious,
    watch_console,
)

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def admin_data(tool, bank):
    """A calibrated bank with pilot items, a finished calibration run and a few scores."""
    with session_of(tool) as db:
        seed_calibration_data(db, n_persons=400, pilots_per_person=2)
        platform = make_platform(db, issuer="https://moodle.example.fr")
        activity = make_activity(db, platform, "x")
        for k, status in enumerate(["pending", "failed", "delivered"]):
            make_attempt(
                db, activity, f"learner-{k}", responses=[("T01-001", True)], outbox_status=status
            )
        run_id = jobs.create_run(db, "ada", {"min_pilot_responses": 50}).id
    with tool.app_context():
        assert jobs.execute(run_id) == "done"
    return {"run": run_id, "platform": platform.id}


@pytest.mark.parametrize("locale", ["fr", "en"])
def test_admin_pages_have_no_serious_axe_violation(
    page, live_platform, runner, tool_url, admin_data, locale
):
    failures: list[str] = []
    problems = watch_console(page)

    def check(name: str, path: str, status: int = 200) -> None:
        joiner = "&" if "?" in path else "?"
        response = page.goto(f"{tool_url}{path}{joiner}lang={locale}")
        assert response is not None and response.status == status, (
            name,
            response and response.status,
        )
        visit(name)

    def visit(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == locale, name
        screenshot(page, f"admin-a11y-{locale}-{name}")
        found = serious(axe_violations(page))
        if found:
            failures.append(describe(found, f"{name} {page.url}"))
        # Reflow (WCAG 1.4.10): no sideways scrolling of the page at 320 CSS pixels; wide tables
        # scroll in their own box.
        page.set_viewport_size({"width": 320, "height": 640})
        width = page.evaluate("() => document.documentElement.scrollWidth")
        page.set_viewport_size(DESKTOP)
        if width > 320:
            failures.append(f"- reflow: {name} is {width}px wide at a 320px viewport")

    check("login", "/admin/login")
    admin_login(page, tool_url, runner)
    check("platforms", "/admin/")
    check("platform-new", "/admin/platforms/new")
    check("platform-edit", f"/admin/platforms/{admin_data['platform']}")
    check("keys", "/admin/keys")
    check("password", "/admin/password")
    check("privacy-summary", "/admin/privacy")
    check("bank-list", "/admin/bank/")
    check("bank-search", "/admin/bank/?topic=T01&status=calibrated&q=question")
    check("item-preview", "/admin/bank/items/T01-005")  # multiple answers: checkboxes
    check("item-pilot", "/admin/bank/items/T03-012")
    check("import-form", "/admin/bank/import")
    page.set_input_files(
        "#file",
        files=[
            {
                "name": "broken.txt",
                "mimeType": "text/plain",
                "buffer": b"::T01-001:: Une question {=bon ~mauvais\n",
            }
        ],
    )
    with page.expect_navigation():
        page.locator("form[enctype] button[type=submit]").click()
    assert page.locator("#import-errors").is_visible()
    visit("import-error")
    check("export-form", "/admin/bank/export")
    check("calibration", "/admin/bank/calibration")
    check("calibration-run", f"/admin/bank/calibration/{admin_data['run']}")
    check("outbox", "/admin/ops/outbox")
    check("privacy", "/admin/ops/privacy")
    page.select_option("#platform", value=str(admin_data["platform"]))
    page.fill("#subject", "learner-1")
    with page.expect_navigation():
        page.locator("form:has(#subject) button[type=submit]").click()
    visit("learner")
    with page.expect_navigation():
        page.locator("button.danger").click()
    visit("erase-confirmation")
    with page.expect_navigation():
        page.locator("form:has(#confirm) button.danger").click()  # without ticking the box
    assert page.locator("#confirm-error").is_visible()
    visit("erase-confirmation-error")

    assert not [p for p in problems if "Content Security Policy" in p], problems
    assert not failures, "axe-core: serious or critical violations\n" + "\n".join(failures)


def test_the_run_page_follows_a_background_calibration_by_itself(
    page, live_platform, runner, tool_url, tool, bank
):
    with session_of(tool) as db:
        seed_calibration_data(db, n_persons=400)
    problems = watch_console(page)
    admin_login(page, tool_url, runner)
    page.goto(f"{tool_url}/admin/bank/calibration?lang=en")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the calibration").click()
    assert "/admin/bank/calibration/" in page.url
    # The external script polls the status and reloads the page once the run is over; no click.
    page.get_by_role("button", name="Apply this calibration").wait_for(timeout=60_000)
    assert page.locator("#run-status").inner_text() == "done, to review"
    assert page.locator("#run-bar").get_attribute("value") == "100"
    assert jobs.wait_for_jobs(30)
    with page.expect_navigation():
        page.get_by_role("button", name="Apply this calibration").click()
    assert "Calibration applied" in page.locator(".flash").inner_text()
    assert not [p for p in problems if "Content Security Policy" in p or "uncaught" in p], problems
