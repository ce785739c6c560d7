"""LTI Dynamic Registration: the URL an admin pastes into Moodle's "Tool URL" under Manage tools."""

from __future__ import annotations

import logging
from typing import Any, cast

import requests
from flask import current_app
from flask_babel import lazy_gettext as _l
from pylti1p3.dynamic_registration import DynamicRegistration
from pylti1p3.exception import LtiException
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti import claims as C
from lti_tool.lti.urls import launch_url, origin, public_url
from lti_tool.lti.validation import fail
from models import Deployment, Platform

log = logging.getLogger(__name__)

TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG = "https://purl.imsglobal.org/spec/lti-platform-configuration"


class BoussoleRegistration(DynamicRegistration):
    client_name = "Boussole"
    description = "Boussole — quiz adaptatif sur l'usage responsable de l'IA"

    def __init__(self, db: Session, openid_configuration: str, registration_token: str | None):
        self.db = db
        self.openid_configuration_url = openid_configuration
        self.registration_token = registration_token
        self.platform: Platform | None = None

    def get_request_session(self) -> requests.Session:
        session = requests.Session()
        session.request = _with_timeout(session.request)  # type: ignore[method-assign]
        return session

    def get_openid_configuration_endpoint(self) -> str:
        return self.openid_configuration_url

    def get_registration_token(self) -> str | None:  # type: ignore[override]
        return self.registration_token

    def get_initiate_login_uri(self) -> str:
        return public_url("lti.login")

    def get_jwks_uri(self) -> str:
        return public_url("lti.jwks")

    def get_redirect_uris(self) -> list[str]:
        return [launch_url()]

    def get_target_link_uri(self) -> str:
        return launch_url()

    def get_domain(self) -> str:
        return launch_url().split("://", 1)[1].split("/", 1)[0]

    def get_logo_uri(self) -> str:
        return public_url("static", filename="img/boussole.svg")

    def get_scopes(self) -> list[str]:
        return list(C.TOOL_SCOPES)

    def get_claims(self) -> list[str]:
        return ["iss", "sub", "name", "given_name", "family_name"]

    def get_messages(self) -> list[dict[str, Any]]:
        return [
            {"type": C.RESOURCE_LINK_REQUEST, "target_link_uri": launch_url()},
            {
                "type": C.DEEP_LINKING_REQUEST,
                "target_link_uri": launch_url(),
                "label": "Boussole",
                "placements": ["ContentArea"],
            },
        ]

    def get_openid_configuration(self) -> dict[str, Any]:
        config = super().get_openid_configuration()
        if not isinstance(config, dict):
            raise fail("registration_bad_config", _l("The platform's configuration is not JSON."))
        issuer = config.get("issuer")
        # The issuer must be the host that served the configuration (LTI DR 1.0, section 3.5.1).
        if not isinstance(issuer, str) or origin(issuer) != origin(self.openid_configuration_url):
            raise fail(
                "registration_issuer_mismatch",
                _l("The platform's issuer does not match the address of its configuration."),
            )
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(config.get(field), str):
                raise fail(
                    "registration_bad_config",
                    _l("The platform's configuration has no %(field)s.", field=field),
                )
        return config

    def complete_registration(
        self, openid_configuration: dict[str, Any], openid_registration: dict[str, Any]
    ) -> Platform:
        tool_conf = openid_registration.get(TOOL_CONFIG) or {}
        client_id = openid_registration.get("client_id")
        if not client_id:
            raise fail("registration_no_client_id", _l("The platform returned no client_id."))
        issuer = str(openid_configuration["issuer"])
        platform = self.db.scalars(
            select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
        ).first()
        if platform is None:
            platform = Platform(issuer=issuer, client_id=str(client_id))
            self.db.add(platform)
        platform_conf = openid_configuration.get(PLATFORM_CONFIG) or {}
        family = platform_conf.get("product_family_code") or ""
        platform.name = platform.name or f"{family or 'LMS'} — {origin(issuer)}"
        platform.auth_login_url = openid_configuration["authorization_endpoint"]
        platform.auth_token_url = openid_configuration["token_endpoint"]
        platform.key_set_url = openid_configuration["jwks_uri"]
        platform.auth_audience = openid_configuration.get("authorization_server")
        platform.registration_source = "dynamic"
        platform.trusted_for_calibration = False  # an admin trusts it later, if ever
        platform.active = current_app.config.get("DYNAMIC_REGISTRATION_AUTO_ACTIVATE", True)
        platform.platform_config = openid_configuration
        self.db.flush()
        deployment_id = tool_conf.get("deployment_id")
        if deployment_id:
            exists = self.db.scalars(
                select(Deployment).where(
                    Deployment.platform_id == platform.id,
                    Deployment.deployment_id == str(deployment_id),
                )
            ).first()
            if exists is None:
                self.db.add(Deployment(platform_id=platform.id, deployment_id=str(deployment_id)))
        self.db.flush()
        self.platform = platform
        log.info("dynamic registration stored for platform %s", platform.id)
        return platform


def _with_timeout(request_fn: Any) -> Any:
    def wrapped(method: str, url: str, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", current_app.config["HTTP_TIMEOUT"])
        return request_fn(method, url, **kwargs)

    return wrapped


def register(db: Session, openid_configuration: str, registration_token: str | None) -> Platform:
    reg = BoussoleRegistration(db, openid_configuration, registration_token)
    try:
        platform = cast(Platform, reg.register())
    except (LtiException, requests.RequestException, AssertionError, KeyError, ValueError) as exc:
        log.info("dynamic registration failed: %s", type(exc).__name__)
        raise fail(
            "registration_failed",
            _l(
                "The registration with the platform failed. Check that the platform can reach "
                "this tool and try again from the platform's tool management page."
            ),
            status=400,
        ) from exc
    return platform
