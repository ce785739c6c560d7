"""The LTI endpoints: login, launch, JWKS, Dynamic Registration, and the role landing pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from lti_tool import db as database
from lti_tool.i18n import normalise_locale
from lti_tool.lti import claims as C
from lti_tool.lti import keys, launch_token
from lti_tool.lti.launches import current_launch, record_launch, require_launch
from lti_tool.lti.login import handle_login
from lti_tool.lti.registration import register
from lti_tool.lti.validation import BoussoleMessageLaunch, fail, locale_hint

bp = Blueprint("lti", __name__, url_prefix="/lti")

#: Where each kind of launch lands. Other packages (quiz, instructor) replace these entries.
LANDING: dict[tuple[str, str], str] = {
    (C.RESOURCE_LINK_REQUEST, C.LEARNER): "quiz.entry",
    (C.RESOURCE_LINK_REQUEST, C.INSTRUCTOR): "instructor.dashboard",
    (C.RESOURCE_LINK_REQUEST, C.ADMIN): "instructor.dashboard",
    (C.DEEP_LINKING_REQUEST, C.LEARNER): "lti.home",
    (C.DEEP_LINKING_REQUEST, C.INSTRUCTOR): "instructor.deep_link",
    (C.DEEP_LINKING_REQUEST, C.ADMIN): "instructor.deep_link",
}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    g.locale = normalise_locale(request.values.get("lang"))
    response = handle_login(database.session())
    database.session().commit()
    return response


@bp.post("/launch")
def launch() -> Response | str:
    g.locale = normalise_locale(locale_hint(request.form.get("id_token")))
    db = database.session()
    message = BoussoleMessageLaunch(db)
    storage = message.platform_storage_to_read()
    if storage is not None:
        # The login kept its state in the platform's storage and the browser sent no cookie:
        # read the state back from the platform's frame, then post the launch again with it.
        return render_template(
            "lti/platform_storage_launch.html",
            fields={k: request.form.get(k, "") for k in ("id_token", "state")},
            storage=storage,
        )
    try:
        message.validate()
    except Exception:
        # Keep what the validation cached (a refreshed key set); nothing else was written.
        db.commit()
        raise
    record = record_launch(db, message)
    db.commit()
    token = launch_token.issue(record.id)
    endpoint = LANDING.get((record.message_type, record.role), "lti.home")
    return redirect(url_for(endpoint, lt=token), code=303)


@bp.get("/home")
@require_launch()
def home() -> str:
    launch = current_launch()
    return render_template("lti/home.html", launch=launch)


@bp.get("/jwks")
def jwks() -> Response:
    db = database.session()
    data = keys.jwks(db)
    db.commit()
    response = jsonify(data)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/register")
def dynamic_registration() -> str:
    openid_configuration = request.args.get("openid_configuration")
    if not openid_configuration:
        raise fail(
            "registration_missing_configuration",
            _l(
                "This address is meant to be pasted into your platform's tool management page "
                "(Moodle: Site administration › Plugins › External tool › Manage tools › Tool URL)."
            ),
        )
    db = database.session()
    platform = register(db, openid_configuration, request.args.get("registration_token"))
    db.commit()
    return render_template("lti/registered.html", platform=platform)


def token_url(endpoint: str, **values: Any) -> str:
    """A URL that carries the current launch token (for templates)."""
    token = g.get("launch_token")
    if token:
        values["lt"] = token
    return url_for(endpoint, **values)


__all__ = ["LANDING", "bp", "launch_token", "token_url"]
