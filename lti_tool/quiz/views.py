"""The learner's pages. Every page and form carries the launch token (no cookie needed)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, redirect, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response as WerkzeugResponse

from lti_tool import db as database
from lti_tool.ags.delivery import deliver_after_response
from lti_tool.errors import BadRequest
from lti_tool.i18n import normalise_locale
from lti_tool.lti import claims as C
from lti_tool.lti.launches import current_launch, require_launch
from lti_tool.lti.views import token_url
from lti_tool.quiz import attempts as svc
from lti_tool.quiz.levels import LEVEL_MEANING, LEVEL_NAMES
from lti_tool.quiz.report import build_report
from models import Attempt, ItemVersion

bp = Blueprint("quiz", __name__, url_prefix="/quiz")
LEARNERS = (C.LEARNER, C.INSTRUCTOR, C.ADMIN)  # instructors may try the activity too


def _switch_language(attempt: Attempt) -> None:
    """The page speaks the attempt's language; ``?lang=`` switches it (and the items) for good."""
    lang = normalise_locale(request.args.get("lang"))
    if lang and attempt.language != lang:
        attempt.language = lang
        database.session().flush()
    g.locale = lang or attempt.language


@bp.get("/")
@require_launch(*LEARNERS)
def entry() -> Any:
    db = database.session()
    launch = current_launch()
    activity = svc.activity_for(db, launch)
    attempts = svc.learner_attempts(db, activity, launch.subject)
    db.commit()
    open_ones = [a for a in attempts if a.status == svc.IN_PROGRESS]
    if open_ones:
        return redirect(token_url("quiz.item", attempt_id=open_ones[0].id), 303)
    settings = svc.settings_of(activity)
    return render_template(
        "quiz/intro.html",
        activity=activity,
        settings=settings,
        attempts=attempts,
        can_start=svc.can_start(attempts, settings),
        counted=svc.counted(attempts, settings),
    )


@bp.post("/start")
@require_launch(*LEARNERS)
def start() -> WerkzeugResponse:
    db = database.session()
    launch = current_launch()
    activity = svc.activity_for(db, launch)
    attempt = svc.start_attempt(db, activity, launch)
    db.commit()
    deliver_after_response()
    return redirect(token_url("quiz.item", attempt_id=attempt.id), 303)


@bp.get("/<int:attempt_id>")
@require_launch(*LEARNERS)
def item(attempt_id: int) -> Any:
    db = database.session()
    attempt = svc.own_attempt(db, attempt_id, current_launch())
    _switch_language(attempt)
    if attempt.status != svc.IN_PROGRESS:
        db.commit()
        return redirect(token_url("quiz.result", attempt_id=attempt.id), 303)
    if attempt.current_item_id is None:
        svc.advance(db, attempt)
        if attempt.status != svc.IN_PROGRESS:
            db.commit()
            deliver_after_response()
            return redirect(token_url("quiz.result", attempt_id=attempt.id), 303)
    version = svc.current_version(db, attempt)
    db.commit()
    return _item_page(attempt, version, error=None)


def _item_page(attempt: Attempt, version: ItemVersion, error: str | None) -> Any:
    settings = svc.ActivitySettings.from_dict(attempt.settings)
    options = version.content["options"]
    shown = [(i, options[k]["text"]) for i, k in enumerate(attempt.current_order or [])]
    status = 422 if error else 200
    return (
        render_template(
            "quiz/item.html",
            attempt=attempt,
            position=attempt.answered + 1,
            max_items=settings.max_items,
            stem=version.content["stem"],
            multiple=version.content.get("type") == "multiple",
            options=shown,
            error=error,
        ),
        status,
    )


@bp.post("/<int:attempt_id>/answer")
@require_launch(*LEARNERS)
def answer(attempt_id: int) -> Any:
    db = database.session()
    attempt = svc.own_attempt(db, attempt_id, current_launch(), lock=True)
    try:
        position = int(request.form.get("position", ""))
        choices = [int(x) for x in request.form.getlist("choice")]
    except ValueError as exc:
        raise BadRequest(code="bad_answer") from exc
    try:
        outcome = svc.answer(db, attempt, position, request.form.get("item", ""), choices)
    except svc.EmptyAnswer:
        version = svc.current_version(db, attempt)
        db.rollback()
        return _item_page(attempt, version, error="empty")
    db.commit()
    if outcome.finished:
        deliver_after_response()
    settings = svc.ActivitySettings.from_dict(attempt.settings)
    if outcome.recorded and settings.feedback == "each":
        return redirect(token_url("quiz.feedback", attempt_id=attempt.id, position=position), 303)
    if attempt.status != svc.IN_PROGRESS:
        return redirect(token_url("quiz.result", attempt_id=attempt.id), 303)
    return redirect(token_url("quiz.item", attempt_id=attempt.id), 303)


@bp.get("/<int:attempt_id>/feedback/<int:position>")
@require_launch(*LEARNERS)
def feedback(attempt_id: int, position: int) -> Any:
    db = database.session()
    attempt = svc.own_attempt(db, attempt_id, current_launch())
    _switch_language(attempt)
    settings = svc.ActivitySettings.from_dict(attempt.settings)
    response = next((r for r in attempt.responses if r.position == position), None)
    if response is None or (settings.feedback != "each" and attempt.status == svc.IN_PROGRESS):
        return redirect(token_url("quiz.item", attempt_id=attempt.id), 303)
    version = _version_in(db, response.item_version_id, g.get("locale") or attempt.language)
    db.commit()
    return render_template(
        "quiz/feedback.html",
        attempt=attempt,
        response=response,
        content=version.content,
        finished=attempt.status != svc.IN_PROGRESS,
        max_items=settings.max_items,
    )


def _version_in(db: Any, version_id: int, language: str) -> ItemVersion:
    version = db.get(ItemVersion, version_id)
    if version is not None and version.language != language:
        other = (
            db.scalars(
                select(ItemVersion).where(
                    ItemVersion.item_id == version.item_id,
                    ItemVersion.language == language,
                    ItemVersion.version == version.version,
                )
            ).first()
            or db.scalars(
                select(ItemVersion).where(
                    ItemVersion.item_id == version.item_id,
                    ItemVersion.language == language,
                    ItemVersion.current.is_(True),
                )
            ).first()
        )
        if (
            other is not None
            and other.content_hash
            and len(other.content["options"]) == len(version.content["options"])
        ):
            return other
    assert version is not None
    return version


@bp.get("/<int:attempt_id>/result")
@require_launch(*LEARNERS)
def result(attempt_id: int) -> Any:
    db = database.session()
    launch = current_launch()
    attempt = svc.own_attempt(db, attempt_id, launch)
    _switch_language(attempt)
    if attempt.status == svc.IN_PROGRESS:
        return redirect(token_url("quiz.item", attempt_id=attempt.id), 303)
    language = g.get("locale") or attempt.language
    report = build_report(db, attempt, language, lambda vid: _version_in(db, vid, language))
    attempts = svc.learner_attempts(db, attempt.activity, launch.subject)
    settings = svc.settings_of(attempt.activity)
    db.commit()
    return render_template(
        "quiz/result.html",
        attempt=attempt,
        report=report,
        can_start=svc.can_start(attempts, settings),
        counted=svc.counted(attempts, settings),
        settings=settings,
        level_names=LEVEL_NAMES,
        level_meaning=LEVEL_MEANING,
    )
