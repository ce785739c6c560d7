"""Fixtures of the admin tests: an admin account, a signed-in client, the tool behind HTTPS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from lti_tool import create_app
from tests.admin_bank.conftest import PASSWORD, csrf
from tests.conftest import test_config as make_config

__all__ = ["PASSWORD", "PROXIED", "PUBLIC", "create_admin", "csrf", "sign_in"]
PUBLIC = "https://boussole.example.fr"
#: What the reverse proxy in front of the tool adds (``BOUSSOLE_PROXY_HOPS=1``).
PROXIED = {
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "boussole.example.fr",
    "HTTP_X_FORWARDED_FOR": "203.0.113.7",
}


def create_admin(runner: Any, username: str = "ada", password: str = PASSWORD) -> None:
    result = runner.invoke(args=["admin", "create-user", username, "--password", password])
    assert result.exit_code == 0, result.output


def sign_in(client: Any, username: str = "ada", password: str = PASSWORD, **kw: Any) -> Any:
    token = csrf(client.get("/admin/login", **kw).text)
    return client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": token},
        **kw,
    )


@pytest.fixture
def https_tool(tool: Flask, database_url: str) -> Iterator[Flask]:
    """The tool as deployed: public URL in https, behind one proxy (same database as ``tool``)."""
    app = create_app(make_config(database_url, PUBLIC, PROXY_HOPS=1))
    yield app
    app.extensions["boussole.engine"].dispose()


@pytest.fixture
def https_client(https_tool: Flask) -> Any:
    """A browser reaching the tool through the HTTPS proxy."""
    client = https_tool.test_client()
    client.environ_base.update(PROXIED)
    return client
