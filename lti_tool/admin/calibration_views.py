"""Calibration pages, on the ``admin_bank`` blueprint: start a run, follow it, review, apply."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from lti_tool import db as database
from lti_tool.admin import calibration_jobs as jobs
from lti_tool.admin import labels
from lti_tool.admin.auth import admin_required, current_admin
from lti_tool.admin.bank_forms import CalibrationForm
from lti_tool.admin.bank_views import bp
from lti_tool.admin.forms import ConfirmForm
from lti_tool.errors import BoussoleError, NotFound
from models import CalibrationRun


def _admin_name() -> str:
    admin = current_admin()
    assert admin is not None  # behind @admin_required
    return admin.username


def _calibration_page(form: CalibrationForm, status: int = 200) -> tuple[str, int]:
    db = database.session()
    if jobs.mark_stale(db):
        db.commit()
    runs = db.scalars(select(CalibrationRun).order_by(CalibrationRun.id.desc()).limit(50)).all()
    page = render_template(
        "admin/bank/calibration.html", form=form, runs=runs, summary=jobs.data_summary(db)
    )
    return page, status


@bp.get("/calibration")
@admin_required
def calibration() -> tuple[str, int]:
    return _calibration_page(CalibrationForm())


@bp.post("/calibration")
@admin_required
def calibration_start() -> Any:
    form = CalibrationForm()
    if not form.validate_on_submit():
        return _calibration_page(form, 400)
    db = database.session()
    settings = {
        "model": form.model.data,
        "min_pilot_responses": int(form.min_pilot_responses.data or 100),
        "max_se": float(form.max_se.data or 0.5),
    }
    try:
        run = jobs.create_run(db, _admin_name(), settings)
    except jobs.RunRefused as refused:
        db.rollback()
        flash(str(refused.message))
        return redirect(url_for("admin_bank.calibration"), 303)
    db.commit()
    jobs.start_in_background(current_app._get_current_object(), run.id)  # type: ignore[attr-defined]
    return redirect(url_for("admin_bank.calibration_run", run_id=run.id), 303)


def _run(run_id: int) -> CalibrationRun:
    run = database.session().get(CalibrationRun, run_id)
    if run is None:
        raise NotFound()
    return run


@bp.get("/calibration/<int:run_id>")
@admin_required
def calibration_run(run_id: int) -> str:
    run = _run(run_id)
    result = run.result or {}
    items = result.get("items", [])
    return render_template(
        "admin/bank/calibration_run.html",
        run=run,
        result=result,
        pilots=[line for line in items if line["kind"] == "pilot"],
        operational=[line for line in items if line["kind"] == "operational"],
        to_update=sum(1 for line in items if line.get("update")),
        form=ConfirmForm(),
        active=run.status in jobs.ACTIVE,
    )


@bp.get("/calibration/<int:run_id>/status")
@admin_required
def calibration_status(run_id: int) -> Response:
    """The run's progress for the page's poller (``static/js/admin-calibration.js``)."""
    run = _run(run_id)
    return jsonify(
        status=run.status,
        status_label=labels.label(labels.RUN_STATUS, run.status),
        progress=round(100 * (run.progress or 0.0)),
        message=labels.run_message(run.message),
        stage=(run.message or "").partition(":")[0],
        active=run.status in jobs.ACTIVE,
    )


@bp.post("/calibration/<int:run_id>/apply")
@admin_required
def calibration_apply(run_id: int) -> Response:
    db = database.session()
    _run(run_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired: try again."))
        return redirect(url_for("admin_bank.calibration_run", run_id=run_id), 303)
    try:
        report = jobs.apply_run(db, run_id, _admin_name())
    except BoussoleError as refused:
        db.rollback()
        flash(str(refused.message))
        return redirect(url_for("admin_bank.calibration_run", run_id=run_id), 303)
    db.commit()
    flash(
        _(
            "Calibration applied: %(updated)s items updated, %(promoted)s pilot items promoted.",
            updated=len(report.updated),
            promoted=len(report.promoted),
        )
    )
    return redirect(url_for("admin_bank.calibration_run", run_id=run_id), 303)
