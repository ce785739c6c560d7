"""``boussole bank import``: load the bank (the shipped master copy or a file) into the database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lti_tool import db as database


@click.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=True))
@click.option(
    "--keep-status",
    is_flag=True,
    help="Apply the statuses written in the file (reviewed, calibrated...). Without it, new and "
    "edited items start as draft and wait for a review. The shipped master copy keeps its "
    "reviewed statuses.",
)
@with_appcontext
def bank_import(path: str | None, keep_status: bool) -> None:
    """Load items into the database (default: the shipped master copy). Nothing is imported when
    the file has an error. Items from a file start as draft unless --keep-status."""
    from item_bank.formats import read_items
    from lti_tool.bank_store import import_items, import_shipped_bank

    db = database.session()
    try:
        if path is None:  # the same loader as the demo's and the deployment's
            report = import_shipped_bank(db)
        else:
            report = import_items(db, read_items(path), keep_status=keep_status)
    except Exception as exc:  # FormatError, SchemaError: the message names the place
        raise click.ClickException(str(exc)) from exc
    db.commit()
    click.echo(report.summary())
