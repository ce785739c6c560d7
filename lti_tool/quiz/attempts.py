"""Attempts: start or resume, serve the current item, record an answer, finish and queue the score.

Services flush; the view commits. Every rule that keeps an attempt honest lives here: one answer
per position, the answered item must be the one on screen, a learner only reaches their own
attempts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from item_bank.irt import engine
from item_bank.irt.pool import ItemPool
from lti_tool.ags import outbox
from lti_tool.errors import AccessDenied, NotFound
from lti_tool.lti import claims as C
from lti_tool.quiz.levels import level_comment
from lti_tool.quiz.pool import LanguagePool, pool_for
from lti_tool.quiz.settings import ActivitySettings
from models import Activity, Attempt, ItemRecord, ItemVersion, LaunchRecord, Response
from models.base import utcnow

IN_PROGRESS, COMPLETED = "in_progress", "completed"


class AttemptRulesError(AccessDenied):
    code = "no_attempt_left"


# -- the activity -----------------------------------------------------------------------------
def activity_for(db: Session, launch: LaunchRecord) -> Activity:
    """The activity of a resource-link launch; its line item and settings follow the launch."""
    if not launch.resource_link_id:
        raise NotFound(code="no_resource_link")
    activity = db.scalars(
        select(Activity).where(
            Activity.platform_id == launch.platform_id,
            Activity.resource_link_id == launch.resource_link_id,
        )
    ).first()
    if activity is None:
        try:
            with db.begin_nested():  # two learners opening a new activity at the same moment
                activity = Activity(
                    platform_id=launch.platform_id, resource_link_id=launch.resource_link_id
                )
                db.add(activity)
        except IntegrityError:
            activity = db.scalars(
                select(Activity).where(
                    Activity.platform_id == launch.platform_id,
                    Activity.resource_link_id == launch.resource_link_id,
                )
            ).one()
    ags = launch.services.get("ags") or {}
    scopes = ags.get("scope") or []
    changes: dict[str, Any] = {
        "context_id": launch.context_id,
        "title": launch.resource_link_title or activity.title,
    }
    if ags.get("lineitem"):
        changes["lineitem_url"] = ags["lineitem"]
    if ags.get("lineitems") and C.SCOPE_LINEITEM in scopes:
        changes["lineitems_url"] = ags["lineitems"]
    if not activity.settings_edited:
        custom = launch.services.get("custom") or {}
        changes["settings"] = ActivitySettings.from_custom(custom).to_dict()
    for name, value in changes.items():
        if getattr(activity, name) != value:  # no write, no row lock, when nothing changed
            setattr(activity, name, value)
    db.flush()
    return activity


def settings_of(activity: Activity) -> ActivitySettings:
    return ActivitySettings.from_dict(activity.settings)


def language_for(settings: ActivitySettings, launch: LaunchRecord) -> str:
    return launch.locale if settings.language == "launch" else settings.language


# -- finding attempts ---------------------------------------------------------------------------
def learner_attempts(db: Session, activity: Activity, subject: str) -> list[Attempt]:
    return list(
        db.scalars(
            select(Attempt)
            .where(Attempt.activity_id == activity.id, Attempt.subject == subject)
            .order_by(Attempt.number)
        )
    )


def own_attempt(
    db: Session, attempt_id: int, launch: LaunchRecord, *, lock: bool = False
) -> Attempt:
    """The attempt, if it belongs to this launch's learner and resource link; else 404."""
    query = select(Attempt).where(Attempt.id == attempt_id)
    if lock:
        query = query.with_for_update()
    attempt = db.scalars(query).first()
    if (
        attempt is None
        or attempt.platform_id != launch.platform_id
        or attempt.subject != launch.subject
        or attempt.activity.resource_link_id != launch.resource_link_id
    ):
        raise NotFound(code="attempt_not_found")
    return attempt


