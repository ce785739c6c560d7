"""The item bank in the database: import with versions, and the current items for delivery."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from item_bank.schema import Item
from models import ItemRecord, ItemVersion


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: int = 0
    #: Items set to draft by this import (new, or edited without keeping the file's status).
    drafted: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{len(self.created)} new item versions, {len(self.new_versions)} edited, "
            f"{self.unchanged} unchanged"
        )
        return text + (f"; {len(self.drafted)} items set to draft" if self.drafted else "")


def import_items(db: Session, items: Iterable[Item], *, keep_status: bool) -> ImportReport:
    """Load items; a changed text makes a new version, older versions stay for old responses.

    ``keep_status=False`` (what an upload gets unless an admin asks otherwise): new items and
    items whose text changed start as ``draft``, so nothing reaches learners before a review;
    an unchanged item keeps the status it has. ``keep_status=True`` applies the file's status
    (the shipped, reviewed bank; or an admin who says the file's statuses are to be trusted).
    """
    report = ImportReport()
    records = {r.id: r for r in db.scalars(select(ItemRecord))}
    for item in items:
        record = records.get(item.id)
        if record is None:
            record = ItemRecord(id=item.id, topic=item.topic, level=item.level, status="draft")
            db.add(record)
            records[item.id] = record
        record.topic, record.level = item.topic, item.level
        record.difficulty_prior = item.difficulty_prior
        if item.irt is not None and record.irt_b is None:
            record.irt_model = item.irt.model.value
            record.irt_a, record.irt_b, record.irt_c = item.irt.a, item.irt.b, item.irt.c
            record.irt_se_a, record.irt_se_b, record.irt_n = (
                item.irt.se_a,
                item.irt.se_b,
                item.irt.n,
            )
        changed = _import_version(db, item, report)
        if keep_status:
            record.status = item.status.value
        elif changed and record.status != "retired" and record.id not in report.drafted:
            record.status = "draft"
            report.drafted.append(record.id)
    db.flush()
    return report


def _import_version(db: Session, item: Item, report: ImportReport) -> bool:
    """Store the item's text as a new current version unless it is unchanged (then False)."""
    digest = item.content_hash()
    current = db.scalars(
        select(ItemVersion).where(
            ItemVersion.item_id == item.id,
            ItemVersion.language == item.language,
            ItemVersion.current.is_(True),
        )
    ).first()
    if current is not None and current.content_hash == digest:
        report.unchanged += 1
        return False
    latest = db.scalar(
        select(func.max(ItemVersion.version)).where(
            ItemVersion.item_id == item.id, ItemVersion.language == item.language
        )
    )
    number = max(item.version, (latest or 0) + 1) if latest else item.version
    if current is not None:
        current.current = False
        report.new_versions.append(f"{item.id}/{item.language}")
    else:
        report.created.append(f"{item.id}/{item.language}")
    db.add(
        ItemVersion(
            item_id=item.id,
            language=item.language,
            version=number,
            current=True,
            content_hash=digest,
            content=item.to_dict(),
        )
    )
    db.flush()
    return True


def import_shipped_bank(db: Session) -> ImportReport:
    from item_bank.loader import load_bank

    # The project's own reviewed content, not an upload: its statuses hold.
    return import_items(db, load_bank(), keep_status=True)


OPERATIONAL = ("reviewed", "piloted", "calibrated")
