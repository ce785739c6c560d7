"""Configuration: one object that reads the environment (prefix ``BOUSSOLE_``) in one place."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"BOUSSOLE_{name}", default)


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Defaults, overridden by ``BOUSSOLE_*`` environment variables."""

    def __init__(self, instance_path: str) -> None:
        self.SECRET_KEY: str | None = _env("SECRET_KEY")
        self.DATABASE_URL: str = _env("DATABASE_URL") or (
            "sqlite:///" + os.path.join(instance_path, "boussole.sqlite3")
        )
        #: Public URL of the tool behind a proxy, e.g. https://boussole.example.fr
        self.BASE_URL: str | None = _env("BASE_URL")
        #: Number of reverse proxies in front of the tool whose X-Forwarded-* headers are trusted.
        self.PROXY_HOPS: int = int(_env("PROXY_HOPS", "0") or 0)
        #: Dynamic Registrations are usable at once (False: pending until an admin activates them).
        self.DYNAMIC_REGISTRATION_AUTO_ACTIVATE: bool = _env_bool("DR_AUTO_ACTIVATE", True)
        #: Key used to encrypt the tool's private keys at rest (Fernet); derived from SECRET_KEY
        #: when unset.
        self.KEY_ENCRYPTION_KEY: str | None = _env("KEY_ENCRYPTION_KEY")
        #: Seconds of clock skew accepted on iat/exp/nbf (Moodle tokens live 60 s).
        self.JWT_LEEWAY: int = int(_env("JWT_LEEWAY", "10") or 10)
        #: Lifetime of the signed token that carries a launch through the tool's pages.
        self.LAUNCH_TOKEN_MAX_AGE: int = int(_env("LAUNCH_TOKEN_MAX_AGE", "7200") or 7200)
        #: Lifetime of the server-side state record of an OIDC login.
        self.LOGIN_STATE_MAX_AGE: int = int(_env("LOGIN_STATE_MAX_AGE", "300") or 300)
        #: How long a retired key stays in the JWKS.
        self.RETIRED_KEY_GRACE_DAYS: int = int(_env("RETIRED_KEY_GRACE_DAYS", "14") or 14)
        self.KEY_SET_CACHE_SECONDS: int = int(_env("KEY_SET_CACHE_SECONDS", "3600") or 3600)
        #: The demo LMS stand-in (never in production).
        self.DEMO_ENABLED: bool = _env_bool("DEMO", False)
        #: Score outbox: retries with exponential backoff and jitter, then "failed" (resendable).
        self.OUTBOX_BASE_DELAY: float = float(_env("OUTBOX_BASE_DELAY", "10") or 10)
        self.OUTBOX_MAX_DELAY: float = float(_env("OUTBOX_MAX_DELAY", "3600") or 3600)
        self.OUTBOX_MAX_TRIES: int = int(_env("OUTBOX_MAX_TRIES", "10") or 10)
        self.OUTBOX_LEASE_SECONDS: int = int(_env("OUTBOX_LEASE_SECONDS", "120") or 120)
        self.OUTBOX_IN_PROCESS: bool = _env_bool("OUTBOX_IN_PROCESS", True)
        #: Largest request body accepted (413 beyond); the admin bank import has its own limit
        #: (``BANK_IMPORT_MAX_BYTES``). A launch's form is a few kB.
        self.MAX_CONTENT_LENGTH: int = int(_env("MAX_REQUEST_BYTES", "1048576") or 1048576)
        self.HTTP_TIMEOUT: float = float(_env("HTTP_TIMEOUT", "10") or 10)
        #: Admin sessions end after this long without a request, and this long after sign-in.
        self.ADMIN_SESSION_IDLE_MINUTES: float = float(
            _env("ADMIN_SESSION_IDLE_MINUTES", "30") or 30
        )
        self.ADMIN_SESSION_MAX_HOURS: float = float(_env("ADMIN_SESSION_MAX_HOURS", "12") or 12)
        #: The signed cookie itself is refused after the same absolute lifetime.
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=self.ADMIN_SESSION_MAX_HOURS)
        #: Sign-in throttling: this many failures per account or per client within the window
        #: lock further tries until the window has passed.
        self.SIGNIN_MAX_FAILURES: int = int(_env("SIGNIN_MAX_FAILURES", "10") or 10)
        self.SIGNIN_LOCK_MINUTES: float = float(_env("SIGNIN_LOCK_MINUTES", "15") or 15)
        self.BABEL_DEFAULT_LOCALE = "fr"
        self.LANGUAGES = ("fr", "en")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        #: Also forced on when ``BASE_URL`` is https (see ``lti_tool.transport``).
        self.SESSION_COOKIE_SECURE = _env_bool("SECURE_COOKIES", False)
        #: ``Strict-Transport-Security`` max-age on HTTPS responses when ``BASE_URL`` is https.
        self.HSTS_MAX_AGE: int = int(_env("HSTS_MAX_AGE", "31536000") or 0)
        self.WTF_CSRF_TIME_LIMIT = None
        self.TESTING = False

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if k.isupper()}
