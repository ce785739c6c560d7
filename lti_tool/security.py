"""Security headers. The tool lives in the LMS's iframe: only registered platforms may frame it."""

from __future__ import annotations

import time

from flask import Flask, g, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from lti_tool import db as database
from lti_tool.lti.urls import origin
from models import Platform

_cache: dict[str, tuple[float, str]] = {}


def platform_origins() -> str:
    now = time.monotonic()
    cached = _cache.get("origins")
    if cached and now - cached[0] < 60:
        return cached[1]
    rows = database.session().execute(select(Platform.issuer, Platform.auth_login_url)).all()
    origins = sorted({origin(u) for row in rows for u in row if u and "://" in u})
    value = " ".join(origins)
    _cache["origins"] = (now, value)
    return value


def clear_cache() -> None:
    _cache.clear()


def allow_images_from(origins: list[str]) -> None:
    """Let this response show images from these origins (e.g. learners' pictures on the LMS)."""
    g.csp_image_origins = tuple(origins)


def init_app(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        framed = request.blueprint in ("lti", "quiz", "instructor") or request.path.startswith(
            "/lti/"
        )
        ancestors = "'self'"
        if framed:
            try:
                extra = platform_origins()
            except Exception:  # noqa: BLE001 - headers must never break a response
                extra = ""
            ancestors = f"'self' {extra}".strip()
        images = " ".join(["'self'", "data:", *g.get("csp_image_origins", ())])
        response.headers.setdefault(
            "Content-Security-Policy",
            f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
            f"object-src 'none'; base-uri 'none'; form-action *; frame-ancestors {ancestors}",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # same-origin: admin forms get the Referer the CSRF check may use; other sites get none (the
        # launch token in URLs never leaves the tool).
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if not framed:
            response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        return response
