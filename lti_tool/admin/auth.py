"""Admin sign-in with a local account and a first-party session cookie (not in an iframe)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash

from lti_tool import db as database
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


def current_admin() -> AdminUser | None:
    user_id = session.get("admin_id")
    if not user_id:
        return None
    return database.session().get(AdminUser, user_id)


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
