"""``boussole calibrate``: batch calibration of the item bank from a CSV of responses."""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from item_bank.irt import calibration
from item_bank.irt.calibration import CalibrationResult, ItemFit, Priors, ResponseData, item_fit

_TRUE = {"1", "true", "yes", "y", "t", "correct"}
_FALSE = {"0", "false", "no", "n", "f", "incorrect"}
COLUMNS = [
    "item", "n", "a", "b", "c", "se_a", "se_b", "se_c", "status",
    "fit_x2", "fit_df", "fit_p", "misfit",
]  # fmt: skip


def _rows(path: Path, required: tuple[str, ...]) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise click.ClickException(f"{path.name}: missing column(s) {', '.join(missing)}")
        yield from reader


def read_responses(path: Path) -> ResponseData:
    """Responses from a CSV with columns ``person,item,correct`` (correct: 1/0, true/false)."""
    triples = []
    for line, row in enumerate(_rows(path, ("person", "item", "correct")), start=2):
        value = row["correct"].strip().lower()
        if value not in _TRUE | _FALSE:
            raise click.ClickException(f"{path.name}:{line}: correct must be 1/0, not {value!r}")
        triples.append((row["person"].strip(), row["item"].strip(), value in _TRUE))
    if not triples:
        raise click.ClickException(f"{path.name}: no responses")
    try:
        return ResponseData.from_triples(triples)
    except ValueError as exc:
        raise click.ClickException(f"{path.name}: {exc}") from exc


def read_priors(path: Path) -> dict[str, float]:
    """Prior means of ``b`` from a CSV with columns ``item,b_prior``."""
    out: dict[str, float] = {}
    for line, row in enumerate(_rows(path, ("item", "b_prior")), start=2):
        try:
            out[row["item"].strip()] = float(row["b_prior"])
        except ValueError as exc:
            raise click.ClickException(f"{path.name}:{line}: b_prior is not a number") from exc
    return out


def _num(x: float) -> float | None:
    return None if math.isnan(x) else round(float(x), 6)


def result_rows(result: CalibrationResult, fit: ItemFit) -> list[dict[str, Any]]:
    """One record per item: parameters, standard errors, status and fit."""
    p = result.params
    return [
        {
            "item": item,
            "n": int(result.n_responses[k]),
            "a": _num(p.a[k]),
            "b": _num(p.b[k]),
            "c": _num(p.c[k]),
            "se_a": _num(result.se_a[k]),
            "se_b": _num(result.se_b[k]),
            "se_c": _num(result.se_c[k]),
            "status": result.status[k],
            "fit_x2": _num(fit.statistic[k]),
            "fit_df": int(fit.df[k]),
            "fit_p": _num(fit.p_value[k]),
            "misfit": bool(fit.flagged[k]),
        }
        for k, item in enumerate(p.item_ids)
    ]


def _document(result: CalibrationResult, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "model": result.params.model.value,
        "iterations": result.iterations,
        "converged": result.converged,
        "log_likelihood": round(result.log_likelihood, 4),
        "log_posterior": round(result.log_posterior, 4),
        "items": rows,
    }


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The item records as CSV text (empty cells for missing values)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buf.getvalue()


@click.command("calibrate")
@click.option(
    "--input", "input_path", required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV of responses with columns person,item,correct.",
)  # fmt: skip
@click.option(
    "--model", type=click.Choice(["1PL", "2PL", "3PL"], case_sensitive=False),
    default="2PL", show_default=True,
)  # fmt: skip
@click.option(
    "--priors", "priors_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with columns item,b_prior: the expert's difficulty as the prior mean of b.",
)  # fmt: skip
@click.option(
    "--b-sd", type=float, default=1.0, show_default=True,
    help="Prior SD of b around the expert's level (items without one: N(0, 2)).",
)  # fmt: skip
@click.option("--max-iter", type=int, default=500, show_default=True, help="Maximum EM cycles.")
@click.option(
    "--output", "output_path", type=click.Path(dir_okay=False, path_type=Path),
    help="Write item parameters and fit here (.json for JSON, otherwise CSV).",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def calibrate(
    input_path: Path,
    model: str,
    priors_path: Path | None,
    b_sd: float,
    max_iter: int,
    output_path: Path | None,
    as_json: bool,
) -> None:
    """Calibrate the items of a response file by Bayes-modal EM, with item fit."""
    data = read_responses(input_path)
    b_means = read_priors(priors_path) if priors_path else {}
    try:
        priors = Priors(b_levels=b_means, b_level_sd=b_sd)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--b-sd") from exc
    click.echo(
        f"{data.n_obs} responses, {data.n_persons} persons, {data.n_items} items "
        f"({len(b_means)} with a prior level)",
        err=True,
    )
    # The bar goes to stderr so that stdout stays a clean CSV or JSON document.
    with click.progressbar(length=max_iter, label=f"EM {model.upper()}", file=sys.stderr) as bar:

        def on_iteration(i: int, total: int, delta: float) -> None:
            bar.update(i - bar.pos)

        result = calibration.calibrate(
            data, model.upper(), priors, max_iter=max_iter, on_iteration=on_iteration
        )
        bar.update(max_iter - bar.pos)
    fit = item_fit(data, result)
    state = "converged" if result.converged else "NOT converged"
    click.echo(
        f"{state} after {result.iterations} cycles; log-likelihood {result.log_likelihood:.2f}; "
        f"{int(fit.flagged.sum())} item(s) misfit at p < {fit.alpha}",
        err=True,
    )
    rows = result_rows(result, fit)
    document = _document(result, rows)
    if output_path is not None:
        with output_path.open("w", newline="", encoding="utf-8") as fh:
            if output_path.suffix.lower() == ".json":
                json.dump(document, fh, indent=2, ensure_ascii=False)
                fh.write("\n")
            else:
                fh.write(to_csv(rows))
        click.echo(f"wrote {output_path}", err=True)
    if as_json:
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif output_path is None:
        click.echo(to_csv(rows), nl=False)
