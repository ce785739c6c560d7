"""Admin pages: sign-in, platforms and deployments, keys, privacy."""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from lti_tool import db as database
from lti_tool import security
from lti_tool.admin.accounts import throttle, users
from lti_tool.admin.auth import admin_required, authenticate, current_admin, sign_in, sign_out
from lti_tool.admin.forms import ConfirmForm, DeploymentForm, LoginForm, PasswordForm, PlatformForm
from lti_tool.errors import NotFound
from lti_tool.lti import keys
from lti_tool.lti.urls import public_url
from lti_tool.safe_redirect import is_same_site_path
from models import Deployment, Platform, ToolKey

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.app_template_global()
def signed_in_admin() -> bool:
    """For the admin layout: show the admin menu only in a live session."""
    return current_admin() is not None


def _safe_next(target: str | None) -> str:
    return target if target and is_same_site_path(target) else url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        db = database.session()
        keys = throttle.keys_for(form.username.data, request.remote_addr)
        wait = throttle.retry_after(db, keys)
        if wait:
            return _throttled(form, wait)
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            throttle.clear_account(db, keys)
            sign_in(user)
            db.commit()
            return redirect(_safe_next(request.args.get("next")))
        throttle.record_failure(db, keys)
        db.commit()
        error = _("Unknown username or wrong password.")
    return render_template("admin/login.html", form=form, error=error), (401 if error else 200)


def _throttled(form: LoginForm, wait: int) -> tuple[str, int, dict[str, str]]:
    minutes = max(1, math.ceil(wait / 60))
    error = ngettext(
        "Too many failed sign-ins. Try again in %(num)s minute.",
        "Too many failed sign-ins. Try again in %(num)s minutes.",
        minutes,
    )
    page = render_template("admin/login.html", form=form, error=error)
    return page, 429, {"Retry-After": str(wait)}


@bp.post("/logout")
def logout() -> Response:
    if ConfirmForm().validate_on_submit():
        sign_out()
        database.session().commit()
    return redirect(url_for("admin.login"))


@bp.route("/password", methods=["GET", "POST"])
@admin_required
def password() -> Any:
    admin = current_admin()
    assert admin is not None
    form = PasswordForm()
    if form.validate_on_submit():
        db = database.session()
        keys = throttle.keys_for(admin.username, request.remote_addr)
        wait = throttle.retry_after(db, keys)
        if wait:
            form.current_password.errors = [_("Too many wrong passwords: try again later.")]
            page = render_template("admin/password.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        if authenticate(admin.username, form.current_password.data) is None:
            throttle.record_failure(db, keys)
            db.commit()
            form.current_password.errors = [_("This is not your current password.")]
        else:
            try:
                users.set_password(db, admin, form.new_password.data)
            except users.PasswordRefused as refused:
                form.new_password.errors = [str(p) for p in refused.problems]
            else:
                sign_in(admin)
                db.commit()
                flash(_("Password changed. Your other sessions are signed out."))
                return redirect(url_for("admin.index"))
    return render_template("admin/password.html", form=form), (400 if form.errors else 200)


@bp.get("/")
@admin_required
def index() -> str:
    db = database.session()
    platforms = db.scalars(select(Platform).order_by(Platform.id)).all()
    return render_template(
        "admin/index.html",
        platforms=platforms,
        admin=current_admin(),
        tool_urls=_tool_urls(),
        form=ConfirmForm(),
    )


def _tool_urls() -> dict[str, str]:
    return {
        "registration": public_url("lti.dynamic_registration"),
        "login": public_url("lti.login"),
        "launch": public_url("lti.launch"),
        "jwks": public_url("lti.jwks"),
    }


@bp.route("/platforms/new", methods=["GET", "POST"])
@admin_required
def platform_new() -> Any:
    form = PlatformForm()
    if form.validate_on_submit():
        db = database.session()
        exists = db.scalars(
            select(Platform).where(
                Platform.issuer == form.issuer.data, Platform.client_id == form.client_id.data
            )
        ).first()
        if exists:
            form.client_id.errors.append(_("This issuer and client ID are already registered."))
        else:
            platform = Platform(registration_source="manual")
            form.populate_obj(platform)
            db.add(platform)
            db.commit()
            security.clear_cache()
            flash(_("Platform registered."))
            return redirect(url_for("admin.platform_edit", platform_id=platform.id))
    return render_template("admin/platform_form.html", form=form, platform=None)


def _platform(platform_id: int) -> Platform:
    platform = database.session().get(Platform, platform_id)
    if platform is None:
        raise NotFound()
    return platform


@bp.route("/platforms/<int:platform_id>", methods=["GET", "POST"])
@admin_required
def platform_edit(platform_id: int) -> Any:
    platform = _platform(platform_id)
    form = PlatformForm(obj=platform)
    if form.validate_on_submit():
        form.populate_obj(platform)
        platform.cached_key_set = None
        database.session().commit()
        security.clear_cache()
        flash(_("Platform saved."))
        return redirect(url_for("admin.platform_edit", platform_id=platform.id))
    return render_template(
        "admin/platform_form.html",
        form=form,
        platform=platform,
        deployment_form=DeploymentForm(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/platforms/<int:platform_id>/delete")
@admin_required
def platform_delete(platform_id: int) -> Response:
    platform = _platform(platform_id)
    if ConfirmForm().validate_on_submit():
        db = database.session()
        db.delete(platform)
        db.commit()
        security.clear_cache()
        flash(_("Platform removed."))
    return redirect(url_for("admin.index"))


@bp.post("/platforms/<int:platform_id>/deployments")
@admin_required
def deployment_add(platform_id: int) -> Any:
    platform = _platform(platform_id)
    form = DeploymentForm()
    if form.validate_on_submit():
        if any(d.deployment_id == form.deployment_id.data for d in platform.deployments):
            flash(_("This deployment is already registered."))
        else:
            platform.deployments.append(Deployment(deployment_id=form.deployment_id.data))
            database.session().commit()
            flash(_("Deployment added."))
    else:
        flash(_("The deployment ID is required."))
    return redirect(url_for("admin.platform_edit", platform_id=platform.id))


@bp.post("/deployments/<int:deployment_id>/delete")
@admin_required
def deployment_delete(deployment_id: int) -> Response:
    db = database.session()
    deployment = db.get(Deployment, deployment_id)
    if deployment is None:
        raise NotFound()
    platform_id = deployment.platform_id
    if ConfirmForm().validate_on_submit():
        db.delete(deployment)
        db.commit()
        flash(_("Deployment removed."))
    return redirect(url_for("admin.platform_edit", platform_id=platform_id))


@bp.route("/keys", methods=["GET", "POST"])
@admin_required
def tool_keys() -> Any:
    db = database.session()
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        keys.rotate(db)
        db.commit()
        flash(_("Keys rotated: the next key is now active."))
        return redirect(url_for("admin.tool_keys"))
    keys.active_key(db)
    db.commit()
    all_keys = db.scalars(select(ToolKey).order_by(ToolKey.id.desc())).all()
    published = {k.kid for k in keys.published_keys(db)}
    return render_template("admin/keys.html", keys=all_keys, published=published, form=form)


@bp.get("/privacy")
def privacy() -> str:
    return render_template("admin/privacy.html")
