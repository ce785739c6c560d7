"""Item text to HTML: everything is escaped; the only markup kept is **bold** (for negations)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def itemtext(value: object) -> Markup:
    escaped = str(escape("" if value is None else str(value)))
    return Markup(_BOLD.sub(r"<strong>\1</strong>", escaped))  # noqa: S704 - escaped above
