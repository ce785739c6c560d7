"""The signed ``LtiDeepLinkingResponse``: one ``ltiResourceLink`` with the settings and a line item.

Built with pylti1p3's ``DeepLink``, ``DeepLinkResource`` and ``LineItem``, then adjusted where the
LTI Deep Linking 2.0 spec is stricter than the library: ``aud`` is the platform's issuer, the
request's ``data`` goes back unchanged (and stays absent when the request had none), and the
header names the tool's active key.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from sqlalchemy.orm import Session

from lti_tool.errors import BadRequest, NotFound
from lti_tool.lti import claims as C
from lti_tool.lti import keys
from lti_tool.lti.tool_conf import registration_for
from lti_tool.lti.urls import launch_url
from lti_tool.quiz.settings import ActivitySettings
from models import LaunchRecord, Platform

DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
RESOURCE_LINK = "ltiResourceLink"


@dataclass(frozen=True)
class DeepLinkReply:
    return_url: str
    jwt: str


def request_settings(launch: LaunchRecord) -> dict[str, Any]:
    """The request's ``deep_linking_settings`` claim; 404 for any other kind of launch."""
    dl = launch.services.get("deep_linking")
    if launch.message_type != C.DEEP_LINKING_REQUEST or not isinstance(dl, dict):
        raise NotFound(code="not_a_deep_linking_request")
    if not isinstance(dl.get("deep_link_return_url"), str):
        raise BadRequest(code="deep_link_return_url_missing")
    accepted = dl.get("accept_types")
    if isinstance(accepted, list) and RESOURCE_LINK not in accepted:
        raise BadRequest(code="deep_link_type_not_accepted")
    return dl


def custom_parameters(settings: ActivitySettings) -> dict[str, str]:
    custom = settings.to_custom()
    custom["boussole_title"] = settings.title
    return custom


def response_message(
    db: Session, launch: LaunchRecord, settings: ActivitySettings
) -> tuple[DeepLinkReply, dict[str, Any]]:
    """The signed response and its claims (the claims for tests and logs of ids only)."""
    dl = request_settings(launch)
    platform = db.get(Platform, launch.platform_id)
    if platform is None:
        raise NotFound(code="platform_removed")
    registration = registration_for(db, platform)
    lineitem = (
        LineItem()
        .set_score_maximum(100)
        .set_label(settings.title)
        .set_resource_id("boussole")
        .set_tag("boussole")
    )
    resource = (
        DeepLinkResource()
        .set_title(settings.title)
        .set_url(launch_url())
        .set_custom_params(custom_parameters(settings))
        .set_lineitem(lineitem)
    )
    deep_link = DeepLink(registration, launch.deployment_id, dl)  # type: ignore[arg-type]
    message: dict[str, Any] = deep_link.get_message_jwt([resource])
    message["aud"] = platform.issuer
    if "data" in dl:
        message[DATA] = dl["data"]
    else:
        message.pop(DATA, None)
    key = keys.active_key(db)
    token = jwt.encode(message, keys.private_pem(key), algorithm="RS256", headers={"kid": key.kid})
    return DeepLinkReply(str(dl["deep_link_return_url"]), token), message
