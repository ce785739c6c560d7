"""Complete validation of an LTI 1.3 launch, on top of pylti1p3's message launch.

Order matters: the signature is checked before any single-use value (state record, nonce) is
consumed, so a forged token cannot burn a real learner's login.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any, cast

import jwt
import requests
from flask import current_app
from flask_babel import lazy_gettext as _l
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskRequest
from pylti1p3.registration import Registration
from sqlalchemy.orm import Session

from lti_tool.errors import LaunchError
from lti_tool.lti import claims as C
from lti_tool.lti.storage import DatabaseLaunchDataStorage
from lti_tool.lti.tool_conf import DatabaseToolConf, find_platform
from models import Platform
from models.base import utcnow

log = logging.getLogger(__name__)

STATE_RECORD_PREFIX = "login-state-"


def storage_key(state: str) -> str:
    """The key of a login's state in the platform's storage (LTI Client Side postMessages)."""
    return "boussole_state_" + state


def fail(code: str, admin_hint: Any = None, status: int = 400) -> LaunchError:
    return LaunchError(code=code, admin_hint=admin_hint, status=status)


def _b64_json(part: str) -> dict[str, Any]:
    import base64

    padded = part + "=" * (-len(part) % 4)
    data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


def unverified_parts(id_token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    parts = id_token.split(".")
    if len(parts) != 3:
        raise fail("malformed_token", _l("The id_token is not a JWT (it must have three parts)."))
    try:
        return _b64_json(parts[0]), _b64_json(parts[1])
    except (ValueError, UnicodeDecodeError) as exc:
        raise fail("malformed_token", _l("The id_token could not be decoded.")) from exc


class KeySetCache:
    """The platform's JWKS, cached in the database and refetched once on an unknown ``kid``."""

    def __init__(self, db: Session, platform: Platform, http: requests.Session | None = None):
        self.db, self.platform = db, platform
        self.http = http or requests.Session()

    def _fetch(self) -> dict[str, Any]:
        try:
            resp = self.http.get(
                self.platform.key_set_url, timeout=current_app.config["HTTP_TIMEOUT"]
            )
            resp.raise_for_status()
            data = resp.json()
        except (requests.RequestException, ValueError) as exc:
            raise fail(
                "key_set_unreachable",
                _l(
                    "The platform's public keys could not be fetched from %(url)s.",
                    url=self.platform.key_set_url,
                ),
                status=400,
            ) from exc
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise fail("key_set_invalid", _l("The platform's key set is not a JWKS."), status=400)
        self.platform.cached_key_set = data
        self.platform.key_set_fetched_at = utcnow()
        self.db.flush()
        return data

    def _find(self, key_set: dict[str, Any] | None, kid: str) -> dict[str, Any] | None:
        for key in (key_set or {}).get("keys", []):
            if isinstance(key, dict) and key.get("kid") == kid:
                return key
        return None

    def key_for(self, kid: str) -> dict[str, Any]:
        max_age = timedelta(seconds=current_app.config["KEY_SET_CACHE_SECONDS"])
        fresh = (
            self.platform.key_set_fetched_at is not None
            and utcnow() - self.platform.key_set_fetched_at < max_age
        )
        key = self._find(self.platform.cached_key_set, kid) if fresh else None
        if key is None:
            key = self._find(self._fetch(), kid)
        if key is None:
            raise fail(
                "unknown_kid",
                _l(
                    "The token was signed with a key (kid %(kid)s) that is not in the platform's "
                    "key set at %(url)s.",
                    kid=kid,
                    url=self.platform.key_set_url,
                ),
                status=401,
            )
        return key


