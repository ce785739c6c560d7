"""French first, English complete. The locale comes from the launch, then the user's choice."""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_babel import Babel

babel = Babel()


def normalise_locale(value: str | None) -> str | None:
    if not value:
        return None
    lang = value.replace("_", "-").split("-")[0].lower()
    return lang if lang in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    for candidate in (
        request.args.get("lang") if request else None,
        request.form.get("lang") if request and request.method == "POST" else None,
        g.get("locale"),
        session.get("lang") if request else None,
    ):
        lang = normalise_locale(candidate)
        if lang:
            return lang
    if request:
        best = request.accept_languages.best_match(current_app.config["LANGUAGES"])
        if best:
            return best
    default: str = current_app.config["BABEL_DEFAULT_LOCALE"]
    return default


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
