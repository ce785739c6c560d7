"""Server-side admin sessions: the signed cookie names a row; no row, no session.

Logout deletes the row, a password change deletes every row of the account, and a row dies
after ``ADMIN_SESSION_IDLE_MINUTES`` without a request or ``ADMIN_SESSION_MAX_HOURS`` after
sign-in, whatever the cookie says. A copied cookie is therefore dead once its owner signs out.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, update
from sqlalchemy.orm import Session

from lti_tool import db as database
from models import AdminSession, AdminUser
from models.base import utcnow

#: The key of the Flask session (the signed cookie) that holds the token.
COOKIE_KEY = "admin_sid"
#: last_seen_at is written at most this often (one UPDATE a minute, not one per page).
_TOUCH_EVERY = timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _idle() -> timedelta:
    return timedelta(minutes=float(current_app.config["ADMIN_SESSION_IDLE_MINUTES"]))


def _lifetime() -> timedelta:
    return timedelta(hours=float(current_app.config["ADMIN_SESSION_MAX_HOURS"]))


def start(db: Session, user: AdminUser) -> str:
    """A new session for ``user``; the token to keep in the cookie."""
    sweep(db)
    token = secrets.token_urlsafe(32)
    db.add(AdminSession(id=_digest(token), admin_user_id=user.id))
    db.flush()
    return token


def _alive(row: AdminSession, now: datetime) -> bool:
    return now - row.last_seen_at < _idle() and now - row.created_at < _lifetime()


def user_of(db: Session, token: object) -> AdminUser | None:
    """The admin whose live session this token names (and the session marked as used)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    row = db.get(AdminSession, _digest(token))
    now = utcnow()
    if row is None or not _alive(row, now):
        return None
    if now - row.last_seen_at >= _TOUCH_EVERY:
        _touch(row.id, now)
        row.last_seen_at = now
    return db.get(AdminUser, row.admin_user_id)


def _touch(session_id: str, now: datetime) -> None:
    # In a transaction of its own: a GET page commits nothing, and a failing view must not
    # roll back the proof that the admin was active.
    with database.new_session() as own:
        own.execute(
            update(AdminSession).where(AdminSession.id == session_id).values(last_seen_at=now)
        )
        own.commit()


def end(db: Session, token: object) -> None:
    if isinstance(token, str):
        db.execute(delete(AdminSession).where(AdminSession.id == _digest(token)))


def end_all(db: Session, user: AdminUser) -> int:
    """End every session of ``user`` (password changed); how many there were."""
    result = db.execute(delete(AdminSession).where(AdminSession.admin_user_id == user.id))
    return int(getattr(result, "rowcount", 0) or 0)


def sweep(db: Session) -> None:
    """Delete the sessions that can no longer be used."""
    now = utcnow()
    db.execute(
        delete(AdminSession).where(
            or_(
                AdminSession.last_seen_at < now - _idle(),
                AdminSession.created_at < now - _lifetime(),
            )
        )
    )
