"""The stand-in LMS's LTI side on ``lti1p3platform``: signs id_tokens, checks the tool's JWTs."""

from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jwt
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration

from lti_tool.demo.lms_state import LmsState, ResourceLink, ToolRegistration, User

ID_TOKEN_LIFETIME = 60  # Moodle: exp - iat = 60 s
ACCESS_TOKEN_LIFETIME = 3600


def moodle_claims(name: str) -> dict[str, Any]:
    """A claim set captured from a real Moodle 4.5 (``moodle_claims/``)."""
    text = resources.files("lti_tool.demo").joinpath("moodle_claims", name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass
class PlatformSettings:
    issuer: str
    private_key_pem: str
    public_key_pem: str

    def url(self, path: str) -> str:
        return self.issuer.rstrip("/") + path


class PlatformConf(LTI1P3PlatformConfAbstract):
    """lti1p3platform's configuration for one tool registration of the stand-in LMS."""

    def init_platform_config(self, **kwargs: Any) -> None:
        self.settings: PlatformSettings = kwargs["settings"]
        self.tool: ToolRegistration = kwargs["tool"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        reg = Registration()
        reg.set_iss(self.settings.issuer)
        reg.set_client_id(self.tool.client_id)
        reg.set_deployment_id(self.tool.deployment_id)
        reg.set_oidc_login_url(self.tool.login_url)
        reg.set_launch_url(self.tool.target_link_uri)
        reg.set_platform_private_key(self.settings.private_key_pem)
        reg.set_platform_public_key(self.settings.public_key_pem)
        reg.set_tool_key_set_url(self.tool.jwks_url)
        return reg

    def verify_tool_jwt(self, token: str, audience: str) -> dict[str, Any]:
        """The tool's signed JWT, checked as Moodle does: signature, iss = sub = client id, aud."""
        self.get_registration()
        claims: dict[str, Any] = self.tool_validate_and_decode(token)
        auds = claims.get("aud")
        auds = [auds] if isinstance(auds, str) else (auds or [])
        if audience not in auds:
            raise jwt.InvalidAudienceError(f"aud must contain {audience}")
        if claims.get("iss") != self.tool.client_id:
            raise jwt.InvalidIssuerError("iss must be the tool's client id")
        return claims

    def sign_id_token(self, claims: dict[str, Any]) -> str:
        reg = self.get_registration()
        token: str = reg.platform_encode_and_sign(claims, expiration=ID_TOKEN_LIFETIME)
        return token

    def access_token(self, form: dict[str, Any]) -> dict[str, Any]:
        self.get_registration()
        result: dict[str, Any] = self.get_access_token(form)
        return result

    def read_access_token(self, token: str) -> dict[str, Any]:
        reg = self.get_registration()
        claims: dict[str, Any] = Registration.decode_and_verify(
            token, reg.get_platform_public_key()
        )
        return claims


def launch_claims(
    settings: PlatformSettings,
    state: LmsState,
    tool: ToolRegistration,
    user: User,
    nonce: str,
    link: ResourceLink | None,
    deep_link_return_url: str | None = None,
    locale: str = "fr",
) -> dict[str, Any]:
    """Claims built like Moodle 4.5's (captured claim by claim), for this platform and user."""
    if link is None:
        claims = copy.deepcopy(moodle_claims("claims_deep_linking.json")["claims"])
    else:
        claims = copy.deepcopy(moodle_claims("claims_resource_link.json")["claims"])
    for drop in ("exp", "iat"):
        claims.pop(drop, None)
    lti = "https://purl.imsglobal.org/spec/lti/claim/"
    course = "2"
    claims.update(
        {
            "iss": settings.issuer,
            "aud": tool.client_id,  # Moodle sends aud as a string
            "nonce": nonce,
            "sub": user.id,
            "name": user.name,
            "given_name": user.given_name,
            "family_name": user.family_name,
            "email": user.email,
            lti + "deployment_id": tool.deployment_id,
            lti + "roles": list(user.roles),
            lti + "target_link_uri": (link.target_link_uri if link else None)
            or tool.target_link_uri,
            lti + "ext": {"lms": "moodle-2", "user_username": user.username},
        }
    )
    claims[lti + "tool_platform"]["guid"] = settings.issuer.split("://", 1)[-1].split("/")[0]
    claims[lti + "launch_presentation"]["locale"] = locale
    nrps_url = settings.url(f"/mod/lti/services.php/CourseSection/{course}/bindings/1/memberships")
    claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"][
        "context_memberships_url"
    ] = nrps_url
    custom: dict[str, Any] = {"context_memberships_url": nrps_url}
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    ags["lineitems"] = settings.url(f"/mod/lti/services.php/{course}/lineitems?type_id=1")
    if link is not None:
        claims[lti + "resource_link"] = {"id": link.id, "title": link.title, "description": ""}
        custom.update(link.custom)
        claims.pop("https://purl.imsglobal.org/spec/lti-bo/claim/basicoutcome", None)
        presentation = claims[lti + "launch_presentation"]
        presentation["return_url"] = settings.url("/course/view.php?id=2")
        if link.lineitem_id:
            ags["lineitem"] = settings.url(
                f"/mod/lti/services.php/{course}/lineitems/{link.lineitem_id}/lineitem?type_id=1"
            )
        else:
            ags.pop("lineitem", None)
    else:
        dl = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
        dl["deep_link_return_url"] = deep_link_return_url
        dl["data"] = "moodle-dl-" + uuid.uuid4().hex[:12]
    claims[lti + "custom"] = custom
    return claims
