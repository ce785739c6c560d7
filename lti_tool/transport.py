"""HTTPS as deployed behind a proxy: ``Secure`` cookies, HSTS, and the CSRF check of the origin.

Pages send ``Referrer-Policy: same-origin``, so a browser sends ``Referer`` only to the tool
itself; some browsers and privacy extensions send none at all. Flask-WTF's strict HTTPS check
requires a ``Referer`` and so refused every admin form when it was missing. Here the CSRF token
is checked as before, and over HTTPS the request must also come from one of the tool's own
origins, read from ``Origin`` (sent by every current browser on a form POST) or else ``Referer``.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalised_origin(url: str | None) -> str | None:
    """``scheme://host[:port]`` in lower case without the default port; ``None`` if unusable."""
    if not url or url == "null":
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def own_origins() -> set[str]:
    """The origins this request may come from: the host it was addressed to, and the public URL."""
    found = {normalised_origin(request.host_url), normalised_origin(public_base_url())}
    return {o for o in found if o}


def public_base_url() -> str:
    return str(current_app.config.get("BASE_URL") or "")


def https_deployment(app: Flask) -> bool:
    return str(app.config.get("BASE_URL") or "").lower().startswith("https://")


class OriginCheckedCSRF(CSRFProtect):
    """Flask-WTF's token check, plus a same-origin check that accepts ``Origin`` as proof."""

    def protect(self, apply_exemptions: bool = False) -> None:
        super().protect(apply_exemptions=apply_exemptions)
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.is_secure:
            self._check_origin()

    def _check_origin(self) -> None:
        allowed = own_origins()
        sent_origin = request.headers.get("Origin")
        referrer = request.referrer
        if sent_origin is None and not referrer:
            self._error_response("Neither an Origin nor a Referer header.")
        if sent_origin is not None and normalised_origin(sent_origin) not in allowed:
            self._error_response("The Origin header does not match the host.")
        if referrer and normalised_origin(referrer) not in allowed:
            self._error_response("The referrer does not match the host.")


def init_app(app: Flask) -> None:
    # Our own check above replaces Flask-WTF's Referer-only one.
    app.config["WTF_CSRF_SSL_STRICT"] = False
    if https_deployment(app):
        app.config["SESSION_COOKIE_SECURE"] = True
    max_age = int(app.config.get("HSTS_MAX_AGE") or 0)

    @app.after_request
    def _strict_transport(response: Response) -> Response:
        # Sent only over HTTPS (RFC 6797 §7.2) and only when the public URL is HTTPS: a tool
        # reached over plain http in a lab must not pin browsers to https.
        if max_age and request.is_secure and https_deployment(current_app):
            response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
        return response
