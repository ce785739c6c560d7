"""LTI 1.3 registrations, tool keys and the server-side launch state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin


class Platform(TimestampMixin, Base):
    """One registration of the tool in an LMS: an issuer and a client id."""

    __tablename__ = "platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id", name="uq_platform_issuer_client"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[str] = mapped_column(String(500), index=True)
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    key_set_url: Mapped[str] = mapped_column(String(1000))
    auth_audience: Mapped[str | None] = mapped_column(String(1000), default=None)
    #: False until an admin activates a registration that arrived by Dynamic Registration.
    active: Mapped[bool] = mapped_column(default=True)
    registration_source: Mapped[str] = mapped_column(String(20), default="manual")
    #: Whether this platform's answers may feed calibration and the item statistics shared across
    #: platforms. Off for Dynamic Registrations (anyone invited could send made-up answers), on
    #: for platforms an admin entered; an admin can change it either way.
    trusted_for_calibration: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: The platform's OpenID configuration as received during Dynamic Registration.
    platform_config: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    #: The platform's public key set, cached; refetched once when a token names an unknown kid.
    cached_key_set: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    key_set_fetched_at: Mapped[datetime | None] = mapped_column(default=None)

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="Deployment.id"
    )

    @property
    def label(self) -> str:
        return self.name or self.issuer


class Deployment(TimestampMixin, Base):
    __tablename__ = "deployment"
    __table_args__ = (
        UniqueConstraint("platform_id", "deployment_id", name="uq_deployment_platform_deployment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    platform: Mapped[Platform] = relationship(back_populates="deployments")


class ToolKey(TimestampMixin, Base):
    """An RSA key of the tool. Private keys are stored encrypted (Fernet)."""

    __tablename__ = "tool_key"
    __table_args__ = (
        # At most one active and one next key, whatever the races between first requests.
        Index(
            "uq_tool_key_one_per_live_status",
            "status",
            unique=True,
            sqlite_where=text("status IN ('active', 'next')"),
            postgresql_where=text("status IN ('active', 'next')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(100), unique=True)
    #: next -> active -> retired
    status: Mapped[str] = mapped_column(String(10), index=True)
    public_pem: Mapped[str] = mapped_column(Text)
    private_pem_encrypted: Mapped[str] = mapped_column(Text)
    activated_at: Mapped[datetime | None] = mapped_column(default=None)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)


class LtiStateValue(Base):
    """pylti1p3's launch data storage (nonces, login state records), shared by all workers."""

    __tablename__ = "lti_state_value"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LaunchRecord(TimestampMixin, Base):
    """What the tool keeps of a validated launch: what later pages need, no names or e-mails."""

    __tablename__ = "launch"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(255))
    message_type: Mapped[str] = mapped_column(String(50))
    subject: Mapped[str] = mapped_column(String(255))
    roles: Mapped[list[str]] = mapped_column(JSON)
    role: Mapped[str] = mapped_column(String(20))
    context_id: Mapped[str | None] = mapped_column(String(255), default=None)
    context_title: Mapped[str | None] = mapped_column(String(500), default=None)
    resource_link_id: Mapped[str | None] = mapped_column(String(255), default=None)
    resource_link_title: Mapped[str | None] = mapped_column(String(500), default=None)
    locale: Mapped[str] = mapped_column(String(10), default="fr")
    #: Service endpoints and settings claims: AGS, NRPS, deep linking, custom, launch presentation.
    services: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    platform: Mapped[Platform] = relationship()


class AccessTokenCache(Base):
    """OAuth2 access tokens from platforms' token endpoints, kept until they expire."""

    __tablename__ = "access_token_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column()
