"""Admin sign-in with a local account and a server-side session (first-party, not in an iframe)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash

from lti_tool import db as database
from lti_tool.admin.accounts import sessions
from lti_tool.errors import AccessDenied
from models import AdminUser

F = TypeVar("F", bound=Callable[..., Any])

# A hash to compare against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = "scrypt:32768:8:1$Zq2wgD2kYkq3Qh7F$" + "0" * 128


def authenticate(username: str, password: str) -> AdminUser | None:
    user = (
        database.session().scalars(select(AdminUser).where(AdminUser.username == username)).first()
    )
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def sign_in(user: AdminUser) -> None:
    """A new session for this browser (a fresh cookie: no session fixation). Caller commits."""
    session.clear()
    session[sessions.COOKIE_KEY] = sessions.start(database.session(), user)
    g.admin_user = user


def sign_out() -> None:
    """End this browser's session on the server, then forget the cookie. Caller commits."""
    sessions.end(database.session(), session.get(sessions.COOKIE_KEY))
    session.clear()
    g.admin_user = None


def current_admin() -> AdminUser | None:
    if "admin_user" not in g:
        token = session.get(sessions.COOKIE_KEY)
        g.admin_user = sessions.user_of(database.session(), token) if token else None
    user: AdminUser | None = g.admin_user
    return user


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_admin() is None:
            if request.method == "GET" and not request.args.get("lt"):
                # A 403 page that offers the sign-in form, then comes back here.
                from lti_tool.admin.forms import LoginForm

                page = render_template(
                    "admin/login.html",
                    form=LoginForm(),
                    error=None,
                    action=url_for("admin.login", next=request.full_path.rstrip("?")),
                )
                return page, 403
            raise AccessDenied(code="admin_required")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
