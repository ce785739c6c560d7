"""Translated names of the statuses the admin pages show (stored values stay English codes)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

ITEM_STATUS = {
    "draft": _l("draft"),
    "reviewed": _l("reviewed"),
    "piloted": _l("piloted"),
    "calibrated": _l("calibrated"),
    "retired": _l("retired"),
}
RUN_STATUS = {
    "queued": _l("queued"),
    "running": _l("running"),
    "done": _l("done, to review"),
    "failed": _l("failed"),
    "applied": _l("applied"),
}
OUTBOX_STATUS = {
    "pending": _l("waiting"),
    "sending": _l("sending"),
    "delivered": _l("delivered"),
    "failed": _l("failed"),
}
ESTIMATE = {
    "full": _l("all parameters estimated"),
    "no_c": _l("a and b estimated"),
    "b_only": _l("b only (a fixed)"),
    "prior": _l("too few responses"),
}
NOT_READY = {
    "few_responses": _l("too few responses"),
    "se_b": _l("b not precise enough"),
    "se_a": _l("a not precise enough"),
    "misfit": _l("misfit"),
}
LANGUAGES = {"fr": "Français", "en": "English"}


def label(table: dict[str, Any], code: str | None) -> str:
    if code is None:
        return "—"
    return str(table.get(code, code))


def run_message(message: str | None) -> str:
    """A calibration run's progress message (stored as a code) in the reader's language."""
    if not message:
        return ""
    code, _, rest = message.partition(":")
    if code == "queued":
        return gettext("Waiting to start.")
    if code == "collect":
        return gettext("Collecting the responses.")
    if code in ("em", "online"):
        cycle, _, delta = rest.partition(":")
        if code == "em":
            return gettext(
                "Operational items (EM): cycle %(n)s, largest change %(delta)s.",
                n=cycle,
                delta=delta,
            )
        return gettext(
            "Pilot items (online calibration): cycle %(n)s, largest change %(delta)s.",
            n=cycle,
            delta=delta,
        )
    if code == "fit":
        return gettext("Computing item fit.")
    if code == "drift":
        return gettext("Checking drift of calibrated items.")
    if code == "done":
        return gettext("Finished: review the results below, then apply them.")
    if code == "no_data":
        return gettext("No response of a completed attempt was found: nothing to calibrate.")
    if code == "no_operational":
        return gettext(
            "Only pilot items were answered: pilot items are calibrated against operational "
            "items, which have no responses yet."
        )
    if code == "interrupted":
        return gettext("The run was interrupted (the server stopped before it finished).")
    if code == "error":
        return gettext("The calibration failed: %(error)s", error=rest.strip())
    return message
