"""Domain errors and the one place where they become HTTP pages.

A learner sees what happened in their language; an admin sees what to check. Never a stack trace,
never a token or personal data in the page or the logs.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class BoussoleError(Exception):
    """Base of every error that becomes a page."""

    status = 400
    code = "error"
    title: Any = _l("Something went wrong")
    message: Any = _l("The request could not be processed.")
    admin_hint: Any = None

    def __init__(
        self,
        message: Any = None,
        *,
        code: str | None = None,
        status: int | None = None,
        admin_hint: Any = None,
        title: Any = None,
    ) -> None:
        super().__init__(code or self.code)
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if admin_hint is not None:
            self.admin_hint = admin_hint
        if title is not None:
            self.title = title


class LaunchError(BoussoleError):
    """A login or launch that the tool refuses."""

    status = 400
    title = _l("This activity could not be opened")
    message = _l(
        "Your course could not open this activity. Go back to your course and open it again; "
        "if it happens again, tell your teacher or your platform's administrator."
    )


class AccessDenied(BoussoleError):
    status = 403
    code = "forbidden"
    title = _l("Access denied")
    message = _l("You do not have access to this page.")


class NotFound(BoussoleError):
    status = 404
    code = "not_found"
    title = _l("Page not found")
    message = _l("This page does not exist or is no longer available.")


class SessionExpired(BoussoleError):
    status = 401
    code = "session_expired"
    title = _l("Your session has expired")
    message = _l(
        "For your security, this page is only valid for a limited time. Go back to your course "
        "and open the activity again: your answers are kept."
    )


class BadRequest(BoussoleError):
    status = 400
    code = "bad_request"
    title = _l("Invalid request")
    message = _l("The form could not be processed. Go back and try again.")


class TooLarge(BoussoleError):
    status = 413
    code = "too_large"
    title = _l("Too much data sent")
    message = _l("What was sent is larger than this page accepts.")


def render_error(err: BoussoleError) -> tuple[str, int]:
    return (
        render_template(
            "error.html",
            title=err.title,
            message=err.message,
            admin_hint=err.admin_hint,
            code=err.code,
        ),
        err.status,
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(BoussoleError)
    def _boussole_error(err: BoussoleError) -> tuple[str, int]:
        log.info("refused request: %s (%s)", err.code, err.status)
        return render_error(err)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> tuple[str, int]:
        status = err.code or 500
        if status == 404:
            return render_error(NotFound())
        if status == 403:
            return render_error(AccessDenied())
        if status == 405:
            return render_error(BadRequest(code="method_not_allowed", status=405))
        if status == 400:
            return render_error(BadRequest())
        if status == 413:
            # The body is refused unread: the page must not try to parse it (locale, forms).
            request.form = ImmutableMultiDict()
            request.files = ImmutableMultiDict()
            return render_error(TooLarge())
        return render_error(BoussoleError(status=status, code=f"http_{status}"))

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> tuple[str, int]:
        log.exception("unexpected error")
        return render_error(
            BoussoleError(
                status=500,
                code="internal",
                message=_l(
                    "An unexpected error occurred. Nothing you entered has been lost; "
                    "please try again in a moment."
                ),
            )
        )
