"""Step time of the adaptive engine vs catsim 0.21 on the same 1,000-item 2PL bank.

A step = update the ability estimate after one answer + choose the next item. Both engines run
their own adaptive tests (θ ~ N(0, 1), seeded) for 20 items; only the step calls are timed.

    .venv/bin/python bench/irt_step.py [--examinees 100] [--seed 0]

Peer: catsim ``NumericalSearchEstimator`` (its default bounded Brent search on the likelihood,
Dodd's heuristic for constant patterns) + ``MaxInfoSelector``. catsim 0.21 has no
HillClimbingEstimator any more; the estimator's ``brent`` method is timed as a second peer row.
Ours: ``record`` (one vector add on the 81-node grid + EAP sums) + ``next_item`` (look up the
information row at θ̂, argmax over eligible items), with comparable settings (max information,
no randomesque, no comfort rule). Extra rows: our defaults, Sympson-Hetter on, and the JSON round
trip of the state that the web layer adds per request.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import numpy as np
from catsim.estimation import NumericalSearchEstimator
from catsim.item_bank import ItemBank
from catsim.selection import MaxInfoSelector

from item_bank.irt.engine import CatState, EngineSettings, ItemPool, next_item, record, start

N_ITEMS = 1000
LENGTH = 20


def answer(rng: np.random.Generator, theta: float, a: float, b: float) -> bool:
    return bool(rng.random() < 1.0 / (1.0 + np.exp(-a * (theta - b))))


def run_catsim(bank: ItemBank, thetas: np.ndarray, method: str, seed: int) -> list[int]:
    est = NumericalSearchEstimator(method=method)
    sel = MaxInfoSelector()
    rng = np.random.default_rng(seed)
    a, b = bank.discrimination, bank.difficulty
    times: list[int] = []
    for theta in thetas:
        administered: list[int] = []
        responses: list[bool] = []
        est_theta = 0.0
        item = sel.select(item_bank=bank, administered_items=administered, est_theta=est_theta)
        for _ in range(LENGTH):
            assert item is not None
            responses.append(answer(rng, theta, a[item], b[item]))
            administered.append(int(item))
            t0 = time.perf_counter_ns()
            est_theta = est.estimate(
                item_bank=bank,
                administered_items=administered,
                response_vector=responses,
                est_theta=est_theta,
            )
            item = sel.select(item_bank=bank, administered_items=administered, est_theta=est_theta)
            times.append(time.perf_counter_ns() - t0)
    return times


def run_ours(
    pool: ItemPool,
    settings: EngineSettings,
    thetas: np.ndarray,
    seed: int,
    wrap: Callable[[CatState], CatState] | None = None,
) -> list[int]:
    rng = np.random.default_rng(seed)
    times: list[int] = []
    for e, theta in enumerate(thetas):
        state = start(settings, seed=seed * 100_000 + e)
        decision = next_item(state, pool, settings, rng)
        for _ in range(LENGTH):
            item_id = decision.item_id
            assert item_id is not None
            a, b, _ = pool.params[pool.index[item_id]]
            correct = answer(rng, theta, a, b)
            t0 = time.perf_counter_ns()
            if wrap is not None:
                state = wrap(state)
            state = record(state, pool, item_id, correct, settings)
            decision = next_item(state, pool, settings, rng)
            times.append(time.perf_counter_ns() - t0)
    return times


def json_round_trip(state: CatState) -> CatState:
    return CatState.from_dict(json.loads(json.dumps(state.to_dict())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examinees", type=int, default=100, help="catsim simulees (ours x10)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    bank = ItemBank.generate_item_bank(N_ITEMS, "2PL", seed=args.seed)
    a, b = bank.discrimination.tolist(), bank.difficulty.tolist()
    pool = ItemPool(
        [f"I{k:04d}" for k in range(N_ITEMS)], a, b, [0.0] * N_ITEMS,
        ["T"] * N_ITEMS, [1] * N_ITEMS, [False] * N_ITEMS,
    )  # fmt: skip
    rng = np.random.default_rng(args.seed + 1)
    thetas_peer = rng.standard_normal(args.examinees)
    thetas_ours = rng.standard_normal(args.examinees * 10)

    comparable = EngineSettings(
        min_items=LENGTH + 1, max_items=LENGTH + 1, randomesque_k=1, comfort_items=0
    )
    defaults = EngineSettings(min_items=LENGTH + 1, max_items=LENGTH + 1)
    sh = EngineSettings(
        min_items=LENGTH + 1, max_items=LENGTH + 1, randomesque_k=1, comfort_items=0,
        sympson_hetter=tuple((i, 0.5) for i in pool.ids[::2]),
    )  # fmt: skip

    # Warm-up (precomputations, caches) outside the timings.
    run_ours(pool, comparable, thetas_ours[:5], args.seed)
    run_catsim(bank, thetas_peer[:2], "bounded", args.seed)

    rows: list[tuple[str, list[int]]] = [
        ("catsim NumericalSearch(bounded)+MaxInfo", run_catsim(bank, thetas_peer, "bounded", 1)),
        ("catsim NumericalSearch(brent)+MaxInfo", run_catsim(bank, thetas_peer, "brent", 1)),
        ("ours EAP+MaxInfo (comparable)", run_ours(pool, comparable, thetas_ours, 1)),
        ("ours defaults (randomesque 3, comfort)", run_ours(pool, defaults, thetas_ours, 1)),
        ("ours + Sympson-Hetter", run_ours(pool, sh, thetas_ours, 1)),
        ("ours comparable + JSON state round trip", run_ours(
            pool, comparable, thetas_ours, 1, json_round_trip)),
    ]  # fmt: skip

    print(f"bank: {N_ITEMS}-item 2PL (catsim generator, seed {args.seed}); {LENGTH} steps/test")
    print(f"{'engine':<44} {'steps':>7} {'mean µs':>9} {'median µs':>10} {'p95 µs':>8}")
    mean: dict[str, float] = {}
    median: dict[str, float] = {}
    for name, times in rows:
        us = np.asarray(times) / 1000.0
        mean[name], median[name] = float(us.mean()), float(statistics.median(us))
        print(
            f"{name:<44} {us.size:>7} {us.mean():>9.1f} {median[name]:>10.1f}"
            f" {np.percentile(us, 95):>8.1f}"
        )
    ours, peer = "ours EAP+MaxInfo (comparable)", "catsim NumericalSearch(bounded)+MaxInfo"
    brent = "catsim NumericalSearch(brent)+MaxInfo"
    print(
        f"ratio ours/peer step time (target <= 0.05): mean {mean[ours] / mean[peer]:.4f}, "
        f"median {median[ours] / median[peer]:.4f} (vs bounded); "
        f"mean {mean[ours] / mean[brent]:.4f}, median {median[ours] / median[brent]:.4f} (vs brent)"
    )


if __name__ == "__main__":
    main()
