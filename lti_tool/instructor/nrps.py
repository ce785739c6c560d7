"""Names and Role Provisioning Services: learners' names and pictures, fetched at view time.

Nothing from here is ever stored: the dashboard and the export ask the platform each time and
keep the answer in memory for one response. When the platform offers no NRPS or the call fails,
pages fall back to the pseudonymous ids.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from flask import current_app
from sqlalchemy.orm import Session

from lti_tool.ags.client import AgsClient, AgsError
from lti_tool.lti import claims as C
from models import LaunchRecord, Platform

log = logging.getLogger(__name__)
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 20
MAX_TIMEOUT = 5.0


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str
    picture: str | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Roster:
    """The members by LTI user id, or why there are none (``error``: "absent" or "failed")."""

    members: dict[str, Member]
    error: str | None = None

    def name(self, subject: str) -> str | None:
        member = self.members.get(subject)
        return member.name if member and member.name else None

    def picture(self, subject: str) -> str | None:
        member = self.members.get(subject)
        return member.picture if member else None


def memberships_url(launch: LaunchRecord) -> str | None:
    nrps = launch.services.get("nrps") or {}
    url = nrps.get("context_memberships_url") if isinstance(nrps, dict) else None
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def roster(db: Session, launch: LaunchRecord, http: requests.Session | None = None) -> Roster:
    """Everyone in the launch's context, from the platform (never raises)."""
    url = memberships_url(launch)
    platform = db.get(Platform, launch.platform_id)
    if url is None or platform is None:
        return Roster({}, "absent")
    http = http or requests.Session()
    timeout = min(float(current_app.config.get("HTTP_TIMEOUT", MAX_TIMEOUT)), MAX_TIMEOUT)
    try:
        token = AgsClient(db, platform, http).token((C.SCOPE_NRPS,))
        members: dict[str, Member] = {}
        next_url: str | None = url
        for _page in range(MAX_PAGES):
            if next_url is None:
                break
            resp = http.get(
                next_url,
                headers={"Authorization": "Bearer " + token, "Accept": MEMBERSHIP_TYPE},
                timeout=timeout,
            )
            if resp.status_code != 200:
                raise AgsError(f"memberships answered {resp.status_code}", retry=False)
            members.update(parse_members(resp.json(), platform.issuer))
            following = resp.links.get("next", {}).get("url")
            next_url = following if following and following != next_url else None
    except (AgsError, requests.RequestException, ValueError, KeyError, TypeError) as exc:
        log.info("NRPS unavailable for platform %s: %s", platform.id, type(exc).__name__)
        return Roster({}, "failed")
    return Roster(members)


def parse_members(body: object, issuer: str) -> dict[str, Member]:
    """Members of a membership container; pictures only from the platform's own site."""
    if not isinstance(body, dict) or not isinstance(body.get("members"), list):
        raise ValueError("not a membership container")
    out: dict[str, Member] = {}
    for raw in body["members"]:
        if not isinstance(raw, dict) or not raw.get("user_id"):
            continue
        name = raw.get("name") or " ".join(
            str(raw[k]) for k in ("given_name", "family_name") if raw.get(k)
        )
        picture = raw.get("picture")
        if not isinstance(picture, str) or not same_site(picture, issuer):
            picture = None
        roles = tuple(r for r in raw.get("roles") or [] if isinstance(r, str))
        out[str(raw["user_id"])] = Member(str(raw["user_id"]), str(name or ""), picture, roles)
    return out


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_site(url: str, issuer: str) -> bool:
    """Pictures are shown only from the platform's origin (the page's CSP allows that one)."""
    return url.startswith(("https://", "http://")) and origin_of(url) == origin_of(issuer)