def counted(attempts: list[Attempt], settings: ActivitySettings) -> Attempt | None:
    done = [a for a in attempts if a.status == COMPLETED and a.score is not None]
    if not done:
        return None
    if settings.counts == "last":
        return done[-1]
    return max(done, key=lambda a: (a.score or 0.0, a.number))


def can_start(attempts: list[Attempt], settings: ActivitySettings) -> bool:
    if any(a.status == IN_PROGRESS for a in attempts):
        return False
    return settings.attempts == 0 or len(attempts) < settings.attempts


# -- starting -------------------------------------------------------------------------------------
def start_attempt(db: Session, activity: Activity, launch: LaunchRecord) -> Attempt:
    attempts = learner_attempts(db, activity, launch.subject)
    open_ones = [a for a in attempts if a.status == IN_PROGRESS]
    if open_ones:
        return open_ones[0]  # a double click on "start" resumes, it does not start twice
    settings = settings_of(activity)
    if not can_start(attempts, settings):
        raise AttemptRulesError()
    language = language_for(settings, launch)
    number = (max((a.number for a in attempts), default=0)) + 1
    seed = int.from_bytes(
        hashlib.sha256(f"{activity.id}:{launch.subject}:{number}".encode()).digest()[:6], "big"
    )
    state = engine.start(settings.engine(language), seed=seed)
    attempt = Attempt(
        activity_id=activity.id,
        platform_id=activity.platform_id,
        subject=launch.subject,
        number=number,
        language=language,
        settings=settings.to_dict(),
        engine_state=state.to_dict(),
    )
    db.add(attempt)
    try:
        db.flush()
    except IntegrityError:
        # Two tabs started at once: the other one won; resume its attempt.
        db.rollback()
        again = [
            a for a in learner_attempts(db, activity, launch.subject) if a.status == IN_PROGRESS
        ]
        if again:
            return again[0]
        raise
    outbox.enqueue(db, activity, attempt, launch.subject, outbox.started(activity, attempt))
    advance(db, attempt)
    return attempt


