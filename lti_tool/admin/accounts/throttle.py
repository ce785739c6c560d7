"""Sign-in throttling per account and per client, in the database so every worker sees it.

After ``SIGNIN_MAX_FAILURES`` failures within ``SIGNIN_LOCK_MINUTES`` for the same account name
or from the same client address, further tries are refused with 429 until the oldest of those
failures is older than the window, without computing a password hash. Names and addresses are
stored only as keyed hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import SignInFailure
from models.base import utcnow


def _hash(kind: str, value: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"sign-in:{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def keys_for(username: str, client_address: str | None) -> list[str]:
    return [
        _hash("account", username.strip().lower()),
        _hash("client", client_address or "unknown"),
    ]


def _window() -> timedelta:
    return timedelta(minutes=float(current_app.config["SIGNIN_LOCK_MINUTES"]))


def _limit() -> int:
    return max(1, int(current_app.config["SIGNIN_MAX_FAILURES"]))


def retry_after(db: Session, keys: list[str], now: datetime | None = None) -> int:
    """Seconds before a try is allowed again for any of ``keys`` (0: allowed now)."""
    now = now or utcnow()
    wait = 0.0
    for key in keys:
        recent = list(
            db.scalars(
                select(SignInFailure.failed_at)
                .where(SignInFailure.key == key, SignInFailure.failed_at > now - _window())
                .order_by(SignInFailure.failed_at.desc())
                .limit(_limit())
            )
        )
        if len(recent) >= _limit():
            wait = max(wait, (recent[-1] + _window() - now).total_seconds())
    return math.ceil(wait) if wait > 0 else 0


def record_failure(db: Session, keys: list[str]) -> None:
    now = utcnow()
    db.execute(delete(SignInFailure).where(SignInFailure.failed_at <= now - _window()))
    db.add_all(SignInFailure(key=key, failed_at=now) for key in keys)
    db.flush()


def clear_account(db: Session, keys: list[str]) -> None:
    """A successful sign-in forgets the failures of that account (not of the client: signing
    in to one's own account must not reset the count of guesses at others')."""
    db.execute(delete(SignInFailure).where(SignInFailure.key == keys[0]))
