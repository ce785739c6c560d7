"""The score outbox: rows written in the attempt's transaction, delivered after it commits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy.orm import Session

from models import Activity, Attempt, ScoreOutbox
from models.base import utcnow

#: An activity's line item being created by one delivery (the others wait): "pending:<epoch>".
PENDING_LINEITEM = "pending:"


def usable_lineitem(url: str | None) -> str | None:
    return None if not url or url.startswith(PENDING_LINEITEM) else url


def iso(moment: datetime) -> str:
    """AGS timestamps: ISO 8601 with microseconds, so two scores never share one (Moodle: 409)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def enqueue(
    db: Session,
    activity: Activity,
    attempt: Attempt | None,
    subject: str,
    payload: dict[str, Any],
) -> ScoreOutbox | None:
    """Queue a score for the activity's line item; None when the platform offers no AGS."""
    if not activity.lineitem_url and not activity.lineitems_url:
        return None
    row = ScoreOutbox(
        attempt_id=attempt.id if attempt is not None else None,
        platform_id=activity.platform_id,
        activity_id=activity.id,
        subject=subject,
        lineitem_url=usable_lineitem(activity.lineitem_url),
        lineitems_url=activity.lineitems_url,
        resource_link_id=activity.resource_link_id,
        payload={"userId": subject, **payload},
        status="pending",
        next_try_at=utcnow(),
    )
    db.add(row)
    db.flush()
    if has_request_context():  # delivered right after this request's response
        g.setdefault("boussole_outbox_ids", []).append(row.id)
    return row


def started(activity: Activity, attempt: Attempt) -> dict[str, Any]:
    return {
        "activityProgress": "Started",
        "gradingProgress": "NotReady",
        "timestamp": iso(attempt.created_at),
    }


def completed(score: float, comment: str, moment: datetime) -> dict[str, Any]:
    return {
        "scoreGiven": round(float(score), 2),
        "scoreMaximum": 100,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": iso(moment),
        "comment": comment,
    }
