"""Admin pages for operations: score outbox, learners' data (export, erasure), retention."""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from lti_tool import db as database
from lti_tool.admin import labels, privacy
from lti_tool.admin.auth import admin_required
from lti_tool.admin.forms import ConfirmForm
from lti_tool.admin.ops_forms import EraseForm, LearnerActionForm, LearnerForm
from lti_tool.admin.retention import retention_days
from lti_tool.ags import delivery
from lti_tool.errors import BadRequest
from lti_tool.i18n import normalise_locale
from models import Platform, ScoreOutbox

bp = Blueprint("admin_ops", __name__, url_prefix="/admin/ops")
OUTBOX_PAGE = 50
OUTBOX_STATUSES = (delivery.PENDING, delivery.SENDING, delivery.DELIVERED, delivery.FAILED)


@bp.before_request
def _remember_language() -> None:
    # The admin's choice of language (``?lang=``) holds for the next pages (a first-party cookie).
    lang = normalise_locale(request.args.get("lang"))
    if lang:
        session["lang"] = lang


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"labels": labels, "label": labels.label}


@bp.get("/")
@admin_required
def index() -> Response:
    return redirect(url_for("admin_ops.outbox"))


# -- score outbox -------------------------------------------------------------------------------
@bp.get("/outbox")
@admin_required
def outbox() -> str:
    db = database.session()
    counts = dict.fromkeys(OUTBOX_STATUSES, 0)
    for status, count in db.execute(
        select(ScoreOutbox.status, func.count(ScoreOutbox.id)).group_by(ScoreOutbox.status)
    ).tuples():
        counts[status] = count
    wanted = request.args.get("status", "")
    wanted = wanted if wanted in OUTBOX_STATUSES else ""
    query = select(ScoreOutbox)
    if wanted:
        query = query.where(ScoreOutbox.status == wanted)
    total = counts[wanted] if wanted else sum(counts.values())
    pages = max(1, math.ceil(total / OUTBOX_PAGE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    rows = db.scalars(
        query.order_by(ScoreOutbox.id.desc()).offset((page - 1) * OUTBOX_PAGE).limit(OUTBOX_PAGE)
    ).all()
    platforms = {p.id: p for p in db.scalars(select(Platform))}
    return render_template(
        "admin/ops/outbox.html",
        counts=counts,
        rows=rows,
        platforms=platforms,
        wanted=wanted,
        page=page,
        pages=pages,
        total=total,
        form=ConfirmForm(),
    )


@bp.post("/outbox/<int:row_id>/resend")
@admin_required
def outbox_resend(row_id: int) -> Response:
    db = database.session()
    if ConfirmForm().validate_on_submit():
        if delivery.resend(db, [row_id]):
            db.commit()
            flash(_("Score %(id)s will be sent again.", id=row_id))
        else:
            flash(_("Score %(id)s cannot be sent again now (unknown, or being sent).", id=row_id))
    return redirect(url_for("admin_ops.outbox", status=request.args.get("status") or None), 303)


@bp.post("/outbox/resend-failed")
@admin_required
def outbox_resend_failed() -> Response:
    db = database.session()
    if ConfirmForm().validate_on_submit():
        count = delivery.resend(db)
        db.commit()
        flash(
            ngettext(
                "%(num)s failed score will be sent again.",
                "%(num)s failed scores will be sent again.",
                count,
            )
        )
    return redirect(url_for("admin_ops.outbox"), 303)


# -- privacy --------------------------------------------------------------------------------------
def _platform_choices() -> list[SelectChoice]:
    rows = database.session().scalars(select(Platform).order_by(Platform.id))
    return [SelectChoice(p.id, f"{p.label} ({p.client_id})") for p in rows]


def _learner_form(formdata: Any = None) -> LearnerForm:
    form = LearnerForm(formdata=formdata) if formdata is not None else LearnerForm()
    form.platform.choices = _platform_choices()
    return form


def _privacy_page(form: LearnerForm, status: int = 200) -> tuple[str, int]:
    page = render_template("admin/ops/privacy.html", form=form, retention=retention_days())
    return page, status


@bp.get("/privacy")
@admin_required
def privacy_page() -> tuple[str, int]:
    return _privacy_page(_learner_form())


@bp.post("/privacy/learner")
@admin_required
def learner() -> Any:
    form = _learner_form(request.form)
    if not form.validate_on_submit():
        return _privacy_page(form, 400)
    db = database.session()
    platform = db.get(Platform, form.platform.data)
    if platform is None:
        raise BadRequest(code="unknown_platform")
    found = privacy.summary(db, platform, form.subject.data.strip())
    action = LearnerActionForm(formdata=None, platform=str(platform.id), subject=found.subject)
    return render_template("admin/ops/learner.html", found=found, form=action)


def _learner_from(form: LearnerActionForm) -> tuple[Platform, str]:
    try:
        platform_id = int(form.platform.data or "")
    except ValueError as exc:
        raise BadRequest(code="unknown_platform") from exc
    platform = database.session().get(Platform, platform_id)
    if platform is None:
        raise BadRequest(code="unknown_platform")
    return platform, str(form.subject.data)


@bp.post("/privacy/export")
@admin_required
def learner_export() -> Response:
    form = LearnerActionForm()
    if not form.validate_on_submit():
        raise BadRequest(code="bad_form")
    db = database.session()
    platform, subject = _learner_from(form)
    data = privacy.export(db, platform, subject)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="boussole-learner-data.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/privacy/erase")
@admin_required
def learner_erase() -> Any:
    db = database.session()
    if not request.form.get("confirming"):
        # First step: from the learner's page, show what will go and ask for confirmation.
        first = LearnerActionForm()
        if not first.validate_on_submit():
            raise BadRequest(code="bad_form")
        platform, subject = _learner_from(first)
        form = EraseForm(formdata=None, platform=str(platform.id), subject=subject)
        found = privacy.summary(db, platform, subject)
        return render_template("admin/ops/erase.html", form=form, found=found)
    form = EraseForm()
    if not form.validate_on_submit():
        platform, subject = _learner_from(form)
        found = privacy.summary(db, platform, subject)
        return render_template("admin/ops/erase.html", form=form, found=found), 400
    platform, subject = _learner_from(form)
    counts = privacy.erase(db, platform, subject)
    db.commit()
    flash(
        _(
            "The learner's data was erased: %(attempts)s attempts, %(responses)s answers, "
            "%(launches)s launches, %(outbox)s scores in the outbox.",
            attempts=counts["attempts"],
            responses=counts["responses"],
            launches=counts["launches"],
            outbox=counts["score_outbox"],
        )
    )
    return redirect(url_for("admin_ops.privacy_page"), 303)
