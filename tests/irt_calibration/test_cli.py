"""The ``calibrate`` command: CSV in, CSV or JSON out, through click's CliRunner."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from lti_tool.commands.calibrate import calibrate
from tests.irt_calibration.simulation import Simulated, rmse

Simulate = Callable[..., Simulated]


@pytest.fixture
def responses_csv(tmp_path: Path, simulate_responses: Simulate) -> tuple[Path, Simulated]:
    sim = simulate_responses(600, 8, seed=50)
    path = tmp_path / "responses.csv"
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["person", "item", "correct"])
        for p, i, u in zip(sim.data.person_idx, sim.data.item_idx, sim.data.response, strict=True):
            writer.writerow([sim.data.person_ids[p], sim.data.item_ids[i], "true" if u else "0"])
    return path, sim


def test_csv_round_trip(tmp_path: Path, responses_csv: tuple[Path, Simulated]) -> None:
    path, sim = responses_csv
    priors = tmp_path / "priors.csv"
    priors.write_text(
        "item,b_prior\n"
        + "".join(f"{i},{b:.3f}\n" for i, b in zip(sim.data.item_ids, sim.b, strict=True))
    )
    out = tmp_path / "params.csv"
    result = CliRunner().invoke(
        calibrate, ["--input", str(path), "--priors", str(priors), "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "converged" in result.stderr
    assert "8 with a prior level" in result.stderr
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["item"] for r in rows] == list(sim.data.item_ids)
    assert {r["status"] for r in rows} == {"full"}
    b = [float(r["b"]) for r in rows]
    assert rmse(b, sim.b) < 0.2
    assert all(float(r["se_b"]) > 0 for r in rows)
    assert all(r["c"] == "0.0" and r["se_c"] == "" for r in rows)
    assert all(0 <= float(r["fit_p"]) <= 1 for r in rows)


def test_json_on_stdout_and_json_file(
    tmp_path: Path, responses_csv: tuple[Path, Simulated]
) -> None:
    path, _ = responses_csv
    out = tmp_path / "params.json"
    result = CliRunner().invoke(
        calibrate, ["--input", str(path), "--model", "1pl", "--json", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc == json.loads(out.read_text())
    assert doc["model"] == "1PL"
    assert doc["converged"] is True
    assert len(doc["items"]) == 8
    assert all(item["a"] == 1.0 and item["se_a"] is None for item in doc["items"])


def test_csv_on_stdout_without_output(responses_csv: tuple[Path, Simulated]) -> None:
    path, _ = responses_csv
    result = CliRunner().invoke(calibrate, ["--input", str(path), "--max-iter", "3"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("item,n,a,b,c,")
    assert "NOT converged after 3 cycles" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("person,item\np,i\n", "missing column(s) correct"),
        ("person,item,correct\np,i,maybe\n", "responses.csv:2: correct must be 1/0"),
        ("person,item,correct\n", "no responses"),
        ("person,item,correct\np,i,1\np,i,0\n", "more than once"),
    ],
)
def test_bad_input_is_reported(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "responses.csv"
    path.write_text(content)
    result = CliRunner().invoke(calibrate, ["--input", str(path)])
    assert result.exit_code == 1
    assert message in result.stderr
