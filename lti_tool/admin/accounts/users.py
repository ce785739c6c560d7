"""Setting an admin's password: the policy is checked, and every session of the account ends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from lti_tool.admin.accounts import passwords, sessions
from models import AdminUser


class PasswordRefused(ValueError):
    def __init__(self, problems: list[Any]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def find(db: Session, username: str) -> AdminUser | None:
    return db.scalars(select(AdminUser).where(AdminUser.username == username)).first()


def set_password(db: Session, user: AdminUser, password: str) -> int:
    """Check and store a new password; end the account's sessions (how many). Caller commits."""
    problems = passwords.problems(password, user.username)
    if problems:
        raise PasswordRefused(problems)
    user.password_hash = generate_password_hash(password)
    db.flush()
    return sessions.end_all(db, user)


def create(db: Session, username: str, password: str) -> AdminUser:
    problems = passwords.problems(password, username)
    if problems:
        raise PasswordRefused(problems)
    user = AdminUser(username=username, password_hash=generate_password_hash(password))
    db.add(user)
    db.flush()
    return user
