"""The ``boussole`` command: a Flask CLI group over the application factory."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from werkzeug.security import generate_password_hash

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
    """Create (or reset the password of) a local admin."""
    from models import AdminUser

    if len(password) < 12:
        raise click.UsageError("the password must have at least 12 characters")
    db = database.session()
    user = db.scalars(select(AdminUser).where(AdminUser.username == username)).first()
    if user is None:
        user = AdminUser(username=username, password_hash="")
        db.add(user)
    user.password_hash = generate_password_hash(password)
    db.commit()
    click.echo(f"admin {username} saved")


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
