"""One learner's data: find it, export it (GDPR art. 15), erase it (art. 17).

A learner is the platform plus the LTI ``sub`` the platform sends (pseudonymous: no name or e-mail
is ever stored). Erasure deletes their attempts, responses, launch records and score outbox rows
in one transaction; the log line that records it carries counts, never the ``sub``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import Attempt, LaunchRecord, Platform, Response, ScoreOutbox
from models.base import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LearnerSummary:
    platform: Platform
    subject: str
    launches: int
    attempts: int
    responses: int
    outbox: int

    @property
    def found(self) -> bool:
        return bool(self.launches or self.attempts or self.outbox)


def _attempt_ids(platform_id: int, subject: str) -> Any:
    return select(Attempt.id).where(Attempt.platform_id == platform_id, Attempt.subject == subject)


def summary(db: Session, platform: Platform, subject: str) -> LearnerSummary:
    def count(query: Any) -> int:
        return int(db.scalar(query) or 0)

    pid = platform.id
    return LearnerSummary(
        platform=platform,
        subject=subject,
        launches=count(
            select(func.count(LaunchRecord.id)).where(
                LaunchRecord.platform_id == pid, LaunchRecord.subject == subject
            )
        ),
        attempts=count(
            select(func.count(Attempt.id)).where(
                Attempt.platform_id == pid, Attempt.subject == subject
            )
        ),
        responses=count(
            select(func.count(Response.id)).where(
                Response.attempt_id.in_(_attempt_ids(pid, subject))
            )
        ),
        outbox=count(
            select(func.count(ScoreOutbox.id)).where(
                ScoreOutbox.platform_id == pid, ScoreOutbox.subject == subject
            )
        ),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export(db: Session, platform: Platform, subject: str) -> dict[str, Any]:
    """Everything stored about the learner, as JSON-ready data."""
    pid = platform.id
    launches = db.scalars(
        select(LaunchRecord)
        .where(LaunchRecord.platform_id == pid, LaunchRecord.subject == subject)
        .order_by(LaunchRecord.created_at)
    )
    attempts = db.scalars(
        select(Attempt)
        .where(Attempt.platform_id == pid, Attempt.subject == subject)
        .order_by(Attempt.created_at, Attempt.id)
    )
    outbox = db.scalars(
        select(ScoreOutbox)
        .where(ScoreOutbox.platform_id == pid, ScoreOutbox.subject == subject)
        .order_by(ScoreOutbox.id)
    )
    return {
        "exported_at": _iso(utcnow()),
        "learner": {
            "platform": {
                "issuer": platform.issuer,
                "client_id": platform.client_id,
                "name": platform.name,
            },
            "subject": subject,
        },
        "launches": [_launch(r) for r in launches],
        "attempts": [_attempt(a) for a in attempts],
        "score_outbox": [_outbox(o) for o in outbox],
    }


def _launch(r: LaunchRecord) -> dict[str, Any]:
    return {
        "id": r.id,
        "created_at": _iso(r.created_at),
        "expires_at": _iso(r.expires_at),
        "deployment_id": r.deployment_id,
        "message_type": r.message_type,
        "roles": r.roles,
        "role": r.role,
        "context_id": r.context_id,
        "context_title": r.context_title,
        "resource_link_id": r.resource_link_id,
        "resource_link_title": r.resource_link_title,
        "locale": r.locale,
        "services": r.services,
    }


def _attempt(a: Attempt) -> dict[str, Any]:
    return {
        "id": a.id,
        "activity": {
            "resource_link_id": a.activity.resource_link_id,
            "context_id": a.activity.context_id,
            "title": a.activity.title,
        },
        "number": a.number,
        "status": a.status,
        "language": a.language,
        "created_at": _iso(a.created_at),
        "finished_at": _iso(a.finished_at),
        "stop_reason": a.stop_reason,
        "answered": a.answered,
        "theta": a.theta,
        "se": a.se,
        "score": a.score,
        "score_low": a.score_low,
        "score_high": a.score_high,
        "level": a.level,
        "settings": a.settings,
        "result": a.result,
        "engine_state": a.engine_state,
        "current_item_id": a.current_item_id,
        "responses": [
            {
                "position": r.position,
                "item_id": r.item_id,
                "item_version_id": r.item_version_id,
                "chosen": r.chosen,
                "correct": r.correct,
                "pilot": r.pilot,
                "theta_after": r.theta_after,
                "se_after": r.se_after,
                "answered_at": _iso(r.answered_at),
                "time_ms": r.time_ms,
            }
            for r in a.responses
        ],
    }


def _outbox(o: ScoreOutbox) -> dict[str, Any]:
    return {
        "id": o.id,
        "attempt_id": o.attempt_id,
        "created_at": _iso(o.created_at),
        "status": o.status,
        "tries": o.tries,
        "lineitem_url": o.lineitem_url,
        "resource_link_id": o.resource_link_id,
        "payload": o.payload,
        "last_error": o.last_error,
        "delivered_at": _iso(o.delivered_at),
    }


def erase(db: Session, platform: Platform, subject: str) -> dict[str, int]:
    """Delete the learner's data (flushes; the caller commits, so it is one transaction)."""
    pid = platform.id
    attempt_ids = _attempt_ids(pid, subject)
    counts = {
        "score_outbox": db.execute(
            delete(ScoreOutbox).where(
                (ScoreOutbox.platform_id == pid) & (ScoreOutbox.subject == subject)
                | ScoreOutbox.attempt_id.in_(attempt_ids)
            )
        ).rowcount,  # type: ignore[attr-defined]
        "responses": db.execute(
            delete(Response).where(Response.attempt_id.in_(attempt_ids))
        ).rowcount,  # type: ignore[attr-defined]
        "attempts": db.execute(
            delete(Attempt).where(Attempt.platform_id == pid, Attempt.subject == subject)
        ).rowcount,  # type: ignore[attr-defined]
        "launches": db.execute(
            delete(LaunchRecord).where(
                LaunchRecord.platform_id == pid, LaunchRecord.subject == subject
            )
        ).rowcount,  # type: ignore[attr-defined]
    }
    db.flush()
    # Counts and the platform's id only: the learner's sub is personal data.
    log.info(
        "learner data erased on platform %s: %s attempts, %s responses, %s launches, "
        "%s outbox rows",
        pid,
        counts["attempts"],
        counts["responses"],
        counts["launches"],
        counts["score_outbox"],
    )
    return {k: int(v) for k, v in counts.items()}
