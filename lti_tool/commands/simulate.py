"""``boussole simulate``: run whole adaptive tests for simulated learners and report the criteria.

A plain click command (no Flask import); the ``boussole`` group registers it.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click
import numpy as np

from item_bank.irt.engine import EngineSettings, ItemPool
from item_bank.irt.simulation import run_simulation, sympson_hetter_parameters

#: Statuses that never reach learners (checked by name, so this module needs no schema import).
_NOT_SERVED = {"draft", "retired"}


def synthetic_pool(n_items: int, seed: int) -> ItemPool:
    """2PL bank with ``a ~ N(1.2, 0.25)`` (at least 0.3) and ``b ~ N(0, 1)`` (Barrada et al. 2010),
    spread over four topics; the level follows ``b``."""
    rng = np.random.default_rng(seed)
    b = rng.normal(0.0, 1.0, n_items)
    a = np.clip(rng.normal(1.2, 0.25, n_items), 0.3, None)
    levels = np.digitize(b, [-0.5, 0.7]) + 1
    return ItemPool(
        ids=[f"S{k:04d}" for k in range(n_items)],
        a=a.tolist(),
        b=b.tolist(),
        c=[0.0] * n_items,
        topic=[f"T{k % 4 + 1:02d}" for k in range(n_items)],
        level=levels.tolist(),
        pilot=[False] * n_items,
    )


def shipped_pool(language: str) -> ItemPool:
    """The shipped bank in one language; items without IRT parameters get ``a = 1``,
    ``b = difficulty_prior``, ``c = 0``."""
    try:
        from item_bank.loader import load_bank
    except ImportError as exc:  # the loader is written in parallel; fail clearly meanwhile
        raise click.ClickException(
            f"the shipped bank cannot be loaded: item_bank.loader is not importable ({exc})"
        ) from exc
    items = [
        item
        for item in load_bank().items
        if item.language == language and str(getattr(item, "status", "")).lower() not in _NOT_SERVED
    ]
    if not items:
        raise click.ClickException(f"the shipped bank has no servable item in {language!r}")
    params = [(1.0, item.difficulty_prior, 0.0) if item.irt is None else
              (item.irt.a, item.irt.b, item.irt.c) for item in items]  # fmt: skip
    return ItemPool(
        ids=[item.id for item in items],
        a=[p[0] for p in params],
        b=[p[1] for p in params],
        c=[p[2] for p in params],
        topic=[item.topic for item in items],
        level=[item.level for item in items],
        pilot=[False] * len(items),
    )


def _table(report: dict[str, Any]) -> str:
    width = max(len(k) for k in report)
    lines = []
    for key, value in report.items():
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        lines.append(f"{key:<{width}}  {shown}")
    return "\n".join(lines)


_DEFAULTS = EngineSettings()


@click.command("simulate")
@click.option("--examinees", default=1000, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--bank", type=click.Choice(["synthetic", "shipped"]), default="synthetic", show_default=True
)
@click.option("--items", "n_items", default=500, show_default=True, type=click.IntRange(min=1),
              help="Size of the synthetic bank.")  # fmt: skip
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the shipped bank.")  # fmt: skip
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--se-target", default=_DEFAULTS.se_target, show_default=True, type=float)
@click.option("--min-items", default=_DEFAULTS.min_items, show_default=True, type=int)
@click.option("--max-items", default=_DEFAULTS.max_items, show_default=True, type=int)
@click.option("--randomesque", default=_DEFAULTS.randomesque_k, show_default=True,
              type=click.IntRange(min=1), help="Choose among the k best items.")  # fmt: skip
@click.option("--sympson-hetter/--no-sympson-hetter", default=False, show_default=True,
              help="Tune Sympson-Hetter parameters by simulation, then use them.")  # fmt: skip
@click.option("--max-exposure", default=0.25, show_default=True,
              type=click.FloatRange(0, 1, min_open=True),
              help="Target exposure rate for Sympson-Hetter.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def simulate(
    examinees: int,
    bank: str,
    n_items: int,
    language: str,
    seed: int,
    se_target: float,
    min_items: int,
    max_items: int,
    randomesque: int,
    sympson_hetter: bool,
    max_exposure: float,
    as_json: bool,
) -> None:
    """Simulate adaptive tests (θ ~ N(0, 1)) and report bias, RMSE, length, exposure, overlap."""
    pool = synthetic_pool(n_items, seed) if bank == "synthetic" else shipped_pool(language)
    try:
        settings = EngineSettings(
            se_target=se_target,
            min_items=min_items,
            max_items=max_items,
            randomesque_k=randomesque,
        )
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    if sympson_hetter:
        # Tuned on other simulees than the ones reported (seed + 1).
        params = sympson_hetter_parameters(
            pool, settings, r_max=max_exposure, n_examinees=examinees, seed=seed + 1
        )
        settings = dataclasses.replace(settings, sympson_hetter=tuple(params.items()))
    report = run_simulation(pool, settings, n_examinees=examinees, seed=seed).to_dict()
    report = {"bank": bank, "bank_items": len(pool), **report}
    click.echo(json.dumps(report, indent=2) if as_json else _table(report))
