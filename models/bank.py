"""The item bank in the database: one row per item, one per version and language.

Responses point at the exact version they answered; editing an item's text makes a new version and
a retired item stays readable for old attempts. IRT parameters belong to the item (shared by its
French and English versions, which say the same thing), with the previous values kept per
calibration run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, utcnow


class ItemRecord(TimestampMixin, Base):
    __tablename__ = "item"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    topic: Mapped[str] = mapped_column(String(10), index=True)
    level: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(String(12), index=True)
    difficulty_prior: Mapped[float] = mapped_column(default=0.0)
    irt_model: Mapped[str | None] = mapped_column(String(4), default=None)
    irt_a: Mapped[float | None] = mapped_column(default=None)
    irt_b: Mapped[float | None] = mapped_column(default=None)
    irt_c: Mapped[float | None] = mapped_column(default=None)
    irt_se_a: Mapped[float | None] = mapped_column(default=None)
    irt_se_b: Mapped[float | None] = mapped_column(default=None)
    irt_n: Mapped[int | None] = mapped_column(default=None)
    reviewed_by: Mapped[str | None] = mapped_column(String(100), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.id", cascade="all, delete-orphan"
    )

    @property
    def params(self) -> tuple[float, float, float]:
        """(a, b, c) for the engine: calibrated values, else a = 1 and b from the expert prior."""
        if self.irt_b is not None:
            return (self.irt_a or 1.0, self.irt_b, self.irt_c or 0.0)
        return (1.0, self.difficulty_prior, 0.0)


class ItemVersion(TimestampMixin, Base):
    __tablename__ = "item_version"
    __table_args__ = (
        UniqueConstraint("item_id", "language", "version", name="uq_item_version_lang_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column()
    #: True for the version served to new attempts in this language.
    current: Mapped[bool] = mapped_column(default=True, index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: The item as ``item_bank.schema.Item.to_dict()`` gives it: stem, options, feedback, sources.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    item: Mapped[ItemRecord] = relationship(back_populates="versions")


class ParameterHistory(TimestampMixin, Base):
    """Previous IRT parameters of an item, kept when a calibration is applied."""

    __tablename__ = "item_parameter_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    calibration_run_id: Mapped[int | None] = mapped_column(default=None)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
