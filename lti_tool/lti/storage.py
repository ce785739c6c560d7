"""pylti1p3's launch data storage in the database, so any worker of any machine serves any request.

No session cookie is involved: keys are global and single-use where it matters (nonces, login
states), which is what lets the tool work where the browser drops third-party cookies.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from models import LtiStateValue
from models.base import utcnow

DEFAULT_LIFETIME = 3600


class DatabaseLaunchDataStorage(LaunchDataStorage[Any]):
    _session_cookie_name = ""  # no cookie: see the module docstring

    def __init__(self, db: Session) -> None:
        super().__init__()
        self.db = db

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        row = self.db.get(LtiStateValue, self._prepare_key(key))
        if row is None or row.expires_at <= utcnow():
            return None
        return row.value

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        full_key = self._prepare_key(key)
        expires = utcnow() + timedelta(seconds=exp or DEFAULT_LIFETIME)
        row = self.db.get(LtiStateValue, full_key)
        if row is None:
            self.db.add(LtiStateValue(key=full_key, value=value, expires_at=expires))
        else:
            row.value = value
            row.expires_at = expires
        self.db.flush()

    def check_value(self, key: str) -> bool:
        """Consume a single-use value (a nonce): true only for the first caller, before expiry."""
        return self.pop_value(key) is not None

    def pop_value(self, key: str) -> Any:
        """Delete a value and return it, atomically, so that two workers cannot both use it."""
        full_key = self._prepare_key(key)
        row = self.db.execute(
            select(LtiStateValue.value, LtiStateValue.expires_at).where(
                LtiStateValue.key == full_key
            )
        ).first()
        if row is None:
            return None
        result = self.db.execute(delete(LtiStateValue).where(LtiStateValue.key == full_key))
        if result.rowcount != 1 or row.expires_at <= utcnow():  # type: ignore[attr-defined]
            return None
        return row.value


def purge_expired(db: Session) -> int:
    result = db.execute(delete(LtiStateValue).where(LtiStateValue.expires_at <= utcnow()))
    return int(result.rowcount)  # type: ignore[attr-defined]
