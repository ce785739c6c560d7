"""The signed, short-lived token that carries a launch through the tool's pages.

Browsers drop the tool's cookies inside the LMS iframe, so every form and link after the launch
carries this token instead. It names the launch record and nothing else; the record holds what the
pages need.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lti_tool.errors import AccessDenied, SessionExpired

SALT = "boussole-launch-token"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue(launch_id: str) -> str:
    return _serializer().dumps({"l": launch_id})


def read(token: str | None) -> str:
    """The launch id in a token, or :class:`SessionExpired` for a missing, bad or old token."""
    if not token:
        raise AccessDenied(
            code="launch_token_missing",
            message=_l(
                "This page opens from your course: go back to your course and open the activity."
            ),
        )
    try:
        data = _serializer().loads(token, max_age=current_app.config["LAUNCH_TOKEN_MAX_AGE"])
    except SignatureExpired as exc:
        raise SessionExpired(code="launch_token_expired") from exc
    except BadSignature as exc:
        raise SessionExpired(code="launch_token_invalid") from exc
    launch_id = data.get("l") if isinstance(data, dict) else None
    if not isinstance(launch_id, str):
        raise SessionExpired(code="launch_token_invalid")
    return launch_id
