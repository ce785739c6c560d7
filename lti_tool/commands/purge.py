"""``boussole purge``: delete learners' data past the retention (``lti_tool.admin.retention``)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lti_tool import db as database


@click.command("purge")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Retention in days (default: BOUSSOLE_RETENTION_DAYS, else 730).",
)
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@with_appcontext
def purge(days: int | None, dry_run: bool) -> None:
    """Delete attempts older than the retention (with their responses and outbox rows), expired
    launch records and expired LTI state values; print the counts."""
    from lti_tool.admin.retention import purge as run_purge
    from lti_tool.admin.retention import retention_days

    days = days or retention_days()
    db = database.session()
    report = run_purge(db, days, dry_run=dry_run)
    if dry_run:
        db.rollback()
    else:
        db.commit()
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"retention {days} days (before {report.cutoff:%Y-%m-%d %H:%M} UTC)")
    for name, count in report.counts().items():
        click.echo(f"{verb} {count} {name.replace('_', ' ')}")
