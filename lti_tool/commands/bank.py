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
from item_bank.figures import cue_report, cue_section, review_section, source_section
from item_bank.formats import FORMATS, detect, read
from item_bank.formats import export as export_items
from item_bank.lint import lint, lint_bank
from item_bank.loader import CONTENT_ROOT, load_bank, load_file, load_topics, read_bank
from item_bank.schema import LANGUAGES, Bank, Item, SchemaError, Status
from item_bank.stats import stats, table

_TOPICS = click.option(
    "--topic", "topics", multiple=True, metavar="Txx", help="Only these topics (repeatable)."
)
_LANGUAGE = click.option("--language", type=click.Choice(LANGUAGES), help="Only this language.")
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
@_TOPICS
@click.argument("root", required=False, type=click.Path(file_okay=False, path_type=Path))
def lint_command(today: datetime | None, topics: tuple[str, ...], root: Path | None) -> None:
    """Check the master files: one problem per line, exit status 1 if there is any.

    With --topic, only the problems of those topics' files (bank-wide rules, such as the
    guesser, are counted apart).
    """
    problems = lint(root, today=today.date() if today else None)
    wanted = {t.upper() for t in topics}
    hidden = 0
    if wanted:
        kept = [p for p in problems if Path(p.file).stem in wanted]
        hidden, problems = len(problems) - len(kept), kept
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"{len(problems)} problem(s)", err=True)
    if hidden:
        click.echo(f"{hidden} problem(s) outside these topics not shown", err=True)
    if problems:
        sys.exit(1)


def _selected(bank: Bank, topics: tuple[str, ...], language: str | None) -> list[Item]:
    wanted = frozenset(t.upper() for t in topics) or None
    return [
        item
        for item in bank.filter(language=language, topics=wanted)
        if item.status is not Status.RETIRED
    ]


@bank.command("stats")
@_ROOT
@click.option("--operational", is_flag=True, help="Count reviewed/piloted/calibrated items only.")
@_TOPICS
@_LANGUAGE
def stats_command(
    root: Path | None, operational: bool, topics: tuple[str, ...], language: str | None
) -> None:
    """Items per topic × level × language (``!`` marks counts under target), then the cue
    figures (the test-wise guesser, absolute words, key length and position, per language and
    per topic), sources without locator and reviews by role."""
    result = read_bank(root)
    try:
        listed = list(load_topics(root))
    except SchemaError:
        listed = []
    wanted = [t.upper() for t in topics]
    items = _selected(result.bank, topics, language)
    if operational:
        items = [item for item in items if item.is_operational]
    counts = stats(Bank(tuple(items)), topics=wanted or listed, operational_only=operational)
    languages = [language] if language else list(LANGUAGES)
    click.echo(table(counts))
    click.echo()
    click.echo(cue_section(items, languages))
    click.echo()
    click.echo(source_section(items, languages))
    click.echo()
    click.echo(review_section(items, languages))
    shortfalls = counts.shortfalls()
    click.echo(f"{len(shortfalls)} count(s) under target", err=True)
    if result.errors:
        click.echo(
            f"{len(result.errors)} schema error(s): invalid items are not counted "
            "(see `boussole bank lint`)",
            err=True,
        )


@bank.command("cues")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=True, path_type=Path))
@_TOPICS
@_LANGUAGE
@click.option(
    "--all", "every_item", is_flag=True, help="List every item, not only those with a cue."
)
def cues_command(
    path: Path | None, topics: tuple[str, ...], language: str | None, every_item: bool
) -> None:
    """Which single-answer items carry a cue: the longest and shortest options, the options
    holding absolute words, and the guesser's chance on each item.

    PATH is one master file (``item_bank/content/fr/T13.yaml``) or a content folder (default:
    the shipped bank); --topic and --language narrow the selection.
    """
    if path is not None and path.is_file():
        items, errors = load_file(path, name=path.name)
        bank_items = Bank(tuple(items))
    else:
        loaded = read_bank(path)
        bank_items, errors = loaded.bank, list(loaded.errors)
    chosen = _selected(bank_items, topics, language)
    if not chosen:
        raise click.ClickException("no item matches")
    for lang in [lang for lang in LANGUAGES if any(i.language == lang for i in chosen)]:
        click.echo(cue_report(chosen, lang, every_item=every_item))
    if errors:
        click.echo(f"{len(errors)} schema error(s) (see `boussole bank lint`)", err=True)


@bank.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(list(FORMATS)), required=True, help="Target format."
)
@_LANGUAGE
@_TOPICS
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