class BoussoleMessageLaunch(FlaskMessageLaunch):
    """pylti1p3's launch with every check LTI 1.3 and the 1EdTech certification ask for."""

    def __init__(self, db: Session, http: requests.Session | None = None) -> None:
        storage = DatabaseLaunchDataStorage(db)
        super().__init__(FlaskRequest(), DatabaseToolConf(db), launch_data_storage=storage)
        self.db = db
        self.http = http
        self.storage = storage
        self.platform: Platform | None = None
        self.used_cookie = False

    # -- the steps -------------------------------------------------------------------------
    def validate(self) -> BoussoleMessageLaunch:
        self._validated = True
        try:
            self._parse()
            self._find_platform()
            self._verify_signature()
            self._check_state_and_nonce()
            self._check_deployment()
            self._check_message()
        except Exception:
            self._validated = False
            raise
        return self

    def save_launch_data(self) -> BoussoleMessageLaunch:
        """Nothing to save here: :func:`record_launch` keeps what the tool needs, minus names."""
        return self

    def _parse(self) -> None:
        id_token = self._get_request_param("id_token")
        if not id_token:
            raise fail("missing_id_token", _l("The launch request has no id_token."))
        header, body = unverified_parts(id_token)
        self._jwt = cast(Any, {"header": header, "body": body})

    @property
    def body(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._jwt.get("body", {}))

    def get_client_id(self) -> str:
        aud = self.body.get("aud")
        azp = self.body.get("azp")
        auds = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
        if not auds or not all(isinstance(a, str) for a in auds):
            raise fail("bad_audience", _l("The token has no valid audience (aud)."), status=401)
        if len(auds) > 1 and not azp:
            raise fail(
                "bad_azp", _l("A token with several audiences must name its azp."), status=401
            )
        if azp is not None and azp not in auds:
            raise fail("bad_azp", _l("The token's azp is not one of its audiences."), status=401)
        return str(azp or auds[0])

    def _find_platform(self) -> None:
        iss = self.body.get("iss")
        if not iss or not isinstance(iss, str):
            raise fail("missing_iss", _l("The token has no issuer (iss)."))
        client_id = self.get_client_id()
        platform = find_platform(self.db, iss, client_id)
        if platform is None:
            raise fail(
                "unknown_platform",
                _l(
                    "No platform is registered with issuer %(iss)s and client id %(client_id)s. "
                    "Register it by Dynamic Registration or with: boussole platform add --issuer "
                    "%(iss)s --client-id %(client_id)s …",
                    iss=iss,
                    client_id=client_id,
                ),
                status=401,
            )
        if not platform.active:
            raise fail(
                "platform_inactive",
                _l("The registration of %(iss)s is waiting for activation by an admin.", iss=iss),
                status=403,
            )
        self.platform = platform
        self._registration = self._tool_config.find_registration_by_params(iss, client_id)

    def _verify_signature(self) -> None:
        assert self.platform is not None
        header = self._jwt["header"]
        alg, kid = header.get("alg"), header.get("kid")
        if alg != "RS256":
            raise fail(
                "bad_alg",
                _l("Only RS256 signatures are accepted (the token says %(alg)s).", alg=str(alg)),
                status=401,
            )
        if not kid:
            raise fail("missing_kid", _l("The token's header has no key id (kid)."), status=401)
        jwk = KeySetCache(self.db, self.platform, self.http).key_for(str(kid))
        if jwk.get("alg", "RS256") != "RS256" or jwk.get("kty", "RSA") != "RSA":
            raise fail("bad_alg", _l("The platform's key is not an RS256 key."), status=401)
        try:
            public_key = jwt.PyJWK.from_dict(jwk).key
        except (jwt.PyJWKError, ValueError, TypeError) as exc:
            raise fail("key_set_invalid", _l("The platform's key could not be read.")) from exc
        try:
            jwt.decode(
                self._get_id_token(),
                public_key,
                algorithms=["RS256"],
                audience=self.get_client_id(),
                issuer=self.platform.issuer,
                leeway=current_app.config["JWT_LEEWAY"],
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise fail("token_expired", _l("The token has expired (exp)."), 401) from exc
        except jwt.ImmatureSignatureError as exc:
            raise fail(
                "token_not_yet_valid", _l("The token is dated in the future (iat/nbf)."), 401
            ) from exc
        except jwt.InvalidAudienceError as exc:
            raise fail("bad_audience", _l("The token's audience is not this tool."), 401) from exc
        except jwt.MissingRequiredClaimError as exc:
            raise fail(
                f"missing_{exc.claim}",
                _l("The token has no %(claim)s claim.", claim=exc.claim),
                401,
            ) from exc
        except jwt.InvalidTokenError as exc:
            raise fail(
                "bad_signature", _l("The token's signature or claims are invalid."), 401
            ) from exc
        iat = self.body.get("iat")
        leeway = current_app.config["JWT_LEEWAY"]
        if not isinstance(iat, int | float) or iat > utcnow().timestamp() + leeway:
            raise fail("token_not_yet_valid", _l("The token is dated in the future (iat)."), 401)

    def platform_storage_to_read(self) -> dict[str, str] | None:
        """Where to read the state back when the login used platform storage and no cookie came
        back; None when the launch can be validated as it is."""
        state = self._get_request_param("state")
        if not state or self._get_request_param("platform_storage_state") is not None:
            return None
        if self._cookie_service.get_cookie(state) == state:
            return None
        record = self.storage.get_value(STATE_RECORD_PREFIX + state)
        storage = record.get("storage") if isinstance(record, dict) else None
        return {"key": storage_key(state), **storage} if isinstance(storage, dict) else None

    def _check_state_and_nonce(self) -> None:
        state = self._get_request_param("state")
        if not state:
            raise fail("missing_state", _l("The launch has no state parameter."))
        record = self.storage.pop_value(STATE_RECORD_PREFIX + state)
        cookie = self._cookie_service.get_cookie(state)
        if cookie is not None and cookie != state:
            raise fail("state_mismatch", _l("The state does not match this browser's login."))
        if cookie == state:
            self.used_cookie = True
        elif record is not None and record.get("storage"):
            # The login put the state in the platform's storage: this browser must have it.
            if self._get_request_param("platform_storage_state") != state:
                raise fail(
                    "state_mismatch",
                    _l("The platform's storage does not hold this login's state."),
                )
        elif record is None:
            raise fail(
                "state_mismatch",
                _l(
                    "This launch does not match a recent login of this tool (state unknown, "
                    "already used or expired)."
                ),
            )
        nonce = self.body.get("nonce")
        if not nonce or not isinstance(nonce, str):
            raise fail("missing_nonce", _l("The token has no nonce."))
        if record is not None and record.get("nonce") != nonce:
            raise fail("state_mismatch", _l("The token's nonce does not belong to this login."))
        if not self._session_service.check_nonce(nonce):
            raise fail("nonce_reused", _l("This token was already used (nonce)."), status=401)

    def _check_deployment(self) -> None:
        assert self.platform is not None
        deployment_id = self.body.get(C.DEPLOYMENT_ID)
        if not deployment_id:
            raise fail("missing_deployment_id", _l("The token has no deployment_id claim."))
        if not self._tool_config.find_deployment_by_params(
            self.platform.issuer, str(deployment_id), self.platform.client_id
        ):
            raise fail(
                "unknown_deployment",
                _l(
                    "Deployment %(deployment)s is not registered for %(iss)s. Register it with: "
                    "boussole platform add-deployment %(iss)s %(client_id)s %(deployment)s",
                    deployment=str(deployment_id),
                    iss=self.platform.issuer,
                    client_id=self.platform.client_id,
                ),
                status=403,
            )

    def _check_message(self) -> None:
        body = self.body
        if C.VERSION not in body:
            raise fail("missing_version", _l("The token has no LTI version claim."))
        if body.get(C.VERSION) != "1.3.0":
            raise fail("wrong_version", _l("Only LTI 1.3.0 launches are accepted."))
        message_type = body.get(C.MESSAGE_TYPE)
        if not message_type:
            raise fail("missing_message_type", _l("The token has no message_type claim."))
        if message_type not in C.SUPPORTED_MESSAGES:
            raise fail(
                "unsupported_message_type",
                _l("This tool does not handle %(type)s messages.", type=str(message_type)[:80]),
            )
        if not body.get("sub") or not isinstance(body.get("sub"), str):
            raise fail("missing_sub", _l("The token does not say who the user is (sub)."))
        if not isinstance(body.get(C.ROLES), list):
            raise fail("missing_roles", _l("The token has no roles claim."))
        if not body.get(C.TARGET_LINK_URI):
            raise fail("missing_target_link_uri", _l("The token has no target_link_uri claim."))
        if message_type == C.RESOURCE_LINK_REQUEST:
            link = body.get(C.RESOURCE_LINK)
            if not isinstance(link, dict) or not link.get("id"):
                raise fail("missing_resource_link_id", _l("The token has no resource link id."))
        else:
            settings = body.get(C.DL_SETTINGS)
            if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
                raise fail(
                    "missing_deep_linking_settings",
                    _l("The deep-linking request has no return URL."),
                )


def locale_hint(id_token: str | None) -> str | None:
    """The launch's locale, read unverified: only to pick the language of the error page."""
    if not id_token:
        return None
    try:
        _, body = unverified_parts(id_token)
    except LaunchError:
        return None
    presentation = body.get(C.LAUNCH_PRESENTATION)
    if isinstance(presentation, dict) and isinstance(presentation.get("locale"), str):
        return str(presentation["locale"])
    return None


__all__ = ["BoussoleMessageLaunch", "Registration", "locale_hint"]