# -- serving --------------------------------------------------------------------------------------
def _rng(attempt: Attempt, salt: str) -> np.random.Generator:
    digest = hashlib.sha256(f"{attempt.id}:{attempt.answered}:{salt}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "big"))


def advance(db: Session, attempt: Attempt, lp: LanguagePool | None = None) -> None:
    """Choose the next item, or finish the attempt when the engine says stop."""
    settings = ActivitySettings.from_dict(attempt.settings)
    eng = settings.engine(attempt.language)
    lp = lp or pool_for(db, attempt.language)
    state = engine.CatState.from_dict(attempt.engine_state)
    decision = engine.next_item(state, lp.pool, eng, _rng(attempt, "select"))
    if decision.stop or decision.item_id is None:
        finish(db, attempt, decision.reason.value if decision.reason else "no_items")
        return
    attempt.current_item_id = decision.item_id
    attempt.current_pilot = decision.pilot
    attempt.current_version_id = lp.version_ids[decision.item_id]
    version = db.get(ItemVersion, attempt.current_version_id)
    assert version is not None
    n_options = len(version.content["options"])
    attempt.current_order = [int(i) for i in _rng(attempt, "shuffle").permutation(n_options)]
    attempt.current_shown_at = utcnow()
    db.flush()


def current_version(db: Session, attempt: Attempt) -> ItemVersion:
    """The version of the current item in the attempt's language (switchable mid-attempt)."""
    version = db.get(ItemVersion, attempt.current_version_id)
    assert version is not None
    if version.language != attempt.language:
        other = db.scalars(
            select(ItemVersion).where(
                ItemVersion.item_id == version.item_id,
                ItemVersion.language == attempt.language,
                ItemVersion.current.is_(True),
            )
        ).first()
        if other is not None and len(other.content["options"]) == len(version.content["options"]):
            attempt.current_version_id = other.id
            db.flush()
            return other
    return version


# -- answering -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerOutcome:
    recorded: bool  # False: a repeat (double submit, reload, other tab): nothing changed
    position: int
    finished: bool


class EmptyAnswer(ValueError):
    """No option was chosen."""


def answer(
    db: Session, attempt: Attempt, position: int, item_id: str, shown_choices: list[int]
) -> AnswerOutcome:
    if attempt.status != IN_PROGRESS or position != attempt.answered + 1:
        return AnswerOutcome(False, position, attempt.status == COMPLETED)
    if item_id != attempt.current_item_id or attempt.current_order is None:
        return AnswerOutcome(False, position, False)
    order = attempt.current_order
    if not shown_choices or any(i < 0 or i >= len(order) for i in shown_choices):
        raise EmptyAnswer()
    version = current_version(db, attempt)
    options = version.content["options"]
    chosen = [order[i] for i in dict.fromkeys(shown_choices)]
    if version.content.get("type", "single") != "multiple":
        chosen = chosen[:1]
    keys = {i for i, o in enumerate(options) if o.get("correct")}
    correct = set(chosen) == keys

    settings = ActivitySettings.from_dict(attempt.settings)
    eng = settings.engine(attempt.language)
    state = engine.CatState.from_dict(attempt.engine_state)
    lp = pool_for(db, attempt.language)
    pool = lp.pool
    if item_id not in pool.index:
        pool = _single_item_pool(db, item_id, attempt.current_pilot)
    state = engine.record(state, pool, item_id, correct, eng)
    now = utcnow()
    shown_at = attempt.current_shown_at
    response = Response(
        attempt_id=attempt.id,
        position=position,
        item_id=item_id,
        item_version_id=version.id,
        chosen=chosen,
        correct=correct,
        pilot=attempt.current_pilot,
        theta_after=state.theta,
        se_after=state.se,
        answered_at=now,
        time_ms=int((now - shown_at).total_seconds() * 1000) if shown_at else None,
    )
    db.add(response)
    attempt.engine_state = state.to_dict()
    attempt.answered = position
    attempt.current_item_id = None
    attempt.current_order = None
    db.flush()
    advance(db, attempt, lp)
    return AnswerOutcome(True, position, attempt.status == COMPLETED)


def _single_item_pool(db: Session, item_id: str, pilot: bool) -> ItemPool:
    """An item retired while on screen is still recorded with the parameters it was served with."""
    record = db.get(ItemRecord, item_id)
    if record is None:
        raise NotFound(code="item_not_found")
    a, b, c = record.params
    return ItemPool([item_id], [a], [b], [c], [record.topic], [record.level], [pilot])


# -- finishing ----------------------------------------------------------------------------------
def finish(db: Session, attempt: Attempt, reason: str) -> None:
    settings = ActivitySettings.from_dict(attempt.settings)
    eng = settings.engine(attempt.language)
    state = engine.CatState.from_dict(attempt.engine_state)
    score = engine.result(state, eng)
    now = utcnow()
    attempt.status = COMPLETED
    attempt.finished_at = now
    attempt.stop_reason = reason
    attempt.current_item_id = None
    attempt.current_order = None
    attempt.theta, attempt.se = score.theta, score.se
    attempt.score = score.score
    attempt.score_low, attempt.score_high = score.score_low, score.score_high
    attempt.level = score.level
    attempt.result = score.to_dict()
    db.flush()
    activity = attempt.activity
    best = counted(learner_attempts(db, activity, attempt.subject), settings) or attempt
    comment = level_comment(best.level or 1, best.score or 0.0, attempt.language)
    outbox.enqueue(
        db, activity, attempt, attempt.subject, outbox.completed(best.score or 0.0, comment, now)
    )


def attempt_summary(db: Session, activity: Activity) -> dict[str, Any]:
    total = db.scalar(select(func.count(Attempt.id)).where(Attempt.activity_id == activity.id))
    return {"attempts": total or 0}


def started_at(attempt: Attempt) -> datetime:
    return attempt.created_at
