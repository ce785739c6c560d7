"""What the group dashboard shows: learners and attempts, the group's profile, item statistics.

Everything is read for one activity (one platform's resource link), so an instructor only ever
sees the activity they launched from. Names are not here: the view joins them from NRPS.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from item_bank.loader import load_topics
from lti_tool.ags import outbox
from lti_tool.instructor import stats
from lti_tool.quiz import attempts as svc
from lti_tool.quiz.levels import level_comment
from lti_tool.quiz.settings import ActivitySettings
from models import Activity, Attempt, ItemRecord, ItemVersion, Response, ScoreOutbox
from models.base import utcnow

#: How a row of the outbox reads on the dashboard ("sending" is still on its way).
OUTBOX_STATUS = {
    "pending": "pending",
    "sending": "pending",
    "delivered": "delivered",
    "failed": "failed",
}


@dataclass
class AttemptRow:
    attempt: Attempt
    counts: bool
    items: int  # scored answers

    @property
    def duration(self) -> timedelta | None:
        a = self.attempt
        return (a.finished_at - a.created_at) if a.finished_at else None


@dataclass
class LearnerRow:
    subject: str
    attempts: list[AttemptRow]
    counted: Attempt | None
    grade_status: str | None  # pending | delivered | failed | None (nothing sent yet)
    name: str | None = None
    picture: str | None = None


@dataclass
class OptionView:
    text: str
    correct: bool
    rate: float


@dataclass
class ItemView:
    stat: stats.ItemStat
    topic_name: str
    level: int | None
    stem: str
    options: list[OptionView] = field(default_factory=list)


@dataclass
class TopicView:
    topic: str
    name: str
    answers: int
    correct: int
    rate: float


@dataclass
class Dashboard:
    activity: Activity
    settings: ActivitySettings
    learners: list[LearnerRow]
    topics: list[TopicView]
    levels: dict[int, int]
    items: list[ItemView]
    missed: list[ItemView]

    @property
    def counted_learners(self) -> int:
        return sum(1 for row in self.learners if row.counted is not None)


def topic_names(language: str) -> dict[str, str]:
    try:
        return {t: topic.name(language) for t, topic in load_topics().items()}
    except Exception:  # noqa: BLE001 - the ids still read
        return {}


def activity_attempts(db: Session, activity: Activity) -> list[Attempt]:
    return list(
        db.scalars(
            select(Attempt)
            .where(Attempt.activity_id == activity.id)
            .order_by(Attempt.subject, Attempt.number)
        )
    )


def grade_statuses(db: Session, activity: Activity) -> dict[str, str]:
    """The latest outbox row's status per learner."""
    rows = db.execute(
        select(ScoreOutbox.subject, ScoreOutbox.status)
        .where(ScoreOutbox.activity_id == activity.id)
        .order_by(ScoreOutbox.id)
    ).all()
    return {subject: OUTBOX_STATUS.get(status, status) for subject, status in rows}


def learner_rows(db: Session, activity: Activity, settings: ActivitySettings) -> list[LearnerRow]:
    attempts = activity_attempts(db, activity)
    scored = _scored_counts(db, [a.id for a in attempts])
    by_subject: dict[str, list[Attempt]] = defaultdict(list)
    for a in attempts:
        by_subject[a.subject].append(a)
    statuses = grade_statuses(db, activity)
    rows = []
    for subject, mine in by_subject.items():
        best = svc.counted(mine, settings)
        rows.append(
            LearnerRow(
                subject=subject,
                attempts=[
                    AttemptRow(a, best is not None and best.id == a.id, scored.get(a.id, 0))
                    for a in mine
                ],
                counted=best,
                grade_status=statuses.get(subject),
            )
        )
    return rows


def _scored_counts(db: Session, attempt_ids: list[int]) -> dict[int, int]:
    if not attempt_ids:
        return {}
    counts: dict[int, int] = defaultdict(int)
    for attempt_id, pilot in db.execute(
        select(Response.attempt_id, Response.pilot).where(Response.attempt_id.in_(attempt_ids))
    ):
        if not pilot:
            counts[attempt_id] += 1
    return counts


