"""HTTP to the platform's AGS endpoints: access tokens (cached until they expire), line items and
scores.

The ``requests`` session is a seam: tests and the worker pass their own.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.lti import claims as C
from lti_tool.lti import keys
from models import AccessTokenCache, Platform
from models.base import utcnow

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"


class AgsError(Exception):
    """A failed call; ``retry`` tells whether trying later may help."""

    def __init__(self, message: str, *, retry: bool, status: int | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.status = status


def scores_url(lineitem_url: str) -> str:
    """``.../lineitem?type_id=1`` -> ``.../lineitem/scores?type_id=1`` (Moodle keeps a query)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


class AgsClient:
    def __init__(self, db: Session, platform: Platform, http: requests.Session | None = None):
        self.db = db
        self.platform = platform
        self.http = http or requests.Session()
        self.timeout = float(current_app.config["HTTP_TIMEOUT"])

    # -- tokens -------------------------------------------------------------------------------
    def _cache_key(self, scopes: tuple[str, ...]) -> str:
        raw = "|".join((self.platform.issuer, self.platform.client_id, *sorted(scopes)))
        return hashlib.sha256(raw.encode()).hexdigest()

    def token(self, scopes: tuple[str, ...], *, fresh: bool = False) -> str:
        key = self._cache_key(scopes)
        cached = self.db.get(AccessTokenCache, key)
        if cached is not None and not fresh and cached.expires_at > utcnow():
            return cached.token
        tool_key = keys.active_key(self.db)
        now = int(time.time())
        assertion = jwt.encode(
            {
                "iss": self.platform.client_id,
                "sub": self.platform.client_id,
                "aud": self.platform.auth_audience or self.platform.auth_token_url,
                "iat": now - 5,
                "exp": now + 60,
                "jti": uuid.uuid4().hex,
            },
            keys.private_pem(tool_key),
            algorithm="RS256",
            headers={"kid": tool_key.kid},
        )
        try:
            resp = self.http.post(
                self.platform.auth_token_url,
                data={
                    "grant_type": "client_credentials",
                    "client_assertion_type": JWT_BEARER,
                    "client_assertion": assertion,
                    "scope": " ".join(scopes),
                },
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise AgsError(f"token endpoint unreachable: {type(exc).__name__}", retry=True) from exc
        if resp.status_code != 200:
            # Retried even on 4xx: a platform answers 400 when it could not fetch this tool's
            # JWKS in time (a busy tool); a lasting misconfiguration ends as "failed" all the same.
            raise AgsError(
                f"token endpoint answered {resp.status_code}", retry=True, status=resp.status_code
            )
        data = resp.json()
        token = str(data["access_token"])
        lifetime = max(int(data.get("expires_in", 3600)) - 60, 30)
        expires = utcnow() + timedelta(seconds=lifetime)
        if cached is None:
            try:
                with self.db.begin_nested():  # another delivery may be caching the same key
                    self.db.add(AccessTokenCache(key=key, token=token, expires_at=expires))
            except IntegrityError:
                cached = self.db.get(AccessTokenCache, key, populate_existing=True)
        if cached is not None:
            cached.token, cached.expires_at = token, expires
        self.db.flush()
        return token

    def _send(
        self,
        method: str,
        url: str,
        scopes: tuple[str, ...],
        body: dict[str, Any],
        content_type: str,
    ) -> requests.Response:
        """One call; on a 401 the token is fetched again once (the platform may have revoked it)."""
        resp: requests.Response | None = None
        for fresh in (False, True):
            headers = {
                "Content-Type": content_type,
                "Authorization": "Bearer " + self.token(scopes, fresh=fresh),
            }
            try:
                resp = self.http.request(
                    method, url, headers=headers, json=body, timeout=self.timeout
                )
            except requests.RequestException as exc:
                raise AgsError(f"{method} failed: {type(exc).__name__}", retry=True) from exc
            if resp.status_code != 401:
                return resp
        assert resp is not None
        return resp

    # -- services -----------------------------------------------------------------------------
    def create_lineitem(self, lineitems_url: str, label: str, resource_link_id: str | None) -> str:
        body = {"label": label, "scoreMaximum": 100, "resourceId": "boussole", "tag": "boussole"}
        if resource_link_id:
            body["resourceLinkId"] = resource_link_id
        resp = self._send("POST", lineitems_url, (C.SCOPE_LINEITEM,), body, LINEITEM_TYPE)
        if resp.status_code not in (200, 201):
            raise AgsError(
                f"line item creation answered {resp.status_code}",
                retry=resp.status_code >= 500,
                status=resp.status_code,
            )
        return str(resp.json()["id"])

    def post_score(self, lineitem_url: str, payload: dict[str, Any]) -> int:
        resp = self._send("POST", scores_url(lineitem_url), (C.SCOPE_SCORE,), payload, SCORE_TYPE)
        if resp.status_code in (200, 201, 202, 204):
            return resp.status_code
        if resp.status_code == 409:
            # Moodle: a timestamp not newer than the last one. Ours are unique per score, so the
            # platform already has this very score (an earlier try got through): delivered.
            return 409
        raise AgsError(
            f"score endpoint answered {resp.status_code}",
            retry=resp.status_code >= 500 or resp.status_code in (408, 429),
            status=resp.status_code,
        )
