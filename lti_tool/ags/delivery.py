"""Delivering the score outbox: in process after the response, and from ``boussole outbox run``.

Each row is claimed before it is sent (a conditional update; on PostgreSQL the candidates are
picked with ``FOR UPDATE SKIP LOCKED``), so several workers never send the same row at once. A
claim is a lease: a worker killed mid-delivery leaves a row that another worker takes back when the
lease runs out. A score sent twice that way carries the same timestamp, which Moodle refuses with
409: counted as delivered, so the platform keeps exactly one.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from datetime import datetime, timedelta

import requests
from flask import Flask, after_this_request, current_app, g
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from lti_tool import db as database
from lti_tool.ags.client import AgsClient, AgsError
from lti_tool.ags.outbox import PENDING_LINEITEM, usable_lineitem
from lti_tool.lti import claims as C
from models import Activity, Platform, ScoreOutbox
from models.base import utcnow

log = logging.getLogger(__name__)
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(ScoreOutbox.status == PENDING, ScoreOutbox.next_try_at <= now),
        and_(ScoreOutbox.status == SENDING, ScoreOutbox.claimed_until < now),
    )


def claim(db: Session, worker: str, limit: int = 20, only: list[int] | None = None) -> list[int]:
    now = utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    query = select(ScoreOutbox.id).where(_due(now)).order_by(ScoreOutbox.id).limit(limit)
    if only is not None:
        query = query.where(ScoreOutbox.id.in_(only))
    if db.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = list(db.scalars(query))
    claimed = []
    for row_id in candidates:
        result = db.execute(
            update(ScoreOutbox)
            .where(ScoreOutbox.id == row_id, _due(now))
            .values(status=SENDING, claimed_by=worker, claimed_until=now + lease)
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(row_id)
    db.commit()
    return claimed


def backoff(tries: int) -> float:
    base = float(current_app.config["OUTBOX_BASE_DELAY"])
    cap = float(current_app.config["OUTBOX_MAX_DELAY"])
    return min(base * 2 ** max(tries - 1, 0), cap) * random.uniform(0.5, 1.5)  # noqa: S311


def deliver_one(db: Session, row_id: int, worker: str, http: requests.Session) -> str:
    row = db.get(ScoreOutbox, row_id)
    if row is None or row.status != SENDING or row.claimed_by != worker:
        return "skipped"
    platform = db.get(Platform, row.platform_id)
    now = utcnow()
    try:
        if platform is None:
            raise AgsError("the platform was removed", retry=False)
        client = AgsClient(db, platform, http)
        if not row.lineitem_url:
            row.lineitem_url = _lineitem(db, row, client)
        client.token((C.SCOPE_SCORE,))
        db.commit()  # keep no lock (cached token, line item) while waiting for the platform
        client.post_score(row.lineitem_url, row.payload)
    except AgsError as exc:
        row.tries += 1
        row.last_error = str(exc)[:500]
        row.claimed_by, row.claimed_until = None, None
        if exc.retry and row.tries < int(current_app.config["OUTBOX_MAX_TRIES"]):
            row.status = PENDING
            row.next_try_at = now + timedelta(seconds=backoff(row.tries))
        else:
            row.status = FAILED
            log.warning("score %s failed for good after %s tries", row.id, row.tries)
        db.commit()
        return row.status
    row.tries += 1
    row.status, row.delivered_at = DELIVERED, now
    row.claimed_by, row.claimed_until, row.last_error = None, None, None
    db.commit()
    return DELIVERED


def _lineitem(db: Session, row: ScoreOutbox, client: AgsClient) -> str:
    """The activity's line item, created through the line items service when there is none.

    One delivery creates it: it marks the activity "pending" with a conditional update (no row
    lock is held across HTTP), the others retry later and then find the line item. A pending mark
    older than the lease (a worker that died) may be taken over.
    """
    activity = db.get(Activity, row.activity_id) if row.activity_id else None
    if activity is None:
        raise AgsError("the activity of this score was removed", retry=False)
    current = activity.lineitem_url
    if usable_lineitem(current):
        return str(current)
    lineitems_url = row.lineitems_url or activity.lineitems_url
    if not lineitems_url:
        raise AgsError("the platform offers no line item for this activity", retry=False)
    lease = float(current_app.config["OUTBOX_LEASE_SECONDS"])
    now = utcnow().timestamp()
    if current and now - float(current[len(PENDING_LINEITEM) :] or 0) < lease:
        raise AgsError("the line item is being created by another delivery", retry=True)
    mark = f"{PENDING_LINEITEM}{now}"
    same = Activity.lineitem_url.is_(None) if current is None else Activity.lineitem_url == current
    claimed = db.execute(
        update(Activity).where(Activity.id == activity.id, same).values(lineitem_url=mark)
    )
    db.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise AgsError("the line item is being created by another delivery", retry=True)
    try:
        url = client.create_lineitem(
            lineitems_url, activity.title or "Boussole", row.resource_link_id
        )
    except AgsError:
        db.execute(
            update(Activity)
            .where(Activity.id == activity.id, Activity.lineitem_url == mark)
            .values(lineitem_url=None)
        )
        db.commit()
        raise
    db.execute(
        update(Activity)
        .where(Activity.id == activity.id, Activity.lineitem_url == mark)
        .values(lineitem_url=url)
    )
    db.commit()
    return url


def deliver_due(
    limit: int = 50, http: requests.Session | None = None, only: list[int] | None = None
) -> dict[str, int]:
    """Claim and deliver what is due (only the rows ``only`` names, if given); counts by outcome."""
    worker = worker_name()
    http = http or requests.Session()
    counts: dict[str, int] = {}
    with database.new_session() as db:
        for row_id in claim(db, worker, limit, only):
            outcome = deliver_one(db, row_id, worker, http)
            counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def seconds_to_next_try(db: Session, only: list[int]) -> float | None:
    """Seconds until the earliest of these pending scores is due (0 when one is due now)."""
    earliest = db.scalar(
        select(func.min(ScoreOutbox.next_try_at)).where(
            ScoreOutbox.status == PENDING, ScoreOutbox.id.in_(only)
        )
    )
    if earliest is None:
        return None
    if earliest.tzinfo is None:
        earliest = earliest.replace(tzinfo=utcnow().tzinfo)
    return max((earliest - utcnow()).total_seconds(), 0.0)


def follow_up(row_ids: list[int], horizon: float = 60.0, rounds: int = 6) -> None:
    """Deliver these scores now, then retry those due again within ``horizon`` seconds (a few
    rounds): without a ``boussole outbox run`` worker (the demo), a score retried after a passing
    failure still arrives. Other rows are the worker's."""
    for _ in range(rounds):
        deliver_due(limit=len(row_ids), only=row_ids)
        with database.new_session() as db:
            wait = seconds_to_next_try(db, row_ids)
        if wait is None or wait > horizon:
            return
        time.sleep(wait + 0.05)