def build(db: Session, activity: Activity, language: str) -> Dashboard:
    settings = svc.settings_of(activity)
    learners = learner_rows(db, activity, settings)
    names = topic_names(language)
    completed = [
        row.attempt
        for learner in learners
        for row in learner.attempts
        if row.attempt.status == svc.COMPLETED
    ]
    counted_ids = {learner.counted.id for learner in learners if learner.counted is not None}
    answers, levels_of_items, n_options = _answers(db, completed)
    profile = stats.topic_profile(a for attempt_id, a in answers if attempt_id in counted_ids)
    item_stats = stats.item_statistics(a for _attempt_id, a in answers)
    contents = _contents(db, [s.item_id for s in item_stats], language)
    views = {
        s.item_id: _item_view(s, names, levels_of_items.get(s.item_id), contents.get(s.item_id))
        for s in item_stats
    }
    return Dashboard(
        activity=activity,
        settings=settings,
        learners=learners,
        topics=[
            TopicView(t.topic, names.get(t.topic, t.topic), t.answers, t.correct, t.rate)
            for t in profile
        ],
        levels=stats.level_distribution(
            learner.counted.level for learner in learners if learner.counted is not None
        ),
        items=[views[s.item_id] for s in item_stats],
        missed=[views[s.item_id] for s in stats.most_missed(item_stats)],
    )


def _answers(
    db: Session, attempts: list[Attempt]
) -> tuple[list[tuple[int, stats.Answer]], dict[str, int], dict[int, int]]:
    """Scored answers of completed attempts, with each item's level and each version's size."""
    if not attempts:
        return [], {}, {}
    theta = {a.id: a.theta for a in attempts}
    rows = db.execute(
        select(Response, ItemRecord.topic, ItemRecord.level)
        .join(ItemRecord, ItemRecord.id == Response.item_id)
        .where(Response.attempt_id.in_(list(theta)), Response.pilot.is_(False))
        .order_by(Response.attempt_id, Response.position)
    ).all()
    version_ids = {r.Response.item_version_id for r in rows}
    n_options = (
        {
            vid: len(content.get("options") or [])
            for vid, content in db.execute(
                select(ItemVersion.id, ItemVersion.content).where(ItemVersion.id.in_(version_ids))
            )
        }
        if version_ids
        else {}
    )
    answers = [
        (
            r.Response.attempt_id,
            stats.Answer(
                item_id=r.Response.item_id,
                topic=r.topic,
                correct=bool(r.Response.correct),
                chosen=tuple(int(j) for j in r.Response.chosen or []),
                theta=theta.get(r.Response.attempt_id),
                n_options=n_options.get(r.Response.item_version_id, 0),
            ),
        )
        for r in rows
    ]
    levels = {r.Response.item_id: int(r.level) for r in rows}
    return answers, levels, n_options


def _contents(db: Session, item_ids: list[str], language: str) -> dict[str, dict[str, Any]]:
    """The current content of each item, in ``language`` when it exists."""
    if not item_ids:
        return {}
    out: dict[str, dict[str, Any]] = {}
    for item_id, lang, content in db.execute(
        select(ItemVersion.item_id, ItemVersion.language, ItemVersion.content)
        .where(ItemVersion.item_id.in_(item_ids), ItemVersion.current.is_(True))
        .order_by(ItemVersion.id)
    ):
        if item_id not in out or lang == language:
            out[item_id] = content
    return out


def _item_view(
    s: stats.ItemStat, names: dict[str, str], level: int | None, content: dict[str, Any] | None
) -> ItemView:
    content = content or {}
    options = content.get("options") or []
    rates = s.choice_rates + [0.0] * max(0, len(options) - len(s.choice_rates))
    return ItemView(
        stat=s,
        topic_name=names.get(s.topic, s.topic),
        level=level,
        stem=str(content.get("stem") or ""),
        options=[
            OptionView(str(o.get("text") or ""), bool(o.get("correct")), rates[j])
            for j, o in enumerate(options)
        ],
    )


# -- grades -------------------------------------------------------------------------------------
def resend_grades(db: Session, activity: Activity, subject: str | None = None) -> int:
    """Queue each learner's counted score again, with a new timestamp; returns how many."""
    settings = svc.settings_of(activity)
    rows = learner_rows(db, activity, settings)
    sent = 0
    for row in rows:
        if subject is not None and row.subject != subject:
            continue
        best = row.counted
        if best is None or best.score is None:
            continue
        comment = level_comment(best.level or 1, best.score, best.language)
        payload = outbox.completed(best.score, comment, utcnow())
        if outbox.enqueue(db, activity, best, row.subject, payload) is not None:
            sent += 1
    return sent
