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

    def summary(self) -> str:
        return (
            f"{len(self.created)} new item versions, {len(self.new_versions)} edited, "
            f"{self.unchanged} unchanged"
        )


def import_items(db: Session, items: Iterable[Item]) -> ImportReport:
    """Load items; a changed text makes a new version, older versions stay for old responses."""
    report = ImportReport()
    records = {r.id: r for r in db.scalars(select(ItemRecord))}
    for item in items:
        record = records.get(item.id)
        if record is None:
            record = ItemRecord(id=item.id, topic=item.topic, level=item.level, status="draft")
            db.add(record)
            records[item.id] = record
        record.topic, record.level = item.topic, item.level
        record.status = item.status.value
        record.difficulty_prior = item.difficulty_prior
        if item.irt is not None and record.irt_b is None:
            record.irt_model = item.irt.model.value
            record.irt_a, record.irt_b, record.irt_c = item.irt.a, item.irt.b, item.irt.c
            record.irt_se_a, record.irt_se_b, record.irt_n = (
                item.irt.se_a,
                item.irt.se_b,
                item.irt.n,
            )
        _import_version(db, item, report)
    db.flush()
    return report


def _import_version(db: Session, item: Item, report: ImportReport) -> None:
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
        return
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


def import_shipped_bank(db: Session) -> ImportReport:
    from item_bank.loader import load_bank

    return import_items(db, load_bank())


OPERATIONAL = ("reviewed", "piloted", "calibrated")
