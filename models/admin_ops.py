"""Admin operations kept in the database: item review history and calibration runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, TimestampMixin


class ItemReview(TimestampMixin, Base):
    """One step of an item's review workflow (draft → reviewed → piloted → calibrated → retired)."""

    __tablename__ = "item_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    reviewer: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text, default=None)


class CalibrationRun(TimestampMixin, Base):
    """A calibration from the collected responses: progress while it runs, results to review,
    applied in one transaction (previous parameters go to ``item_parameter_history``)."""

    __tablename__ = "calibration_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: queued -> running -> done | failed; done -> applied
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    progress: Mapped[float] = mapped_column(default=0.0)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    requested_by: Mapped[str | None] = mapped_column(String(100), default=None)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Per item: before/after parameters, standard errors, fit, drift flag, pilot readiness.
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    applied_at: Mapped[datetime | None] = mapped_column(default=None)
    applied_by: Mapped[str | None] = mapped_column(String(100), default=None)
