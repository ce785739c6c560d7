"""What a learner does in the browser: start, answer with the mouse or the keyboard, go on.

Every helper takes a Playwright ``Frame`` (``page.main_frame`` for a top-level page, or the LMS
iframe's frame), so the same steps drive the tool on its own and inside the platform's page.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from lti_tool import db as database
from models import Attempt, ItemVersion

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

#: The small test bank marks right options with these words (tests/bank_fixture.py).
RIGHT = ("Bonne", "Right")
ITEM_FORM = "form.item-form"


def on_item_page(doc: Frame) -> bool:
    return doc.locator(ITEM_FORM).count() > 0


def position(doc: Frame) -> int:
    return int(doc.locator(f"{ITEM_FORM} input[name=position]").get_attribute("value") or 0)


def option_labels(doc: Frame) -> list[tuple[str, bool]]:
    """(label text, is right) for the options as shown."""
    texts = doc.locator(f"{ITEM_FORM} fieldset label").all_inner_texts()
    return [(t, t.strip().startswith(RIGHT)) for t in texts]


def start(doc: Frame) -> None:
    """Click the intro page's start button."""
    with doc.expect_navigation():
        doc.locator("form[action*='/quiz/start'] button[type=submit]").click()


def answer_with_mouse(doc: Frame, *, right: bool) -> None:
    """Click option labels (all the right ones for a multiple-answer item), then submit."""
    multiple = doc.locator(f"{ITEM_FORM} input[type=checkbox]").count() > 0
    labels = doc.locator(f"{ITEM_FORM} fieldset label")
    shown = option_labels(doc)
    if multiple:
        picks = [i for i, (_, ok) in enumerate(shown) if ok == right] or [0]
    else:
        picks = [next(i for i, (_, ok) in enumerate(shown) if ok == right)]
    for i in picks:
        labels.nth(i).click()
    with doc.expect_navigation():
        doc.locator(f"{ITEM_FORM} button[type=submit]").click()


def go_on(doc: Frame) -> None:
    """On a feedback page: "Next question" (or "See my result")."""
    with doc.expect_navigation():
        doc.locator(".actions a.button").click()


def answer_until_result(doc: Frame, *, limit: int = 70) -> int:
    """Answer (right, wrong, right, ...) until the result page; the number of answers given."""
    answered = 0
    for _ in range(limit):
        if "/result" in doc.url:
            return answered
        if on_item_page(doc):
            answer_with_mouse(doc, right=position(doc) % 2 == 1)
            answered += 1
        else:
            go_on(doc)
    raise AssertionError(f"the attempt did not end; last page {doc.url}")


def shown_score(doc: Frame) -> int:
    return int(doc.locator(".score-value").inner_text().strip())


# -- the keyboard -----------------------------------------------------------------------------
def focused(page: Page | Frame, selector: str) -> bool:
    return bool(
        page.evaluate(
            "(sel) => !!document.activeElement && document.activeElement.matches(sel)", selector
        )
    )


def focus_is_visible(page: Page) -> bool:
    """The focused element shows a focus indicator (an outline or a box shadow)."""
    return bool(
        page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                              || s.boxShadow !== 'none'; }"""
        )
    )


def tab_to(page: Page, selector: str, *, limit: int = 20) -> None:
    """Press Tab until ``selector`` has the focus (and show it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            assert focus_is_visible(page), f"no visible focus on {selector}"
            return
    raise AssertionError(f"Tab never reached {selector}")


def answer_with_keyboard(page: Page) -> None:
    """Skip link, then the options with Tab/arrows/Space, then Enter on the submit button."""
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link"), "the first Tab should reach the skip link"
    page.keyboard.press("Enter")
    assert focused(page, "main#main"), "the skip link should move the focus to the content"
    multiple = page.locator(f"{ITEM_FORM} input[type=checkbox]").count() > 0
    tab_to(page, f"{ITEM_FORM} input[name=choice]")
    if multiple:
        boxes = page.locator(f"{ITEM_FORM} input[name=choice]").count()
        for n in range(boxes):
            label = page.evaluate("() => document.activeElement.labels[0].innerText")
            if label.strip().startswith(RIGHT):
                page.keyboard.press("Space")
            if n < boxes - 1:
                page.keyboard.press("Tab")
    else:
        for _ in range(page.locator(f"{ITEM_FORM} input[name=choice]").count()):
            label = page.evaluate("() => document.activeElement.labels[0].innerText")
            if label.strip().startswith(RIGHT):
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
    assert page.locator(f"{ITEM_FORM} input[name=choice]:checked").count() >= 1
    tab_to(page, f"{ITEM_FORM} button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


# -- arranging the attempt (test side) --------------------------------------------------------
def show_item(platform: Any, item_id: str) -> None:
    """Make ``item_id`` the current question of the learner's open attempt (its next page load).

    The adaptive engine chooses items; pages that only some items produce (a multiple-answer
    question) are reached deterministically this way.
    """
    with platform.app.app_context():
        db = database.session()
        attempt = db.scalars(select(Attempt).where(Attempt.status == "in_progress")).one()
        version = db.scalars(
            select(ItemVersion).where(
                ItemVersion.item_id == item_id,
                ItemVersion.language == attempt.language,
                ItemVersion.current.is_(True),
            )
        ).one()
        attempt.current_item_id = item_id
        attempt.current_version_id = version.id
        attempt.current_pilot = False
        attempt.current_order = list(range(len(version.content["options"])))
        db.commit()


def wait_for_grade(platform: Any, user: str, page: Page, timeout: float = 10.0) -> float:
    """The grade the LMS holds for ``user`` (the score goes out just after the result page)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with platform.state.lock:
            grades = [g for (_, uid), g in platform.state.grades.items() if uid == user]
        if grades:
            return grades[-1]
        page.wait_for_timeout(100)
    raise AssertionError(f"no grade for user {user} reached the platform")


def attempt_score(platform: Any) -> float:
    with platform.app.app_context():
        attempt = database.session().scalars(select(Attempt)).one()
        assert attempt.status == "completed" and attempt.score is not None
        return float(attempt.score)
