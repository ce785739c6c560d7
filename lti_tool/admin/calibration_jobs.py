"""Calibration runs: created by an admin, executed in a background thread (or synchronously),
reviewed, then applied in one transaction.

A run reads the responses of completed attempts on trusted platforms (``calibration_source``;
pilot ones included; each attempt is one examinee) and computes new parameters
(``calibration_compute``); it writes nothing but its own row. Applying it keeps the previous
parameters in ``ParameterHistory`` with the run's id, writes the new ones and promotes the ready
pilot items to ``calibrated``; a run is applied at most once, and never after a later run has been
applied.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lti_tool import db as database
from lti_tool.admin import calibration_source
from lti_tool.admin.bank_admin import current_params
from lti_tool.admin.calibration_compute import CalibrationFailed, ItemSnapshot, compute
from lti_tool.errors import BadRequest, NotFound
from models import CalibrationRun, ItemRecord, ItemReview, ParameterHistory
from models.base import utcnow

log = logging.getLogger(__name__)
QUEUED, RUNNING, DONE, FAILED, APPLIED = "queued", "running", "done", "failed", "applied"
ACTIVE = (QUEUED, RUNNING)
#: A run still queued or running after this long died with its process.
STALE_AFTER = timedelta(hours=2)
#: Progress is written at most this often (seconds), so the database is not hammered.
PROGRESS_EVERY = 0.3


class RunRefused(BadRequest):
    code = "calibration_refused"
    status = 409


# -- collecting ----------------------------------------------------------------------------------
def collect(db: Session) -> tuple[dict[str, ItemSnapshot], list[tuple[str, str, bool]]]:
    """The answers that count (``calibration_source``) as ``(attempt, item, correct)`` and the
    items' state."""
    triples = calibration_source.response_triples(db)
    items = {
        r.id: ItemSnapshot(r.id, r.topic, r.level, r.status, r.difficulty_prior, current_params(r))
        for r in db.scalars(select(ItemRecord))
    }
    return items, triples


def data_summary(db: Session) -> calibration_source.DataSummary:
    """What a run would use: completed attempts of trusted platforms, their answers, the items."""
    return calibration_source.summary(db)


