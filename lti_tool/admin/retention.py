"""Retention: learners' data is kept ``BOUSSOLE_RETENTION_DAYS`` days (730 by default), then purged.

``purge`` deletes attempts older than the retention — completed ones by their end, abandoned ones
(still in progress) by their last activity — with their responses and score outbox rows, outbox
rows older than the retention that no attempt holds any more, expired launch records and expired
LTI state values (nonces, login states). ``boussole purge`` runs it; schedule it daily (cron or a
systemd timer).
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from models import Attempt, LaunchRecord, LtiStateValue, Response, ScoreOutbox
from models.base import utcnow

log = logging.getLogger(__name__)
DEFAULT_DAYS = 730


def retention_days() -> int:
    """The retention in days: ``RETENTION_DAYS`` in the app config, else the environment."""
    value = current_app.config.get(
        "RETENTION_DAYS", int(os.environ.get("BOUSSOLE_RETENTION_DAYS", str(DEFAULT_DAYS)))
    )
    return int(value)


@dataclass(frozen=True)
class PurgeReport:
    cutoff: datetime
    attempts: int
    responses: int
    score_outbox: int
    launches: int
    lti_states: int
    dry_run: bool

    def counts(self) -> dict[str, int]:
        data = asdict(self)
        return {k: v for k, v in data.items() if isinstance(v, int) and not isinstance(v, bool)}


def _old_attempts(cutoff: datetime) -> Any:
    completed = and_(
        Attempt.status == "completed",
        func.coalesce(Attempt.finished_at, Attempt.created_at) < cutoff,
    )
    abandoned = and_(
        Attempt.status != "completed",
        func.coalesce(Attempt.current_shown_at, Attempt.created_at) < cutoff,
    )
    return or_(completed, abandoned)


def purge(
    db: Session, days: int, *, now: datetime | None = None, dry_run: bool = False
) -> PurgeReport:
    """Delete (or with ``dry_run`` only count) what is past the retention; flushes only."""
    if days < 1:
        raise ValueError("the retention must be at least one day")
    now = now or utcnow()
    cutoff = now - timedelta(days=days)
    attempt_ids = select(Attempt.id).where(_old_attempts(cutoff))
    # Rows of the purged attempts, and old rows no attempt holds any more (a row of an attempt
    # that is kept stays with it).
    outbox = or_(
        ScoreOutbox.attempt_id.in_(attempt_ids),
        and_(
            ScoreOutbox.attempt_id.is_(None),
            ScoreOutbox.created_at < cutoff,
            ScoreOutbox.status != "sending",
        ),
    )
    responses = Response.attempt_id.in_(attempt_ids)
    attempts = _old_attempts(cutoff)
    launches = LaunchRecord.expires_at <= now
    states = LtiStateValue.expires_at <= now
    targets: list[tuple[str, Any, Any]] = [
        ("score_outbox", ScoreOutbox, outbox),
        ("responses", Response, responses),
        ("attempts", Attempt, attempts),
        ("launches", LaunchRecord, launches),
        ("lti_states", LtiStateValue, states),
    ]
    counts: dict[str, int] = {}
    for name, model, condition in targets:
        if dry_run:
            counts[name] = int(
                db.scalar(select(func.count()).select_from(model).where(condition)) or 0
            )
        else:
            counts[name] = int(db.execute(delete(model).where(condition)).rowcount)  # type: ignore[attr-defined]
    db.flush()
    report = PurgeReport(cutoff=cutoff, dry_run=dry_run, **counts)
    if not dry_run:
        log.info("retention purge (%s days): %s", days, report.counts())
    return report
