"""Boussole's SQLAlchemy 2 typed models. The schema changes only through Alembic migrations."""

from models.admin_ops import CalibrationRun, ItemReview
from models.attempt import Activity, Attempt, Response, ScoreOutbox
from models.bank import ItemRecord, ItemVersion, ParameterHistory
from models.base import Base
from models.lti import AccessTokenCache, Deployment, LaunchRecord, LtiStateValue, Platform, ToolKey
from models.users import AdminSession, AdminUser, SignInFailure

__all__ = [
    "AccessTokenCache",
    "Activity",
    "Attempt",
    "ItemRecord",
    "ItemReview",
    "ItemVersion",
    "ParameterHistory",
    "Response",
    "ScoreOutbox",
    "AdminSession",
    "AdminUser",
    "SignInFailure",
    "Base",
    "CalibrationRun",
    "Deployment",
    "LaunchRecord",
    "LtiStateValue",
    "Platform",
    "ToolKey",
]
