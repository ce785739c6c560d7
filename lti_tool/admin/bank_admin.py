"""The item bank as the admin pages see it: search, the review workflow, export from the database.

Services flush; the views commit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from item_bank.schema import Item, SchemaError
from lti_tool.errors import BadRequest, BoussoleError
from models import ItemRecord, ItemReview, ItemVersion
from models.base import utcnow

PAGE_SIZE = 25
STATUSES = ("draft", "reviewed", "piloted", "calibrated", "retired")
#: The review workflow: forward one step, back for rework, or retire. A retired item is never
#: served again but stays readable for the attempts that used it; it can only restart as a draft.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("reviewed", "retired"),
    "reviewed": ("piloted", "draft", "retired"),
    "piloted": ("calibrated", "reviewed", "retired"),
    "calibrated": ("retired",),
    "retired": ("draft",),
}


class ReviewError(BadRequest):
    code = "review_refused"
    status = 409


# -- search -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ItemFilters:
    q: str = ""
    topic: str = ""
    level: int | None = None
    language: str = ""
    status: str = ""


@dataclass
class ItemRow:
    record: ItemRecord
    languages: list[str]
    stem: str


@dataclass
class Page:
    rows: list[ItemRow] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(filters: ItemFilters) -> Select[tuple[ItemRecord]]:
    query = select(ItemRecord)
    if filters.topic:
        query = query.where(ItemRecord.topic == filters.topic)
    if filters.level is not None:
        query = query.where(ItemRecord.level == filters.level)
    if filters.status:
        query = query.where(ItemRecord.status == filters.status)
    versions: list[ColumnElement[bool]] = [
        ItemVersion.item_id == ItemRecord.id,
        ItemVersion.current.is_(True),
    ]
    if filters.language:
        versions.append(ItemVersion.language == filters.language)
        query = query.where(select(ItemVersion.id).where(*versions).exists())
    if filters.q:
        pattern = _like(filters.q.strip())
        stem = ItemVersion.content["stem"].as_string()
        query = query.where(
            or_(
                ItemRecord.id.ilike(pattern, escape="\\"),
                select(ItemVersion.id).where(*versions, stem.ilike(pattern, escape="\\")).exists(),
            )
        )
    return query


def search(db: Session, filters: ItemFilters, page: int, ui_language: str) -> Page:
    query = _filtered(filters)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(page, 1), pages)
    records = list(
        db.scalars(query.order_by(ItemRecord.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    )
    current: dict[str, dict[str, ItemVersion]] = {}
    if records:
        for version in db.scalars(
            select(ItemVersion).where(
                ItemVersion.item_id.in_([r.id for r in records]), ItemVersion.current.is_(True)
            )
        ):
            current.setdefault(version.item_id, {})[version.language] = version
    rows = []
    for record in records:
        by_language = current.get(record.id, {})
        shown = by_language.get(ui_language) or next(iter(by_language.values()), None)
        rows.append(
            ItemRow(
                record, sorted(by_language), str(shown.content.get("stem", "")) if shown else ""
            )
        )
    return Page(rows, total, page, pages)


def topics(db: Session) -> list[str]:
    return list(db.scalars(select(ItemRecord.topic).distinct().order_by(ItemRecord.topic)))


# -- one item -----------------------------------------------------------------------------------
def versions_of(db: Session, item_id: str) -> list[ItemVersion]:
    return list(
        db.scalars(
            select(ItemVersion)
            .where(ItemVersion.item_id == item_id)
            .order_by(ItemVersion.language, ItemVersion.version.desc(), ItemVersion.id.desc())
        )
    )


def reviews_of(db: Session, item_id: str) -> list[ItemReview]:
    return list(
        db.scalars(
            select(ItemReview)
            .where(ItemReview.item_id == item_id)
            .order_by(ItemReview.created_at.desc(), ItemReview.id.desc())
        )
    )


def move(
    db: Session,
    record: ItemRecord,
    to_status: str,
    reviewer: str,
    note: str | None = None,
    *,
    expected_from: str | None = None,
) -> ItemReview:
    """Move an item along the review workflow; the step is recorded with its reviewer."""
    if expected_from and expected_from != record.status:
        raise ReviewError(
            _l("This item's status changed meanwhile: check it again before moving it."),
            code="review_stale",
        )
    if to_status not in TRANSITIONS.get(record.status, ()):
        raise ReviewError(
            _l("An item cannot go from this status to the one chosen."), code="review_transition"
        )
    if to_status == "calibrated" and record.irt_b is None:
        raise ReviewError(
            _l("An item is calibrated only once it has IRT parameters: run a calibration first."),
            code="review_no_parameters",
        )
    review = ItemReview(
        item_id=record.id,
        from_status=record.status,
        to_status=to_status,
        reviewer=reviewer,
        note=(note or "").strip() or None,
    )
    record.status = to_status
    record.reviewed_by = reviewer
    record.reviewed_at = utcnow()
    db.add(review)
    db.flush()
    return review


# -- export -------------------------------------------------------------------------------------
def current_params(record: ItemRecord) -> dict[str, Any] | None:
    if record.irt_b is None:
        return None
    irt: dict[str, Any] = {
        "model": record.irt_model or "2PL",
        "a": record.irt_a if record.irt_a is not None else 1.0,
        "b": record.irt_b,
        "c": record.irt_c or 0.0,
    }
    for key, value in (("se_a", record.irt_se_a), ("se_b", record.irt_se_b), ("n", record.irt_n)):
        if value is not None:
            irt[key] = value
    return irt


def item_of(record: ItemRecord, version: ItemVersion) -> Item:
    """The stored version as an ``Item``, with the status and parameters the database holds now."""
    data = dict(version.content)
    data["version"] = version.version
    data["status"] = record.status
    data["level"] = record.level
    data["difficulty_prior"] = record.difficulty_prior
    data.pop("irt", None)
    params = current_params(record)
    if params is not None:
        data["irt"] = params
    return Item.from_dict(
        data, file="database", language=version.language, topic=record.topic, label=record.id
    )


def items_for_export(
    db: Session, *, language: str = "", topic: str = "", status: str = ""
) -> list[Item]:
    """Current versions matching the filters; retired items only when asked for."""
    query = (
        select(ItemRecord, ItemVersion)
        .join(ItemVersion, ItemVersion.item_id == ItemRecord.id)
        .where(ItemVersion.current.is_(True))
        .order_by(ItemRecord.id, ItemVersion.language)
    )
    if language:
        query = query.where(ItemVersion.language == language)
    if topic:
        query = query.where(ItemRecord.topic == topic)
    query = query.where(ItemRecord.status == status if status else ItemRecord.status != "retired")
    items = []
    for record, version in db.execute(query).tuples():
        try:
            items.append(item_of(record, version))
        except SchemaError as error:
            raise BoussoleError(
                _l("Item %(id)s cannot be exported: %(error)s", id=record.id, error=str(error)),
                code="export_invalid_item",
            ) from error
    return items
