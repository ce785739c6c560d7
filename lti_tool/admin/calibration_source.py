"""Which answers may teach the bank: completed attempts on platforms trusted for calibration.

Every platform that registered itself can send launches for learners it makes up, and their
answers would move the items' parameters for everyone. Only platforms an admin trusts
(``Platform.trusted_for_calibration``) feed calibration and the item statistics shared across
platforms; every such query starts from :func:`counted_attempts` or :func:`counted_responses`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import Session

from models import Attempt, Platform, Response


def counts_for_calibration() -> ColumnElement[bool]:
    """The condition on an ``Attempt`` joined with its ``Platform`` that lets its answers count."""
    return and_(Attempt.status == "completed", Platform.trusted_for_calibration.is_(True))


def counted_attempts(*columns: Any) -> Select[Any]:
    """``SELECT columns`` (default: attempts) over the attempts whose answers count."""
    return (
        select(*(columns or (Attempt,)))
        .join(Platform, Platform.id == Attempt.platform_id)
        .where(counts_for_calibration())
    )


def counted_responses(*columns: Any) -> Select[Any]:
    """``SELECT columns`` (default: responses) over the answers that count."""
    return (
        select(*(columns or (Response,)))
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Platform, Platform.id == Attempt.platform_id)
        .where(counts_for_calibration())
    )


def response_triples(db: Session) -> list[tuple[str, str, bool]]:
    """The answers that count as ``(attempt, item, correct)``, each attempt one examinee."""
    rows = db.execute(
        counted_responses(Response.attempt_id, Response.item_id, Response.correct).order_by(
            Response.attempt_id, Response.position
        )
    ).tuples()
    return [(str(attempt), item, bool(correct)) for attempt, item, correct in rows]


@dataclass(frozen=True)
class DataSummary:
    """What a run would use (a dataclass: in a template, ``summary.items`` must not be a method)."""

    attempts: int
    responses: int
    pilot_responses: int
    items: int
    untrusted_responses: int


def summary(db: Session) -> DataSummary:
    """What a run would use, and how many completed answers were left out as untrusted."""
    completed_untrusted = and_(
        Attempt.status == "completed", Platform.trusted_for_calibration.is_(False)
    )
    left_out = db.scalar(
        select(func.count(Response.id))
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(Platform, Platform.id == Attempt.platform_id)
        .where(completed_untrusted)
    )
    return DataSummary(
        attempts=db.scalar(counted_attempts(func.count(Attempt.id))) or 0,
        responses=db.scalar(counted_responses(func.count(Response.id))) or 0,
        pilot_responses=db.scalar(
            counted_responses(func.count(Response.id)).where(Response.pilot.is_(True))
        )
        or 0,
        items=db.scalar(counted_responses(func.count(func.distinct(Response.item_id)))) or 0,
        untrusted_responses=left_out or 0,
    )
