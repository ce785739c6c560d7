"""Instructor pages (inside the LMS iframe: the launch token in every form and link).

- ``deep_link``: the configuration form of a deep-linking request, then the signed response
  auto-posted to the platform;
- ``dashboard``: the group's results for the resource link the instructor launched from;
- ``settings``: edit the settings of that activity (new attempts use them);
- ``export``: the results as CSV; ``resend``: queue the counted grades again;
- ``estimate``: the expected test length, as an HTML fragment (progressive enhancement).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, make_response, redirect, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from lti_tool import db as database
from lti_tool.ags.delivery import deliver_after_response
from lti_tool.errors import BadRequest, NotFound
from lti_tool.instructor import dashboard as board
from lti_tool.instructor import deep_linking, exports, nrps
from lti_tool.instructor.estimate import Estimate, estimate
from lti_tool.instructor.forms import SettingsForm
from lti_tool.lti import claims as C
from lti_tool.lti.launches import current_launch, require_launch
from lti_tool.lti.views import token_url
from lti_tool.quiz import attempts as svc
from lti_tool.quiz.levels import LEVEL_SHORT
from lti_tool.quiz.pool import pool_for
from lti_tool.quiz.settings import ActivitySettings
from lti_tool.security import allow_images_from
from models import Activity, LaunchRecord

bp = Blueprint("instructor", __name__, url_prefix="/instructor")
STAFF = (C.INSTRUCTOR, C.ADMIN)


def page_language() -> str:
    return str(get_locale() or "fr")


def estimate_language(settings: ActivitySettings, launch: LaunchRecord) -> str:
    return launch.locale if settings.language == "launch" else settings.language


def language_name(code: str) -> str:
    return _("French") if code == "fr" else _("English")


def in_language(code: str) -> str:
    """The language at the end of a sentence ("in French")."""
    return _("in French") if code == "fr" else _("in English")


def _estimate_for(form: SettingsForm, launch: LaunchRecord, valid: bool) -> Estimate | None:
    """The estimate for valid settings; an empty pool becomes an error on the topics."""
    if not valid:
        return None
    settings = form.settings()
    language = estimate_language(settings, launch)
    result = estimate(pool_for(database.session(), language).pool, settings, language)
    if result.empty:
        form.topics.errors = [
            *form.topics.errors,
            _(
                "No question in the bank matches these topics and levels %(in_language)s.",
                in_language=in_language(language),
            ),
        ]
    return result


def _form_page(
    template: str, form: SettingsForm, est: Estimate | None, status: int, **extra: Any
) -> Any:
    return (
        render_template(
            template,
            form=form,
            estimate=est,
            errors=form.error_list(),
            in_language=in_language,
            **extra,
        ),
        status,
    )


def _settings_step(
    form: SettingsForm,
    launch: LaunchRecord,
    template: str,
    initial: ActivitySettings,
    /,
    default_title: str | None = None,
    **extra: Any,
) -> Any | None:
    """The shared steps of the settings forms: show them filled (GET), or show them again with
    the estimate or the errors. None when valid settings were submitted: the caller saves them."""
    db = database.session()
    if request.method == "GET":
        if default_title is None:
            form.fill(initial)
        else:
            form.fill(initial, default_title=default_title)
        est = _estimate_for(form, launch, True)
        db.commit()
        return _form_page(template, form, est, 200, **extra)
    valid = form.validate()
    est = _estimate_for(form, launch, valid)
    valid = valid and not form.topics.errors
    if request.form.get("action") == "estimate" or not valid:
        db.commit()
        return _form_page(template, form, est, 200 if valid else 422, **extra)
    return None


# -- deep linking ---------------------------------------------------------------------------------
@bp.route("/deep-link", methods=["GET", "POST"])
@require_launch(*STAFF)
def deep_link() -> Any:
    launch = current_launch()
    dl = deep_linking.request_settings(launch)
    db = database.session()
    form = SettingsForm(language=page_language())
    default_title = str(dl.get("title") or "").strip() or _("Responsible use of AI")
    page = _settings_step(
        form,
        launch,
        "instructor/deep_link.html",
        ActivitySettings(),
        default_title=default_title[:200],
        launch=launch,
    )
    if page is not None:
        return page
    reply, _claims = deep_linking.response_message(db, launch, form.settings())
    db.commit()
    return render_template("instructor/deep_link_return.html", reply=reply)


@bp.post("/estimate")
@require_launch(*STAFF)
def estimate_fragment() -> Any:
    """The estimate region alone, for the page script (the form works without it)."""
    launch = current_launch()
    form = SettingsForm(language=page_language(), with_title="title" in request.form)
    valid = form.validate()
    est = _estimate_for(form, launch, valid)
    return render_template(
        "instructor/_estimate.html", estimate=est, form=form, in_language=in_language
    )


# -- the activity's pages ---------------------------------------------------------------------
def _activity(launch: LaunchRecord) -> Activity:
    if launch.message_type != C.RESOURCE_LINK_REQUEST or not launch.resource_link_id:
        raise NotFound(code="no_resource_link")
    return svc.activity_for(database.session(), launch)


@bp.get("/dashboard")
@require_launch(*STAFF)
def dashboard() -> Any:
    launch = current_launch()
    db = database.session()
    activity = _activity(launch)
    data = board.build(db, activity, page_language())
    roster = nrps.roster(db, launch)
    _apply_roster(data.learners, roster)
    db.commit()
    response = make_response(
        render_template(
            "instructor/dashboard.html",
            launch=launch,
            data=data,
            roster=roster,
            notice=request.args.get("notice"),
            notice_count=request.args.get("n", type=int),
            language_name=language_name,
            level_short=LEVEL_SHORT,
            topic_names=board.topic_names(page_language()),
        )
    )
    response.headers["Cache-Control"] = "no-store"  # names from NRPS: never kept anywhere
    pictures = {nrps.origin_of(row.picture) for row in data.learners if row.picture}
    allow_images_from(sorted(pictures))
    return response


def _apply_roster(learners: list[board.LearnerRow], roster: nrps.Roster) -> None:
    for row in learners:
        row.name = roster.name(row.subject)
        row.picture = roster.picture(row.subject)
    learners.sort(key=lambda r: ((r.name or "").casefold() if r.name else "\uffff", r.subject))


@bp.route("/settings", methods=["GET", "POST"])
@require_launch(*STAFF)
def settings() -> Any:
    launch = current_launch()
    db = database.session()
    activity = _activity(launch)
    form = SettingsForm(language=page_language(), with_title=False)
    current = svc.settings_of(activity)
    page = _settings_step(form, launch, "instructor/settings.html", current, activity=activity)
    if page is not None:
        return page
    edited = form.settings()
    activity.settings = dataclasses.replace(edited, title=current.title).to_dict()
    activity.settings_edited = True
    db.commit()
    return redirect(token_url("instructor.dashboard", notice="saved", lang=page_language()), 303)


@bp.get("/export.csv")
@require_launch(*STAFF)
def export() -> WerkzeugResponse:
    launch = current_launch()
    db = database.session()
    activity = _activity(launch)
    learners = board.learner_rows(db, activity, svc.settings_of(activity))
    roster = nrps.roster(db, launch)
    db.commit()
    body = exports.to_csv(exports.header(), exports.rows(learners, roster, page_language()))
    response = make_response(body)
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="boussole-results-{activity.id}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/grades/resend")
@require_launch(*STAFF)
def resend() -> WerkzeugResponse:
    launch = current_launch()
    db = database.session()
    activity = _activity(launch)
    subject = request.form.get("subject") or None
    if subject is not None and len(subject) > 255:
        raise BadRequest(code="bad_subject")
    count = board.resend_grades(db, activity, subject)
    db.commit()
    if count:
        deliver_after_response()
    return redirect(
        token_url("instructor.dashboard", notice="resent", n=count, lang=page_language()), 303
    )
