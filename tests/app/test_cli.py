"""The ``boussole`` command."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import create_engine, inspect

URLS = [
    "--auth-login-url",
    "https://m.example.fr/mod/lti/auth.php",
    "--auth-token-url",
    "https://m.example.fr/mod/lti/token.php",
    "--key-set-url",
    "https://m.example.fr/mod/lti/certs.php",
]


def test_platform_commands(runner):
    add = runner.invoke(
        args=[
            "platform",
            "add",
            "--issuer",
            "https://m.example.fr",
            "--client-id",
            "c1",
            *URLS,
            "--deployment-id",
            "1",
            "--name",
            "Moodle",
        ]
    )
    assert add.exit_code == 0, add.output
    again = runner.invoke(
        args=["platform", "add", "--issuer", "https://m.example.fr", "--client-id", "c1", *URLS]
    )
    assert again.exit_code != 0 and "already registered" in again.output
    assert (
        runner.invoke(
            args=["platform", "add-deployment", "https://m.example.fr", "c1", "2"]
        ).exit_code
        == 0
    )
    listing = runner.invoke(args=["platform", "list"]).output
    assert "https://m.example.fr" in listing and "deployments: 1, 2" in listing
    missing = runner.invoke(
        args=["platform", "add-deployment", "https://nope.example.fr", "c1", "2"]
    )
    assert missing.exit_code != 0 and "no platform" in missing.output
    assert (
        runner.invoke(args=["platform", "remove", "https://m.example.fr", "c1", "--yes"]).exit_code
        == 0
    )
    assert "no platform registered" in runner.invoke(args=["platform", "list"]).output


def test_admin_password_must_be_long_enough(runner):
    result = runner.invoke(args=["admin", "create-user", "bob", "--password", "short"])
    assert result.exit_code != 0 and "12 characters" in result.output


def test_console_script_upgrades_a_fresh_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    env = {"BOUSSOLE_DATABASE_URL": url, "BOUSSOLE_SECRET_KEY": "k" * 40, "PATH": ""}
    boussole = [sys.executable, "-c", "from lti_tool.cli import cli; cli()"]
    done = subprocess.run(
        [*boussole, "db", "upgrade"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    tables = set(inspect(create_engine(url)).get_table_names())
    assert {
        "platform",
        "deployment",
        "tool_key",
        "launch",
        "lti_state_value",
        "alembic_version",
    } <= tables
    routes = subprocess.run(
        [*boussole, "routes"], env=env, capture_output=True, text=True, check=False
    )
    assert "/lti/launch" in routes.stdout
