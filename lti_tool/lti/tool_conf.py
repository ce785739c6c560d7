"""pylti1p3's tool configuration in the database: many issuers, clients and deployments."""

from __future__ import annotations

from typing import Any

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.lti import keys
from models import Deployment, Platform


def find_platform(db: Session, issuer: str, client_id: str | None) -> Platform | None:
    """The registration for an issuer and client id; without a client id, the issuer's only one."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        return db.scalars(query.where(Platform.client_id == client_id)).first()
    found = db.scalars(query.limit(2)).all()
    return found[0] if len(found) == 1 else None


def registration_for(db: Session, platform: Platform) -> Registration:
    key = keys.active_key(db)
    reg = (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(keys.private_pem(key))
        .set_tool_public_key(key.public_pem)
    )
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    return reg


class DatabaseToolConf(ToolConfAbstract[Any]):
    """Every issuer may have several client ids, so lookups always go by (issuer, client id)."""

    def __init__(self, db: Session) -> None:
        self.db = db

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.find_registration_by_params(iss, None, *args, **kwargs)  # type: ignore[arg-type]

    def find_registration_by_params(
        self, iss: str, client_id: str, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = find_platform(self.db, iss, client_id)
        if platform is None:
            return None  # type: ignore[return-value]
        return registration_for(self.db, platform)

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)  # type: ignore[arg-type]

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        platform = find_platform(self.db, iss, client_id)
        if platform is None:
            return None
        found = self.db.scalars(
            select(Deployment).where(
                Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
            )
        ).first()
        return LtiDeployment().set_deployment_id(deployment_id) if found else None
