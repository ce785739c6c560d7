"""Input refused at the edge, before any view runs: a body over the size limit (413), a NUL
byte in the path, the query or the form (400), an id outside what the database holds (404)."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter, Map

from lti_tool.errors import BadRequest

#: The largest id a PostgreSQL ``integer`` column holds: anything larger is a 404, not a 500.
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: 0 to 2³¹−1; other numbers do not match (404)."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:  # noqa: A002 - Werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _has_nul(values: Any) -> bool:
    # A malformed multipart part has no name (None): nothing to look at there.
    return any(
        "\x00" in (key or "") or "\x00" in (value or "") for key, value in values.items(multi=True)
    )


def refuse_nul_bytes() -> None:
    if "\x00" in request.path or _has_nul(request.args):
        raise BadRequest(code="nul_byte")
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if _has_nul(request.form):
            raise BadRequest(code="nul_byte")
        if any("\x00" in (f.filename or "") for _, f in request.files.items(multi=True)):
            raise BadRequest(code="nul_byte")


def init_app(app: Flask) -> None:
    """Before the blueprints (the converter) and before the CSRF check (the first hook)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)
