"""``boussole outbox``: the grade passback worker and its queue."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from lti_tool import db as database


@click.group("outbox")
def outbox_group() -> None:
    """Scores waiting for, or refused by, the platforms' gradebooks."""


@outbox_group.command("run")
@click.option("--once", is_flag=True, help="Deliver what is due, then stop.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def outbox_run(once: bool, interval: float) -> None:
    """Deliver scores (a long-running worker; run several on PostgreSQL if you like)."""
    from lti_tool.ags.delivery import deliver_due

    while True:
        counts = deliver_due()
        if counts:
            click.echo(" ".join(f"{k}={v}" for k, v in sorted(counts.items())))
        if once:
            return
        time.sleep(interval)


@outbox_group.command("list")
@click.option("--status", type=click.Choice(["pending", "sending", "delivered", "failed"]))
@with_appcontext
def outbox_list(status: str | None) -> None:
    """List queued scores."""
    from models import ScoreOutbox

    query = select(ScoreOutbox).order_by(ScoreOutbox.id)
    if status:
        query = query.where(ScoreOutbox.status == status)
    for row in database.session().scalars(query):
        score = row.payload.get("scoreGiven", "-")
        click.echo(
            f"{row.id}\t{row.status}\ttries={row.tries}\tscore={score}\t{row.last_error or ''}"
        )


@outbox_group.command("resend")
@click.argument("ids", nargs=-1, type=int)
@with_appcontext
def outbox_resend(ids: tuple[int, ...]) -> None:
    """Queue failed scores again (all failed ones without IDS)."""
    from lti_tool.ags.delivery import resend

    db = database.session()
    count = resend(db, list(ids) or None)
    db.commit()
    click.echo(f"{count} score(s) queued again")
