"""OIDC third-party initiated login (Moodle posts it), with a server-side state record.

The state cookie that pylti1p3 sets is dropped by browsers that block third-party cookies inside
the LMS iframe. The login therefore also keeps a single-use, short-lived record of the state and its
nonce in the database; the launch accepts either (see docs/security.md).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from pylti1p3.contrib.flask import FlaskOIDCLogin, FlaskRequest
from pylti1p3.registration import Registration
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from lti_tool.lti.storage import DatabaseLaunchDataStorage
from lti_tool.lti.tool_conf import DatabaseToolConf, find_platform
from lti_tool.lti.urls import launch_url, origin
from lti_tool.lti.validation import STATE_RECORD_PREFIX, fail


class BoussoleOIDCLogin(FlaskOIDCLogin):
    def __init__(self, db: Session) -> None:
        self.db = db
        self.storage = DatabaseLaunchDataStorage(db)
        super().__init__(FlaskRequest(), DatabaseToolConf(db), launch_data_storage=self.storage)

    def validate_oidc_login(self) -> Registration:
        iss = self._get_request_param("iss")
        if not iss:
            raise fail("login_missing_iss", _l("The login request has no issuer (iss)."))
        if not self._get_request_param("login_hint"):
            raise fail("login_missing_login_hint", _l("The login request has no login_hint."))
        client_id = self._get_request_param("client_id")
        platform = find_platform(self.db, iss, client_id)
        if platform is None:
            raise fail(
                "unknown_platform",
                _l(
                    "No platform is registered with issuer %(iss)s and client id %(client_id)s.",
                    iss=iss,
                    client_id=client_id or "?",
                ),
                status=401,
            )
        if not platform.active:
            raise fail(
                "platform_inactive",
                _l("The registration of %(iss)s is waiting for activation by an admin.", iss=iss),
                status=403,
            )
        target = self._get_request_param("target_link_uri")
        if target and origin(target) != origin(launch_url()):
            raise fail(
                "foreign_target_link_uri",
                _l("The target_link_uri %(uri)s is not this tool's address.", uri=target[:200]),
            )
        registration: Registration = self._tool_config.find_registration_by_params(
            iss, platform.client_id
        )
        return registration


def handle_login(db: Session) -> Response | str:
    login = BoussoleOIDCLogin(db)
    redirect = login.get_redirect_object(launch_url())
    auth_url: str = redirect.get_redirect_url()
    query = parse_qs(urlsplit(auth_url).query)
    state, nonce = query["state"][0], query["nonce"][0]
    storage_target = login._get_request_param("lti_storage_target")
    platform_origin = origin(login._registration.get_auth_login_url() or "")
    record: dict[str, Any] = {"nonce": nonce}
    if storage_target:
        # The launch must then find the same state in the platform's storage (see the launch).
        record["storage"] = {"target": storage_target, "origin": platform_origin}
    login.storage.set_value(
        STATE_RECORD_PREFIX + state, record, exp=current_app.config["LOGIN_STATE_MAX_AGE"]
    )
    if storage_target:
        # LTI platform storage: keep the state in the platform's frame too, then go on.
        page: Any = render_template(
            "lti/platform_storage_login.html",
            auth_url=auth_url,
            state=state,
            nonce=nonce,
            storage_target=storage_target,
            platform_origin=platform_origin,
        )
        response: Response = redirect.do_redirect()
        response.status_code = 200
        response.headers.pop("Location", None)
        response.set_data(page)
        response.mimetype = "text/html"
        return response
    result: Response = redirect.do_redirect()
    return result
