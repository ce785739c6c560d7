"""The tool's RSA keys: generated, rotated, encrypted at rest, published as a JWKS."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app
from pylti1p3.registration import Registration
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ToolKey
from models.base import utcnow

NEXT, ACTIVE, RETIRED = "next", "active", "retired"


def _fernet() -> Fernet:
    configured = current_app.config.get("KEY_ENCRYPTION_KEY")
    if configured:
        return Fernet(configured.encode())
    secret = current_app.config["SECRET_KEY"]
    digest = hashlib.sha256(b"boussole-key-encryption:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def kid_of(public_pem: str) -> str:
    """The key id: the RFC 7638 thumbprint, as pylti1p3 computes it for its ``kid`` header."""
    return str(Registration.get_jwk(public_pem)["kid"])


def _generate(status: str) -> ToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return ToolKey(
        kid=kid_of(public_pem),
        status=status,
        public_pem=public_pem,
        private_pem_encrypted=_fernet().encrypt(private_pem.encode()).decode(),
        activated_at=utcnow() if status == ACTIVE else None,
    )


def private_pem(key: ToolKey) -> str:
    return _fernet().decrypt(key.private_pem_encrypted.encode()).decode()


def active_key(db: Session) -> ToolKey:
    """The signing key, created on first use (once, even when first requests race)."""
    key = db.scalars(select(ToolKey).where(ToolKey.status == ACTIVE)).first()
    if key is not None:
        return key
    try:
        with db.begin_nested():
            key = _generate(ACTIVE)
            db.add(key)
    except IntegrityError:
        key = db.scalars(select(ToolKey).where(ToolKey.status == ACTIVE)).one()
    return key


def rotate(db: Session) -> tuple[ToolKey, ToolKey]:
    """Promote the next key (or a new one) to active, retire the active one, prepare a new next.

    Platforms cache a tool's JWKS: publishing the next key ahead of its use, and keeping retired
    keys for a grace period, means no platform ever meets a signature it cannot check.
    """
    now = utcnow()
    current = db.scalars(select(ToolKey).where(ToolKey.status == ACTIVE)).first()
    upcoming = db.scalars(select(ToolKey).where(ToolKey.status == NEXT)).first()
    if upcoming is None:
        upcoming = _generate(NEXT)
        db.add(upcoming)
    if current is not None:
        current.status = RETIRED
        current.retired_at = now
        db.flush()  # one active key at a time (a unique index says so)
    upcoming.status = ACTIVE
    upcoming.activated_at = now
    db.flush()
    new_next = _generate(NEXT)
    db.add(new_next)
    db.flush()
    return upcoming, new_next


def published_keys(db: Session) -> list[ToolKey]:
    grace = timedelta(days=current_app.config["RETIRED_KEY_GRACE_DAYS"])
    cutoff = utcnow() - grace
    active_key(db)
    keys = db.scalars(select(ToolKey).order_by(ToolKey.id)).all()
    return [
        k
        for k in keys
        if k.status in (ACTIVE, NEXT) or (k.retired_at is not None and k.retired_at >= cutoff)
    ]


def jwks(db: Session) -> dict[str, Any]:
    out = []
    for key in published_keys(db):
        jwk = dict(Registration.get_jwk(key.public_pem))
        jwk["kid"] = key.kid
        out.append(jwk)
    return {"keys": out}
