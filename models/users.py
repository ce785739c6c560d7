"""Local admin accounts (the tool's own administration, outside any LMS), their sessions, and the
failed sign-ins that throttle guessing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin, utcnow


class AdminUser(TimestampMixin, Base):
    __tablename__ = "admin_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))


class AdminSession(TimestampMixin, Base):
    """A signed-in admin's session. The cookie holds a random token; the row holds only its
    SHA-256, so a copy of the database opens no session. Deleting the row ends the session."""

    __tablename__ = "admin_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_user_id: Mapped[int] = mapped_column(
        ForeignKey("admin_user.id", ondelete="CASCADE"), index=True
    )
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SignInFailure(Base):
    """One failed sign-in, under a keyed hash of the account name or of the client address (no
    name or address is stored in clear). Rows older than the lock window are swept."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_key_failed_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
