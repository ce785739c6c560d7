"""Fixtures: the tool and a Moodle-like platform on loopback, over SQLite or PostgreSQL.

``BOUSSOLE_TEST_DATABASE_URL`` (a PostgreSQL server URL, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) runs the suite on a fresh PostgreSQL
database; without it, the suite runs on SQLite.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from lti_tool import create_app, migrate, security
from lti_tool import db as database
from lti_tool.demo import pem_pair, stand_in_registration
from lti_tool.demo.lms_state import LmsState, ToolRegistration
from lti_tool.demo.platform_app import StandInLms
from lti_tool.demo.platform_conf import PlatformSettings
from models import Base, Platform
from tests.bank_fixture import bank  # noqa: F401 - a fixture for every test folder
from tests.lti_client import LtiBrowser
from tests.servers import LiveServer, reserve

PG_URL = os.environ.get("BOUSSOLE_TEST_DATABASE_URL")

# Seeded randomness: property tests draw the same examples on every run and every machine.
hypothesis_settings.register_profile("boussole", derandomize=True, print_blob=True)
hypothesis_settings.load_profile("boussole")
CLIENT_ID = "NHlVtV4wLQLwANV"  # the client id of the captured Moodle launches
DEPLOYMENT_ID = "1"


# -- databases ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not PG_URL:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "boussole.sqlite3")
        return
    name = f"boussole_test_{secrets.token_hex(4)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


# -- servers --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def loopback() -> Iterator[dict[str, Any]]:
    """The tool on ``localhost`` and the platform on ``127.0.0.1``: two sites, as in production."""
    tool_server, tool_switch = reserve("localhost")
    platform_server, platform_switch = reserve("127.0.0.1")
    tool_server.start()
    platform_server.start()
    yield {
        "tool": tool_server,
        "tool_switch": tool_switch,
        "platform": platform_server,
        "platform_switch": platform_switch,
    }
    tool_server.stop()
    platform_server.stop()


def test_config(database_url: str, tool_url: str, **extra: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-" + "x" * 32,
        "DATABASE_URL": database_url,
        "BASE_URL": tool_url,
        "JWT_LEEWAY": 5,
        "HTTP_TIMEOUT": 5,
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def app(database_url: str, loopback: dict[str, Any]) -> Iterator[Flask]:
    tool: LiveServer = loopback["tool"]
    application = create_app(test_config(database_url, tool.url))
    migrate.upgrade(application)
    loopback["tool_switch"].target = application
    yield application
    application.extensions["boussole.engine"].dispose()


def wipe(application: Flask) -> None:
    engine = application.extensions["boussole.engine"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    security.clear_cache()


@pytest.fixture
def tool(app: Flask) -> Flask:
    """The running tool, with an empty database."""
    wipe(app)
    return app


@pytest.fixture
def client(tool: Flask) -> Any:
    return tool.test_client()


@pytest.fixture
def runner(tool: Flask) -> Any:
    return tool.test_cli_runner()


# -- the platform ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def platform_keys() -> tuple[str, str]:
    return pem_pair()


@dataclass
class TestPlatform:
    """A Moodle-like platform on 127.0.0.1, registered with the tool."""

    lms: StandInLms
    url: str
    tool_url: str
    app: Flask
    private_key: str
    public_key: str

    __test__ = False

    @property
    def issuer(self) -> str:
        return self.url

    @property
    def state(self) -> LmsState:
        return self.lms.state

    @property
    def client_id(self) -> str:
        return CLIENT_ID

    def browser(self, *, block_tool_cookies: bool = False) -> LtiBrowser:
        return LtiBrowser(self.url, self.tool_url, block_tool_cookies=block_tool_cookies)

    def first_link(self) -> str:
        return next(iter(self.state.resource_links))

    def tool_platform_row(self) -> Platform:
        with self.app.app_context():
            from sqlalchemy import select

            row = database.session().scalars(select(Platform)).first()
            assert row is not None
            return row


def make_platform(
    loopback: dict[str, Any], app: Flask, keys: tuple[str, str], register: bool = True
) -> TestPlatform:
    server: LiveServer = loopback["platform"]
    tool_url = loopback["tool"].url
    lms = StandInLms(PlatformSettings(server.url, keys[0], keys[1]))
    lms.add_tool(
        ToolRegistration(
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            login_url=tool_url + "/lti/login",
            redirect_uris=[tool_url + "/lti/launch"],
            target_link_uri=tool_url + "/lti/launch",
            jwks_url=tool_url + "/lti/jwks",
        )
    )
    lms.state.add_resource_link("Boussole — IA responsable", CLIENT_ID)
    loopback["platform_switch"].target = lms.app
    if register:
        with app.app_context():
            db = database.session()
            db.add(stand_in_registration(server.url, CLIENT_ID, DEPLOYMENT_ID, "Test Moodle"))
            db.commit()
    return TestPlatform(lms, server.url, tool_url, app, keys[0], keys[1])


@pytest.fixture
def platform(tool: Flask, loopback: dict[str, Any], platform_keys: tuple[str, str]) -> TestPlatform:
    return make_platform(loopback, tool, platform_keys)


@pytest.fixture
def bare_platform(
    tool: Flask, loopback: dict[str, Any], platform_keys: tuple[str, str]
) -> TestPlatform:
    """The platform, not registered with the tool (for Dynamic Registration)."""
    lms_platform = make_platform(loopback, tool, platform_keys, register=False)
    lms_platform.state.tools.clear()
    return lms_platform


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run again only what touches the database; the rest ran on SQLite."""
    if not PG_URL:
        return
    keep, drop = [], []
    for item in items:
        (keep if "database_url" in getattr(item, "fixturenames", ()) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
