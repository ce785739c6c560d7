"""``boussole platform``: register LMS platforms and deployments by hand."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lti_tool import db as database
from models import Deployment, Platform


def _find(issuer: str, client_id: str) -> Platform:
    platform = (
        database.session()
        .scalars(select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id))
        .first()
    )
    if platform is None:
        raise click.ClickException(f"no platform with issuer {issuer} and client id {client_id}")
    return platform


@click.group("platform")
def platform_group() -> None:
    """LMS platforms (issuer + client id) and their deployments."""


@platform_group.command("add")
@click.option("--issuer", required=True, help="The platform's issuer (Moodle: the site URL).")
@click.option("--client-id", required=True)
@click.option("--auth-login-url", required=True, help="Moodle: …/mod/lti/auth.php")
@click.option("--auth-token-url", required=True, help="Moodle: …/mod/lti/token.php")
@click.option("--key-set-url", required=True, help="Moodle: …/mod/lti/certs.php")
@click.option("--deployment-id", "deployment_ids", multiple=True)
@click.option("--name", default="")
@click.option(
    "--trusted/--untrusted",
    default=True,
    show_default=True,
    help="Whether its learners' answers feed calibration (see `platform trust`).",
)
@with_appcontext
def platform_add(
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    deployment_ids: tuple[str, ...],
    name: str,
    trusted: bool,
) -> None:
    """Register a platform (trusted for calibration unless --untrusted)."""
    db = database.session()
    exists = db.scalars(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    ).first()
    if exists:
        raise click.ClickException("this issuer and client id are already registered")
    platform = Platform(
        issuer=issuer,
        client_id=client_id,
        auth_login_url=auth_login_url,
        auth_token_url=auth_token_url,
        key_set_url=key_set_url,
        name=name,
        registration_source="manual",
        trusted_for_calibration=trusted,
        deployments=[Deployment(deployment_id=d) for d in deployment_ids],
    )
    db.add(platform)
    db.commit()
    click.echo(f"platform {platform.id} registered: {issuer} ({client_id})")


@platform_group.command("list")
@with_appcontext
def platform_list() -> None:
    """List platforms and deployments."""
    db = database.session()
    platforms = db.scalars(select(Platform).order_by(Platform.id)).all()
    if not platforms:
        click.echo("no platform registered")
    for p in platforms:
        state = "active" if p.active else "pending"
        trust = "trusted" if p.trusted_for_calibration else "untrusted"
        deployments = ", ".join(d.deployment_id for d in p.deployments) or "-"
        click.echo(
            f"{p.id}\t{p.issuer}\t{p.client_id}\t{state}\t{trust}\tdeployments: {deployments}"
        )


@platform_group.command("add-deployment")
@click.argument("issuer")
@click.argument("client_id")
@click.argument("deployment_id")
@with_appcontext
def platform_add_deployment(issuer: str, client_id: str, deployment_id: str) -> None:
    """Add a deployment id to a platform."""
    platform = _find(issuer, client_id)
    if any(d.deployment_id == deployment_id for d in platform.deployments):
        raise click.ClickException("this deployment is already registered")
    platform.deployments.append(Deployment(deployment_id=deployment_id))
    database.session().commit()
    click.echo(f"deployment {deployment_id} added")


@platform_group.command("remove")
@click.argument("issuer")
@click.argument("client_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def platform_remove(issuer: str, client_id: str, yes: bool) -> None:
    """Remove a platform and its deployments."""
    platform = _find(issuer, client_id)
    if not yes:
        click.confirm(f"remove {issuer} ({client_id}) and its deployments?", abort=True)
    db = database.session()
    db.delete(platform)
    db.commit()
    click.echo("platform removed")


@platform_group.command("activate")
@click.argument("issuer")
@click.argument("client_id")
@with_appcontext
def platform_activate(issuer: str, client_id: str) -> None:
    """Activate a registration left pending."""
    platform = _find(issuer, client_id)
    platform.active = True
    database.session().commit()
    click.echo("platform activated")


def _trust_command(name: str, trusted: bool, help_text: str, done: str) -> None:
    @platform_group.command(name, help=help_text)
    @click.argument("issuer")
    @click.argument("client_id")
    @with_appcontext
    def command(issuer: str, client_id: str) -> None:
        _find(issuer, client_id).trusted_for_calibration = trusted
        database.session().commit()
        click.echo(done)


_trust_command(
    "trust",
    True,
    "Let this platform's answers feed calibration and shared item statistics.",
    "platform trusted for calibration",
)
_trust_command(
    "untrust",
    False,
    "Keep this platform's answers out of calibration (its own learners' results are unchanged).",
    "platform no longer trusted for calibration",
)
