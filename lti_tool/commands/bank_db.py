"""``boussole bank import``: load the bank (the shipped master copy or a file) into the database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lti_tool import db as database


@click.command("import")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=True))
@with_appcontext
def bank_import(path: str | None) -> None:
    """Load items into the database (default: the shipped master copy). Nothing is imported when
    the file has an error."""
    from item_bank.formats import read_items
    from lti_tool.bank_store import import_items

    try:
        items = read_items(path)
    except Exception as exc:  # FormatError, SchemaError: the message names the place
        raise click.ClickException(str(exc)) from exc
    db = database.session()
    report = import_items(db, items)
    db.commit()
    click.echo(report.summary())