def deliver_after_response() -> None:
    """Send what this request queued once the learner has the response (best effort: the
    ``boussole outbox run`` worker delivers whatever this misses)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("OUTBOX_IN_PROCESS", True):
        return

    @after_this_request
    def _schedule(response: Response) -> Response:
        row_ids = list(g.get("boussole_outbox_ids", ()))
        if not row_ids:
            return response

        def run() -> None:
            with app.app_context():
                try:
                    follow_up(row_ids)
                except Exception:  # noqa: BLE001 - the worker will retry; never break a page
                    log.exception("in-process score delivery failed")

        # A thread of its own: a sync worker stays free for the next request, which may be the
        # platform fetching this tool's JWKS to check the very token request being sent.
        response.call_on_close(lambda: threading.Thread(target=run, daemon=True).start())
        return response


def resend(db: Session, row_ids: list[int] | None = None) -> int:
    """Put failed rows (or the given ones) back in the queue."""
    query = update(ScoreOutbox).values(status=PENDING, next_try_at=utcnow(), tries=0)
    if row_ids:
        query = query.where(ScoreOutbox.id.in_(row_ids), ScoreOutbox.status != SENDING)
    else:
        query = query.where(ScoreOutbox.status == FAILED)
    return int(db.execute(query).rowcount)  # type: ignore[attr-defined]
