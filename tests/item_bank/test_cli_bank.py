"""``boussole bank`` as a plain click group (the lead wires it into the Flask CLI)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from lti_tool.commands.bank import bank
from tests.item_bank.factories import write_bank


@pytest.fixture
def runner():
    return CliRunner()


def test_lint_prints_problems_and_exits_1(tmp_path, runner):
    root = write_bank(tmp_path, items={2: {"sources": []}})
    result = runner.invoke(bank, ["lint", "--today", "2026-01-15", str(root)])
    assert result.exit_code == 1
    assert "fr/T02.yaml: T02-002: source-missing: " in result.output
    clean = runner.invoke(bank, ["lint", "--today", "2026-01-15", str(write_bank(tmp_path / "ok"))])
    assert clean.exit_code == 0


def test_stats_shows_a_table_with_totals_and_flags(tmp_path, runner):
    result = runner.invoke(bank, ["stats", "--root", str(write_bank(tmp_path))])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[0] == "topic"
    t02 = next(line for line in lines if line.strip().startswith("T02"))
    assert t02.split() == ["T02", "4!", "4!", "4!", "4!", "4!", "4!", "12!", "12!"]
    assert any(line.strip().startswith("total") for line in lines)


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "qti", "json"])
def test_export_writes_a_file_in_each_format(tmp_path, runner, fmt):
    root = write_bank(tmp_path / "bank")
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(
        bank, ["export", "--format", fmt, "--language", "en", "--root", str(root), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    if fmt == "qti":
        assert len(zipfile.ZipFile(io.BytesIO(data)).namelist()) == 13
    elif fmt == "json":
        assert {row["language"] for row in json.loads(data)["items"]} == {"en"}
    validated = runner.invoke(bank, ["validate", "--lint", "--today", "2026-01-15", str(out)])
    assert validated.exit_code == 0, validated.output
    assert "12 item(s) read as" in validated.output


def test_export_filters_by_topic(tmp_path, runner):
    root = write_bank(tmp_path)
    result = runner.invoke(
        bank, ["export", "--format", "gift", "--topic", "T05", "--root", str(root)]
    )
    assert result.exit_code != 0
    assert "no item matches" in result.output
    result = runner.invoke(
        bank, ["export", "--format", "gift", "--topic", "t02", "--root", str(root)]
    )
    assert result.output.count("// [id:T02-") == 24


def test_validate_reports_errors_and_imports_nothing(tmp_path, runner):
    path = tmp_path / "questions.txt"
    path.write_text("// [id:T02-001]\n::a::Expliquez.{}\n", encoding="utf-8")
    result = runner.invoke(bank, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"error: {path}: line 2: essay" in result.output


def test_export_writes_to_stdout_without_output(tmp_path, runner):
    root = write_bank(tmp_path, count=2)
    result = runner.invoke(bank, ["export", "--format", "qti", "--root", str(root)])
    assert result.exit_code == 0
    assert zipfile.ZipFile(io.BytesIO(result.stdout_bytes)).namelist()[0] == "imsmanifest.xml"