# -- runs ------------------------------------------------------------------------------------
def mark_stale(db: Session) -> int:
    """Runs left queued or running by a process that stopped are failed, so a new one can start."""
    result = db.execute(
        update(CalibrationRun)
        .where(
            CalibrationRun.status.in_(ACTIVE), CalibrationRun.created_at < utcnow() - STALE_AFTER
        )
        .values(status=FAILED, message="interrupted", finished_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def create_run(db: Session, requested_by: str, settings: dict[str, Any]) -> CalibrationRun:
    mark_stale(db)
    if db.scalar(select(func.count(CalibrationRun.id)).where(CalibrationRun.status.in_(ACTIVE))):
        raise RunRefused(
            _l("A calibration is already running: wait for it to finish."), code="calibration_busy"
        )
    run = CalibrationRun(
        status=QUEUED, progress=0.0, message="queued", requested_by=requested_by, settings=settings
    )
    db.add(run)
    db.flush()
    return run


def execute(run_id: int) -> str:
    """Execute a queued run in a session of its own (needs an app context); returns its status.

    Only the run's own row is written, progress included, so a failed run changes nothing else.
    """
    with database.new_session() as db:
        claimed = db.execute(
            update(CalibrationRun)
            .where(CalibrationRun.id == run_id, CalibrationRun.status == QUEUED)
            .values(status=RUNNING, started_at=utcnow(), message="collect", progress=0.01)
        )
        db.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return "skipped"
        run = db.get(CalibrationRun, run_id)
        assert run is not None
        last = [0.0]

        def progress(fraction: float, message: str) -> None:
            run.progress, run.message = round(fraction, 4), message
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY:
                last[0] = now
                db.commit()

        try:
            items, triples = collect(db)
            result = compute(items, triples, dict(run.settings or {}), progress)
        except CalibrationFailed as failure:
            db.rollback()
            run.status, run.message = FAILED, failure.code
        except Exception as exc:  # noqa: BLE001 - any failure is shown on the run's page
            log.exception("calibration run %s failed", run_id)
            db.rollback()
            run.status, run.message = FAILED, f"error:{type(exc).__name__}: {exc}"[:1000]
        else:
            run.status, run.message, run.progress, run.result = DONE, "done", 1.0, result
        run.finished_at = utcnow()
        db.commit()
        log.info("calibration run %s: %s", run_id, run.status)
        return run.status


_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


def start_in_background(app: Flask, run_id: int) -> threading.Thread:
    """Execute the run in a thread of this process (the run must be committed first)."""

    def target() -> None:
        with app.app_context():
            try:
                execute(run_id)
            except Exception:  # noqa: BLE001 - logged; the run page shows it as not finished
                log.exception("calibration thread for run %s crashed", run_id)

    thread = threading.Thread(target=target, name=f"calibration-{run_id}", daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()
    return thread


def wait_for_jobs(timeout: float = 60.0) -> bool:
    """Wait for this process's calibration threads (tests, shutdown); true if all finished."""
    deadline = time.monotonic() + timeout
    with _threads_lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return not any(t.is_alive() for t in threads)


# -- applying ---------------------------------------------------------------------------------
@dataclass
class ApplyReport:
    updated: list[str] = field(default_factory=list)
    promoted: list[str] = field(default_factory=list)


def apply_run(db: Session, run_id: int, admin: str) -> ApplyReport:
    """Write a finished run's parameters (flushes; the caller commits or rolls back as one)."""
    run = db.get(CalibrationRun, run_id)
    if run is None:
        raise NotFound()
    if run.status == APPLIED:
        raise RunRefused(_l("This calibration has already been applied."), code="already_applied")
    if run.status != DONE or not run.result:
        raise RunRefused(
            _l("Only a finished calibration can be applied."), code="calibration_not_done"
        )
    later = db.scalar(
        select(func.count(CalibrationRun.id)).where(
            CalibrationRun.status == APPLIED, CalibrationRun.applied_at > run.started_at
        )
    )
    if later:
        raise RunRefused(
            _l("A more recent calibration has been applied since this one ran: start a new one."),
            code="calibration_stale",
        )
    now = utcnow()
    # The conditional update is the guard against two admins applying the same run at once.
    claimed = db.execute(
        update(CalibrationRun)
        .where(CalibrationRun.id == run_id, CalibrationRun.status == DONE)
        .values(status=APPLIED, applied_at=now, applied_by=admin)
        .execution_options(synchronize_session="fetch")
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise RunRefused(_l("This calibration has already been applied."), code="already_applied")
    report = ApplyReport()
    model = str(run.result.get("model", "2PL"))
    for line in run.result.get("items", []):
        if not line.get("update"):
            continue
        record = db.get(ItemRecord, line["id"])
        if record is None:
            raise RunRefused(
                _l("Item %(id)s no longer exists: nothing was applied.", id=line["id"]),
                code="calibration_item_gone",
            )
        if record.status == "retired":
            continue
        _write(db, record, run.id, model, line)
        report.updated.append(record.id)
        if line["kind"] == "pilot" and record.status == "piloted":
            db.add(
                ItemReview(
                    item_id=record.id,
                    from_status=record.status,
                    to_status="calibrated",
                    reviewer=admin,
                    note=f"calibration #{run.id}",
                )
            )
            record.status, record.reviewed_by, record.reviewed_at = "calibrated", admin, now
            report.promoted.append(record.id)
    db.flush()
    log.info(
        "calibration run %s applied: %s items updated, %s promoted",
        run_id,
        len(report.updated),
        len(report.promoted),
    )
    return report


def _write(db: Session, record: ItemRecord, run_id: int, model: str, line: dict[str, Any]) -> None:
    previous = current_params(record) or {"model": None, "b": None}
    previous.update({"status": record.status, "difficulty_prior": record.difficulty_prior})
    db.add(ParameterHistory(item_id=record.id, calibration_run_id=run_id, params=previous))
    after = line["after"]
    record.irt_model = model
    record.irt_a = after["a"] if after["a"] is not None else 1.0
    record.irt_b = after["b"]
    record.irt_c = after["c"] or 0.0
    record.irt_se_a = after["se_a"]
    record.irt_se_b = after["se_b"]
    record.irt_n = int(line["n"])
