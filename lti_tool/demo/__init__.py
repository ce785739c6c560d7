"""The demo: a stand-in LMS mounted at ``/demo-lms`` so a newcomer can try the tool without Moodle.

Enabled by ``BOUSSOLE_DEMO=1`` (``boussole demo`` sets it). Never enable it in production: it lets
anyone launch as any demo user.
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Blueprint, Flask, redirect
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.wrappers import Response

from lti_tool.demo.lms_state import ToolRegistration
from lti_tool.demo.platform_app import StandInLms
from lti_tool.demo.platform_conf import PlatformSettings
from models import Deployment, Platform

PREFIX = "/demo-lms"
DEMO_CLIENT_ID = "boussole-demo"
DEMO_DEPLOYMENT_ID = "1"

bp = Blueprint("demo", __name__)


@bp.get("/demo")
def course() -> Response:
    return redirect(PREFIX + "/")


def pem_pair(private: rsa.RSAPrivateKey | None = None) -> tuple[str, str]:
    """(private PEM, public PEM) of a platform key, a new 2048-bit one unless given."""
    key = private or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


def platform_keys(instance_path: str) -> tuple[str, str]:
    """The stand-in's key pair, kept in the instance folder so restarts keep registrations valid."""
    path = os.path.join(instance_path, "demo-platform-key.pem")
    if not os.path.exists(path):
        private_pem, _ = pem_pair()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(private_pem)
    with open(path, "rb") as fh:
        loaded = serialization.load_pem_private_key(fh.read(), password=None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    return pem_pair(loaded)


def stand_in_registration(issuer: str, client_id: str, deployment_id: str, name: str) -> Platform:
    """The tool's registration of a stand-in LMS, as an admin would enter a Moodle's."""
    return Platform(
        name=name,
        issuer=issuer,
        client_id=client_id,
        auth_login_url=issuer + "/mod/lti/auth.php",
        auth_token_url=issuer + "/mod/lti/token.php",
        key_set_url=issuer + "/mod/lti/certs.php",
        registration_source="manual",
        trusted_for_calibration=True,
        deployments=[Deployment(deployment_id=deployment_id)],
    )


def base_url(app: Flask) -> str:
    return str(app.config.get("BASE_URL") or "http://localhost:5000").rstrip("/")


def init_app(app: Flask) -> None:
    base = base_url(app)
    private_pem, public_pem = platform_keys(app.instance_path)
    lms = StandInLms(PlatformSettings(base + PREFIX, private_pem, public_pem))
    lms.add_tool(
        ToolRegistration(
            client_id=DEMO_CLIENT_ID,
            deployment_id=DEMO_DEPLOYMENT_ID,
            login_url=base + "/lti/login",
            redirect_uris=[base + "/lti/launch"],
            target_link_uri=base + "/lti/launch",
            jwks_url=base + "/lti/jwks",
        )
    )
    lms.state.add_resource_link("Boussole — IA responsable", DEMO_CLIENT_ID)
    app.extensions["boussole.demo_lms"] = lms
    app.register_blueprint(bp)
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {PREFIX: lms.app})  # type: ignore[method-assign]


def ensure_registration(db: Session, app: Flask) -> Platform:
    """Register the stand-in LMS with the tool, as an admin would for a real Moodle."""
    issuer = base_url(app) + PREFIX
    platform = db.scalars(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == DEMO_CLIENT_ID)
    ).first()
    if platform is None:
        platform = stand_in_registration(
            issuer, DEMO_CLIENT_ID, DEMO_DEPLOYMENT_ID, "LMS de démonstration"
        )
        db.add(platform)
    platform.cached_key_set = None  # the stand-in's key may have changed with the instance folder
    db.flush()
    return platform
