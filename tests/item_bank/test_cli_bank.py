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


def _cued_bank(root):
    """T02: keys always the shortest option; T03: clean."""
    texts = ["Une réponse assez longue", "Il le fait toujours ainsi", "Encore plus long ici", "Oui"]

    def options(n):
        turned = texts[n % 4 :] + texts[: n % 4]
        return [
            {"text": t, "correct": t == "Oui", "feedback": "Exact : parce que."} for t in turned
        ]

    write_bank(root, items={n: {"options": options(n)} for n in range(1, 13)})
    clean = write_bank(root / "t03", topic="T03")
    for language in ("fr", "en"):
        (clean / language / "T03.yaml").rename(root / language / "T03.yaml")
    return root


def test_stats_reports_the_guesser_cues_sources_and_reviews_per_language_and_topic(
    tmp_path, runner
):
    root = _cued_bank(tmp_path)
    result = runner.invoke(bank, ["stats", "--root", str(root)])
    assert result.exit_code == 0, result.output
    out = result.output
    # 12 cued items (T02) and 12 clean ones (T03)
    assert "guesser 62% (avoids absolute words, picks the shortest option), chance 25%" in out
    assert "key longest 12%, key shortest 62% (chance 25% ± 10%)" in out
    assert "absolute words: keys 0%, distractors 17%" in out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith(("T02", "T03"))]
    assert ["T02", "fr", "12", "100%", "avoid+shortest"] == rows[-4][:5]
    assert "fr: 0 of 24 items cite a source without locator" in out
    assert "fr: 0 of 24 items await an independent review" in out
    assert "named without a role: 24" in out  # the factory's "Relectrice"
    narrowed = runner.invoke(
        bank, ["stats", "--root", str(root), "--topic", "t03", "--language", "en"]
    )
    assert "en: 12 items" in narrowed.output and "fr: 12 items" not in narrowed.output
    assert "T02" not in narrowed.output


def test_cues_lists_the_items_of_one_file_that_carry_a_cue(tmp_path, runner):
    root = _cued_bank(tmp_path)
    result = runner.invoke(bank, ["cues", str(root / "fr" / "T02.yaml")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "fr/T02.yaml: 12 single-answer items"
    t02_001 = next(line for line in lines if line.startswith("T02-001"))
    assert t02_001.split()[:7] == ["T02-001", "key", "C", "longest", "A", "shortest", "C"]
    assert "absolute words: A (toujours)" in t02_001
    assert "key shortest, absolute words only in distractors" in t02_001
    assert lines[-1] == "12 of 12 items carry a cue (--all lists every item)"
    clean = runner.invoke(bank, ["cues", str(root), "--topic", "T03", "--language", "fr"])
    assert clean.output.splitlines()[-1].endswith(
        "of 12 items carry a cue (--all lists every item)"
    )
    every = runner.invoke(bank, ["cues", str(root), "--topic", "T03", "--language", "fr", "--all"])
    assert sum(1 for line in every.output.splitlines() if line.startswith("T03-")) == 12
    none = runner.invoke(bank, ["cues", str(root), "--topic", "T09"])
    assert none.exit_code != 0 and "no item matches" in none.output


def test_lint_can_show_one_topic(tmp_path, runner):
    root = _cued_bank(tmp_path)
    result = runner.invoke(bank, ["lint", "--today", "2026-01-15", "--topic", "T02", str(root)])
    assert result.exit_code == 1
    assert all(line.split(":")[0].endswith("T02.yaml") for line in result.stdout.splitlines())
    assert "problem(s) outside these topics not shown" in result.output
