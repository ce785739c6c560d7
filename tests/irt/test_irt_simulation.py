"""Simulation criteria, Sympson-Hetter tuning, the CLI and the package's import rule."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from item_bank.irt.engine import EngineSettings, ItemPool
from item_bank.irt.selection import lottery_draws
from item_bank.irt.simulation import (
    overlap_rate,
    overlap_rate_chen,
    run_simulation,
    simulate,
    sympson_hetter_parameters,
)
from lti_tool.commands.simulate import simulate as simulate_command
from lti_tool.commands.simulate import synthetic_pool


@pytest.fixture(scope="module")
def pool() -> ItemPool:
    return synthetic_pool(150, seed=2)


def test_report_is_sane(pool: ItemPool) -> None:
    s = EngineSettings(min_items=5, max_items=20)
    report = run_simulation(pool, s, n_examinees=200, seed=1)
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["n_examinees"] == 200
    assert data["n_items"] == 150
    assert abs(data["bias"]) < 0.1
    assert data["rmse"] < 0.5
    assert 5 <= data["min_length"] <= data["mean_length"] <= data["max_length"] <= 20
    assert 0 < data["max_exposure"] <= 1
    assert 0 <= data["never_used"] < 1
    assert 0 < data["overlap"] < 1
    assert data["classification_accuracy"] > 0.6
    assert sum(data["stop_reasons"].values()) == 200


def test_simulation_is_seeded(pool: ItemPool) -> None:
    s = EngineSettings(min_items=5, max_items=15)
    assert run_simulation(pool, s, 50, seed=4) == run_simulation(pool, s, 50, seed=4)


def test_overlap_formulas() -> None:
    # Three fixed-length tests of 2 items: {0,1}, {0,2}, {0,1} → pair overlaps 1/2, 1, 1/2.
    counts = np.array([3, 2, 1, 0])
    assert overlap_rate(counts, 3, 2.0) == pytest.approx((0.5 + 1.0 + 0.5) / 3)
    # Chen et al. (2003) is the large-sample form: close for many examinees.
    rng = np.random.default_rng(0)
    tests = [rng.choice(50, 10, replace=False, p=np.linspace(1, 3, 50) / 100) for _ in range(2000)]
    counts = np.bincount(np.concatenate(tests), minlength=50)
    pairwise = np.mean(
        [len(set(tests[i]) & set(tests[j])) / 10 for i in range(200) for j in range(i)]
    )
    assert overlap_rate(counts, 2000, 10.0) == pytest.approx(pairwise, abs=0.02)
    assert overlap_rate_chen(counts, 2000, 10.0) == pytest.approx(pairwise, abs=0.02)


def test_lottery_draws_are_uniform_and_fixed_per_seed() -> None:
    hashes = np.arange(20_000, dtype=np.uint64) * np.uint64(2654435761)
    u = lottery_draws(7, hashes)
    assert np.array_equal(u, lottery_draws(7, hashes))
    assert 0.0 <= u.min()
    assert u.max() < 1.0
    assert np.histogram(u, bins=10, range=(0, 1))[0].min() > 1800
    assert not np.array_equal(u, lottery_draws(8, hashes))


def test_sympson_hetter_brings_max_exposure_near_target(pool: ItemPool) -> None:
    s = EngineSettings(min_items=10, max_items=10, randomesque_k=1, comfort_items=0)
    params = sympson_hetter_parameters(pool, s, r_max=0.3, n_examinees=400, seed=5)
    assert params
    assert all(0 < k < 1 for k in params.values())
    controlled = dataclasses.replace(s, sympson_hetter=tuple(params.items()))
    fresh = np.random.default_rng(99).standard_normal(400)
    before = simulate(pool, s, fresh, np.random.default_rng(1))
    after = simulate(pool, controlled, fresh, np.random.default_rng(1))
    assert before.counts.max() / 400 == 1.0
    assert after.counts.max() / 400 <= 0.3 + 0.06  # sampling noise of a maximum over 150 items
    assert (after.counts > 0).sum() > (before.counts > 0).sum()


def test_cli_synthetic_json() -> None:
    out = CliRunner().invoke(
        simulate_command,
        ["--examinees", "60", "--items", "120", "--max-items", "15", "--seed", "3", "--json"],
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["bank"] == "synthetic"
    assert data["n_examinees"] == 60
    assert data["max_length"] <= 15


def test_cli_table_and_bad_settings() -> None:
    ok = CliRunner().invoke(simulate_command, ["--examinees", "20", "--items", "80"])
    assert ok.exit_code == 0
    assert "rmse" in ok.output
    bad = CliRunner().invoke(simulate_command, ["--min-items", "30", "--max-items", "10"])
    assert bad.exit_code != 0
    assert "min_items" in bad.output


def test_irt_imports_neither_flask_nor_sqlalchemy() -> None:
    code = (
        "import sys, item_bank.irt, item_bank.irt.engine, item_bank.irt.simulation; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'lti_tool', 'models', 'werkzeug')); print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
