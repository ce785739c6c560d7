"""The engine's item pool, built from the database's current item versions, cached per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from item_bank.irt.pool import ItemPool
from models import ItemRecord, ItemVersion

OPERATIONAL = ("reviewed", "piloted", "calibrated")
_lock = threading.Lock()
_cache: dict[str, tuple[tuple[object, ...], LanguagePool]] = {}


@dataclass(frozen=True)
class LanguagePool:
    pool: ItemPool
    version_ids: dict[str, int]  # item id -> current version id in this language


def _revision(db: Session, language: str) -> tuple[object, ...]:
    versions = db.execute(
        select(func.max(ItemVersion.id), func.count(ItemVersion.id)).where(
            ItemVersion.language == language, ItemVersion.current.is_(True)
        )
    ).one()
    items = db.execute(select(func.max(ItemRecord.updated_at), func.count(ItemRecord.id))).one()
    return (*versions, *items)


def pool_for(db: Session, language: str) -> LanguagePool:
    """The pool of a language, rebuilt only when the bank changed (two small queries tell)."""
    revision = _revision(db, language)
    with _lock:
        cached = _cache.get(language)
        if cached and cached[0] == revision:
            return cached[1]
    rows = db.execute(
        select(ItemRecord, ItemVersion.id)
        .join(ItemVersion, ItemVersion.item_id == ItemRecord.id)
        .where(
            ItemVersion.language == language,
            ItemVersion.current.is_(True),
            ItemRecord.status.in_(OPERATIONAL),
        )
        .order_by(ItemRecord.id)
    ).all()
    params = [r.ItemRecord.params for r in rows]
    pool = ItemPool(
        ids=[r.ItemRecord.id for r in rows],
        a=[p[0] for p in params],
        b=[p[1] for p in params],
        c=[p[2] for p in params],
        topic=[r.ItemRecord.topic for r in rows],
        level=[r.ItemRecord.level for r in rows],
        # Piloted items without parameters collect data and are never scored.
        pilot=[r.ItemRecord.status == "piloted" and r.ItemRecord.irt_b is None for r in rows],
        language=[language] * len(rows),
    )
    built = LanguagePool(pool, {r.ItemRecord.id: r[1] for r in rows})
    with _lock:
        _cache[language] = (revision, built)
    return built


def clear() -> None:
    with _lock:
        _cache.clear()
