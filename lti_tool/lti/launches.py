"""What the tool keeps of a validated launch, and how later pages find it again."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy.orm import Session

from lti_tool import db as database
from lti_tool.errors import AccessDenied, SessionExpired
from lti_tool.i18n import normalise_locale
from lti_tool.lti import claims as C
from lti_tool.lti import launch_token
from lti_tool.lti.validation import BoussoleMessageLaunch
from models import LaunchRecord
from models.base import utcnow

F = TypeVar("F", bound=Callable[..., Any])

_KEPT_SERVICE_CLAIMS = {
    "ags": C.AGS_ENDPOINT,
    "nrps": C.NRPS,
    "deep_linking": C.DL_SETTINGS,
    "custom": C.CUSTOM,
    "launch_presentation": C.LAUNCH_PRESENTATION,
}


def record_launch(db: Session, launch: BoussoleMessageLaunch) -> LaunchRecord:
    """Keep the launch's ids, role, locale and service endpoints; no names, no e-mails."""
    assert launch.platform is not None
    body = launch.body
    context = body.get(C.CONTEXT) or {}
    link = body.get(C.RESOURCE_LINK) or {}
    presentation = body.get(C.LAUNCH_PRESENTATION) or {}
    roles = [r for r in body.get(C.ROLES, []) if isinstance(r, str)]
    services = {name: body[claim] for name, claim in _KEPT_SERVICE_CLAIMS.items() if claim in body}
    locale = normalise_locale(
        presentation.get("locale") if isinstance(presentation, dict) else None
    )
    record = LaunchRecord(
        id=secrets.token_urlsafe(24),
        platform_id=launch.platform.id,
        deployment_id=str(body[C.DEPLOYMENT_ID]),
        message_type=str(body[C.MESSAGE_TYPE]),
        subject=str(body["sub"]),
        roles=roles,
        role=C.role_of(roles),
        context_id=str(context["id"]) if isinstance(context, dict) and "id" in context else None,
        context_title=context.get("title") if isinstance(context, dict) else None,
        resource_link_id=str(link["id"]) if isinstance(link, dict) and "id" in link else None,
        resource_link_title=link.get("title") if isinstance(link, dict) else None,
        locale=locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        services=services,
        expires_at=utcnow() + timedelta(seconds=current_app.config["LAUNCH_TOKEN_MAX_AGE"]),
    )
    db.add(record)
    db.flush()
    return record


def current_launch() -> LaunchRecord:
    """The launch named by the request's token (form field or query parameter ``lt``)."""
    if "launch" in g:
        launch: LaunchRecord = g.launch
        return launch
    token = request.form.get("lt") or request.args.get("lt")
    launch_id = launch_token.read(token)
    record = database.session().get(LaunchRecord, launch_id)
    if record is None:
        raise SessionExpired(code="launch_unknown")
    g.launch = record
    g.launch_token = token
    if not request.args.get("lang"):
        g.locale = record.locale
    return record


def require_launch(*roles: str) -> Callable[[F], F]:
    """A view reachable only with a valid launch token of one of ``roles``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            launch = current_launch()
            if roles and launch.role not in roles:
                raise AccessDenied(code="wrong_role")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
