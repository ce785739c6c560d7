"""Boussole's SQLAlchemy 2 typed models. The schema changes only through Alembic migrations."""

from models.base import Base
from models.lti import AccessTokenCache, Deployment, LaunchRecord, LtiStateValue, Platform, ToolKey
from models.users import AdminUser

__all__ = [
    "AccessTokenCache",
    "AdminUser",
    "Base",
    "Deployment",
    "LaunchRecord",
    "LtiStateValue",
    "Platform",
    "ToolKey",
]
