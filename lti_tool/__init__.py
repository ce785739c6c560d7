"""Boussole's web layer: the Flask application factory."""

from __future__ import annotations

import logging
import os
import secrets
from typing import Any

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from lti_tool.config import Config
from lti_tool.transport import OriginCheckedCSRF

csrf = OriginCheckedCSRF()
log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Defaults, then the environment (``BOUSSOLE_*``), then ``test_config``."""
    instance_path = os.environ.get("BOUSSOLE_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(Config(app.instance_path).as_dict())
    if test_config:
        app.config.from_mapping(test_config)
    configure_secret_key(app)
    configure_proxy(app)
    configure_database(app)
    configure_i18n(app)
    configure_security(app)
    configure_blueprints(app)
    configure_errors(app)
    configure_templates(app)
    configure_commands(app)
    return app


def configure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    # Development only: a random key kept in the instance folder. Production sets the variable.
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    with open(path) as fh:
        app.config["SECRET_KEY"] = fh.read().strip()
    log.warning("BOUSSOLE_SECRET_KEY is not set: using the instance folder's development key")


def configure_proxy(app: Flask) -> None:
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )


def configure_database(app: Flask) -> None:
    from lti_tool import db

    db.init_app(app)


def configure_i18n(app: Flask) -> None:
    from lti_tool import i18n

    i18n.init_app(app)


def configure_security(app: Flask) -> None:
    from lti_tool import input_guard, transport
    from lti_tool.security import init_app

    input_guard.init_app(app)
    transport.init_app(app)
    csrf.init_app(app)
    init_app(app)


def configure_blueprints(app: Flask) -> None:
    from lti_tool.admin.bank_views import bp as admin_bank_bp
    from lti_tool.admin.ops_views import bp as admin_ops_bp
    from lti_tool.admin.views import bp as admin_bp
    from lti_tool.instructor.views import bp as instructor_bp
    from lti_tool.lti.views import bp as lti_bp
    from lti_tool.pages import bp as pages_bp
    from lti_tool.quiz.views import bp as quiz_bp

    csrf.exempt(lti_bp)  # platform-to-tool posts: protected by signed JWTs, state and nonce
    # Pages inside the LMS iframe get no cookie: the signed launch token in every form is the
    # anti-forgery token (an attacker cannot know it), checked on every request.
    csrf.exempt(quiz_bp)
    csrf.exempt(instructor_bp)
    for blueprint in (
        pages_bp,
        lti_bp,
        quiz_bp,
        instructor_bp,
        admin_bp,
        admin_bank_bp,
        admin_ops_bp,
    ):
        app.register_blueprint(blueprint)
    if app.config.get("DEMO_ENABLED"):
        from lti_tool.demo import init_app as init_demo

        init_demo(app)


def configure_errors(app: Flask) -> None:
    from lti_tool.errors import register_error_handlers

    register_error_handlers(app)


def configure_templates(app: Flask) -> None:
    from flask_babel import get_locale

    from lti_tool.lti.views import token_url
    from lti_tool.markup import itemtext

    app.jinja_env.filters["itemtext"] = itemtext
    # A global, so that macros imported without context (quiz/_macros.html) see it too.
    app.jinja_env.globals["current_launch_token"] = lambda: g.get("launch_token")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "token_url": token_url,
            "current_locale": str(get_locale() or "fr"),
            "launch_token": g.get("launch_token"),
            "lang_url": _lang_url,
        }

    def _lang_url(lang: str) -> str:
        args = request.args.to_dict()
        args["lang"] = lang
        if g.get("launch_token"):
            args["lt"] = g.launch_token
        from urllib.parse import urlencode

        return request.path + "?" + urlencode(args)


def configure_commands(app: Flask) -> None:
    from lti_tool.cli import init_app

    init_app(app)
