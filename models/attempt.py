"""Activities (per resource link), attempts and responses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow


class Activity(TimestampMixin, Base):
    """A placed activity: a resource link of a platform, with its settings and its line item."""

    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("platform_id", "resource_link_id", name="uq_activity_platform_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[str | None] = mapped_column(String(255), default=None)
    title: Mapped[str | None] = mapped_column(String(500), default=None)
    #: The activity's settings (see ``lti_tool.quiz.settings.ActivitySettings``); the deep-linking
    #: custom parameters are the first source, an instructor's edits are kept here.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    settings_edited: Mapped[bool] = mapped_column(default=False)
    lineitem_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    lineitems_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Attempt(TimestampMixin, Base):
    __tablename__ = "attempt"
    __table_args__ = (
        Index("ix_attempt_learner", "activity_id", "subject"),
        UniqueConstraint("activity_id", "subject", "number", name="uq_attempt_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    #: The learner: the platform's opaque ``sub`` (pseudonymous).
    subject: Mapped[str] = mapped_column(String(255))
    number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), default="in_progress", index=True)
    language: Mapped[str] = mapped_column(String(5))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    engine_state: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The item on screen, waiting for its answer (the next position is ``answered + 1``).
    current_item_id: Mapped[str | None] = mapped_column(String(20), default=None)
    current_version_id: Mapped[int | None] = mapped_column(default=None)
    current_pilot: Mapped[bool] = mapped_column(default=False)
    current_order: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    current_shown_at: Mapped[datetime | None] = mapped_column(default=None)
    answered: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    stop_reason: Mapped[str | None] = mapped_column(String(20), default=None)
    theta: Mapped[float | None] = mapped_column(default=None)
    se: Mapped[float | None] = mapped_column(default=None)
    score: Mapped[float | None] = mapped_column(default=None)
    score_low: Mapped[float | None] = mapped_column(default=None)
    score_high: Mapped[float | None] = mapped_column(default=None)
    level: Mapped[int | None] = mapped_column(default=None)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    activity: Mapped[Activity] = relationship()
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", order_by="Response.position", cascade="all, delete-orphan"
    )


class Response(Base):
    __tablename__ = "response"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_response_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    item_id: Mapped[str] = mapped_column(String(20), index=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_version.id"))
    #: Option indices as stored in the item (not as shown), in the order chosen.
    chosen: Mapped[list[int]] = mapped_column(JSON)
    correct: Mapped[bool] = mapped_column()
    pilot: Mapped[bool] = mapped_column(default=False)
    theta_after: Mapped[float] = mapped_column()
    se_after: Mapped[float] = mapped_column()
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    time_ms: Mapped[int | None] = mapped_column(default=None)
    attempt: Mapped[Attempt] = relationship(back_populates="responses")


class ScoreOutbox(TimestampMixin, Base):
    """A score to post to the platform's line item; written in the attempt's transaction."""

    __tablename__ = "score_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("attempt.id", ondelete="SET NULL"), default=None
    )
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activity.id", ondelete="CASCADE"), default=None
    )
    subject: Mapped[str] = mapped_column(String(255))
    #: Where the score goes; without a line item, one is created through ``lineitems_url``.
    lineitem_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    lineitems_url: Mapped[str | None] = mapped_column(String(1000), default=None)
    resource_link_id: Mapped[str | None] = mapped_column(String(255), default=None)
    #: The score as AGS wants it (userId, scoreGiven, timestamp, activityProgress, ...).
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: pending -> delivered | failed; "sending" while a worker holds it.
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)
