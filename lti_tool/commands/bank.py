"""``boussole bank``: lint, count, export and validate the item bank.

A plain click group (no Flask, no database): the lead adds it to the ``boussole`` CLI. The
database side of ``bank import`` builds on :func:`item_bank.formats.read_items`.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from item_bank.errors import BankLoadError, FormatError
from item_bank.formats import FORMATS, detect, read
from item_bank.formats import export as export_items
from item_bank.lint import lint, lint_bank
from item_bank.loader import CONTENT_ROOT, load_bank, load_topics, read_bank
from item_bank.schema import LANGUAGES, Bank, SchemaError, Status
from item_bank.stats import stats, table

_ROOT = click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help=f"Content folder (default: the shipped bank, {CONTENT_ROOT}).",
)


@click.group("bank")
def bank() -> None:
    """The item bank: checks, counts and exchange formats (GIFT, Moodle XML, QTI, JSON)."""


@bank.command("lint")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Reference date.")
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
def lint_command(today: datetime | None, root: Path | None) -> None:
    """Check the master files: one problem per line, exit status 1 if there is any."""
    problems = lint(root, today=today.date() if today else None)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(problems)} problem(s)", err=True)
    if problems:
        sys.exit(1)


@bank.command("stats")
@_ROOT
@click.option("--operational", is_flag=True, help="Count reviewed/piloted/calibrated items only.")
def stats_command(root: Path | None, operational: bool) -> None:
    """Items per topic × level × language; ``!`` marks counts under target."""
    result = read_bank(root)
    try:
        topics = list(load_topics(root))
    except SchemaError:
        topics = []
    counts = stats(result.bank, topics=topics, operational_only=operational)
    click.echo(table(counts))
    shortfalls = counts.shortfalls()
    click.echo(f"{len(shortfalls)} count(s) under target", err=True)
    if result.errors:
        click.echo(
            f"{len(result.errors)} schema error(s): invalid items are not counted "
            "(see `boussole bank lint`)",
            err=True,
        )


@bank.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), required=True, help="Target format."
)
@click.option("--language", type=click.Choice(LANGUAGES), help="Only this language.")
@click.option("--topic", "topics", multiple=True, metavar="Txx", help="Only these topics.")
@click.option("--operational", is_flag=True, help="Only reviewed, piloted or calibrated items.")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write."
)
@_ROOT
def export_command(
    fmt: str,
    language: str | None,
    topics: tuple[str, ...],
    operational: bool,
    output: Path | None,
    root: Path | None,
) -> None:
    """Write the bank (retired items excluded) in an exchange format."""
    try:
        loaded = load_bank(root)
    except BankLoadError as error:
        raise click.ClickException(f"fix the bank first (boussole bank lint):\n{error}") from None
    wanted = frozenset(t.upper() for t in topics) or None
    selected = loaded.filter(language=language, topics=wanted, operational=operational)
    items = [item for item in selected if item.status is not Status.RETIRED]
    if not items:
        raise click.ClickException("no item matches")
    try:
        data = export_items(items, fmt)
    except FormatError as error:
        raise click.ClickException(str(error)) from None
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            click.echo(data, nl=False)
    elif isinstance(data, bytes):
        output.write_bytes(data)
    else:
        output.write_text(data, encoding="utf-8")
    click.echo(f"{len(items)} item(s) exported as {fmt}", err=True)


@bank.command("validate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lint", "run_lint", is_flag=True, help="Also apply the item-writing rules.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Reference date.")
def validate_command(path: Path, run_lint: bool, today: datetime | None) -> None:
    """Read a file in any format and report errors; nothing is imported."""
    fmt = detect(path.read_bytes(), path.name)
    try:
        items = read(path)
    except FormatError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    by_language = {lang: sum(1 for i in items if i.language == lang) for lang in LANGUAGES}
    detail = ", ".join(f"{lang} {n}" for lang, n in by_language.items() if n)
    click.echo(f"{path}: {len(items)} item(s) read as {fmt} ({detail or 'none'})")
    if run_lint:
        day: date | None = today.date() if today else None
        problems = lint_bank(Bank(tuple(items)), today=day, pairing=False)
        for problem in problems:
            click.echo(str(problem))
        if problems:
            click.echo(f"{len(problems)} problem(s)", err=True)
            sys.exit(1)
