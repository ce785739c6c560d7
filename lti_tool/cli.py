"""The ``boussole`` command: a Flask CLI group over the application factory."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from lti_tool import create_app
from lti_tool import db as database


def _create_app() -> object:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Boussole: an LTI 1.3 adaptive quiz on the responsible use of AI."""


# -- database -------------------------------------------------------------------------------
@click.group("db")
def db_group() -> None:
    """Database schema (Alembic)."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Bring the database to the latest schema."""
    from lti_tool import migrate

    migrate.upgrade(current_app, revision)
    click.echo("database at " + revision)


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Go back to an older schema revision."""
    from lti_tool import migrate

    migrate.downgrade(current_app, revision)


# -- admin accounts -------------------------------------------------------------------------
@click.group("admin")
def admin_group() -> None:
    """Local admin accounts."""


@admin_group.command("create-user")
@click.argument("username")
@click.password_option()
@with_appcontext
def admin_create_user(username: str, password: str) -> None:
    """Create a local admin (an existing one gets this new password, and its sessions end).

    The password needs at least 12 characters, must not be a common password or close to the
    account name."""
    from lti_tool.admin.accounts import users

    db = database.session()
    user = users.find(db, username)
    with _english(), _refusal():
        if user is None:
            users.create(db, username, password)
        else:
            users.set_password(db, user, password)
    db.commit()
    click.echo(f"admin {username} saved")


@admin_group.command("set-password")
@click.argument("username")
@click.password_option()
@with_appcontext
def admin_set_password(username: str, password: str) -> None:
    """Change an admin's password; every session of that account ends."""
    from lti_tool.admin.accounts import users

    db = database.session()
    user = users.find(db, username)
    if user is None:
        raise click.ClickException(f"no admin named {username}")
    with _english(), _refusal():
        ended = users.set_password(db, user, password)
    db.commit()
    click.echo(f"password of {username} changed; {ended} session(s) ended")


@contextmanager
def _english() -> Iterator[None]:
    from flask_babel import force_locale

    with force_locale("en"):
        yield


@contextmanager
def _refusal() -> Iterator[None]:
    from lti_tool.admin.accounts.users import PasswordRefused

    try:
        yield
    except PasswordRefused as refused:
        raise click.UsageError(" ".join(str(p) for p in refused.problems)) from None


# -- keys -----------------------------------------------------------------------------------
@click.group("keys")
def keys_group() -> None:
    """The tool's signing keys."""


@keys_group.command("rotate")
@with_appcontext
def keys_rotate() -> None:
    """Make the next key active, retire the current one, and prepare a new next key."""
    from lti_tool.lti import keys

    db = database.session()
    active, upcoming = keys.rotate(db)
    db.commit()
    click.echo(f"active key {active.kid}; next key {upcoming.kid}")


@keys_group.command("list")
@with_appcontext
def keys_list() -> None:
    """List keys and their status."""
    from models import ToolKey

    db = database.session()
    for key in db.scalars(select(ToolKey).order_by(ToolKey.id)):
        click.echo(f"{key.kid}\t{key.status}\t{key.created_at:%Y-%m-%d %H:%M}")


def init_app(app: Flask) -> None:
    """Every command lives on ``app.cli``; the ``boussole`` group finds them there."""
    from lti_tool.commands import outbox, platform

    for group in (db_group, admin_group, keys_group, platform.platform_group, outbox.outbox_group):
        app.cli.add_command(group)
    for module_name, attr in (
        ("lti_tool.commands.bank", "bank"),
        ("lti_tool.commands.simulate", "simulate"),
        ("lti_tool.commands.calibrate", "calibrate"),
        ("lti_tool.commands.demo", "demo"),
        ("lti_tool.commands.purge", "purge"),
    ):
        try:
            module = __import__(module_name, fromlist=[attr])
        except ModuleNotFoundError as exc:  # a command whose package is not there yet
            if exc.name and exc.name.startswith("lti_tool.commands"):
                continue
            raise
        app.cli.add_command(getattr(module, attr))
    bank_group = app.cli.commands.get("bank")
    if isinstance(bank_group, click.Group):
        from lti_tool.commands.bank_db import bank_import

        bank_group.add_command(bank_import)
