"""Precision and bank use of the adaptive engine vs catsim 0.21: same bank, same simulees.

500-item 2PL bank (catsim's generator: a ~ N(1.2, 0.25), b ~ N(0, 1)), 1,000 simulees
θ ~ N(0, 1), both engines start at θ = 0 and stop at SE < 0.3 or 30 items (each engine's own SE:
catsim 1/sqrt(I(θ̂_MLE)), ours the EAP posterior SD). Responses are drawn from the 2PL.

    .venv/bin/python bench/irt_precision.py [--examinees 1000] [--seed 0]

Rows:
- catsim MLE (NumericalSearchEstimator) + MaxInfoSelector + MinErrorStopper(0.3, max 30);
- catsim at a fixed length equal to our mean length, and ours at a fixed length equal to
  catsim's mean length (RMSE at equal length, both ways);
- ours with exposure control: randomesque only, then Sympson-Hetter tuned by simulation on OTHER
  simulees (seed + 1) with target r = 0.25 and r = 0.22 (margin for the sampling noise of a
  maximum over ~50 capped items), alone and with randomesque 2. Same stop rule throughout.

Criteria: bias, RMSE, mean/max length, max exposure, share of the bank never used, test overlap
(mean pairwise share, Chen, Ankenmann & Spray 2003), level classification accuracy.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from typing import Any

import numpy as np
from catsim.estimation import NumericalSearchEstimator
from catsim.initialization import FixedPointInitializer
from catsim.item_bank import ItemBank
from catsim.selection import MaxInfoSelector
from catsim.simulation import Simulator
from catsim.stopping import MinErrorStopper, TestLengthStopper

from item_bank.irt.engine import EngineSettings, ItemPool
from item_bank.irt.scoring import level_of
from item_bank.irt.simulation import (
    overlap_rate,
    run_simulation,
    sympson_hetter_parameters,
)

N_ITEMS = 500
CUTS = (-0.5, 0.7)


def catsim_row(bank: ItemBank, thetas: np.ndarray, stopper: Any, seed: int) -> dict[str, Any]:
    sim = Simulator(bank, thetas, seed=seed)
    sim.simulate(FixedPointInitializer(0.0), MaxInfoSelector(), NumericalSearchEstimator(), stopper)
    est = np.array(sim.latest_estimations)
    lengths = np.array([len(x) for x in sim.administered_items])
    counts = np.bincount(np.concatenate(sim.administered_items), minlength=N_ITEMS)
    err = est - thetas
    e = thetas.size
    return {
        "bias": float(err.mean()),
        "rmse": float(np.sqrt((err**2).mean())),
        "mean_length": float(lengths.mean()),
        "max_length": int(lengths.max()),
        "max_exposure": float(counts.max() / e),
        "never_used": float((counts == 0).mean()),
        "overlap": overlap_rate(counts, e, float(lengths.mean())),
        "classification_accuracy": float(
            np.mean(
                [level_of(t, CUTS) == level_of(h, CUTS) for t, h in zip(thetas, est, strict=True)]
            )
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examinees", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    t_start = time.perf_counter()

    bank = ItemBank.generate_item_bank(N_ITEMS, "2PL", seed=args.seed)
    pool = ItemPool(
        [f"I{k:03d}" for k in range(N_ITEMS)], bank.discrimination.tolist(),
        bank.difficulty.tolist(), [0.0] * N_ITEMS, ["T"] * N_ITEMS, [1] * N_ITEMS,
        [False] * N_ITEMS,
    )  # fmt: skip
    thetas = np.random.default_rng(args.seed + 10).standard_normal(args.examinees)

    def ours(settings: EngineSettings) -> dict[str, Any]:
        return run_simulation(pool, settings, thetas=thetas, seed=args.seed + 20).to_dict()

    base = EngineSettings(
        min_items=1, max_items=30, se_target=0.3, randomesque_k=1, comfort_items=0
    )
    rows: list[tuple[str, dict[str, Any]]] = []
    peer = catsim_row(bank, thetas, MinErrorStopper(0.3, max_items=30), args.seed)
    rows.append(("catsim MLE+MaxInfo, SE<0.3|30", peer))
    mine = ours(base)
    rows.append(("ours EAP+MaxInfo, SE<=0.3|30", mine))

    same_len_ours = round(peer["mean_length"])
    rows.append((
        f"ours fixed length {same_len_ours} (=catsim mean)",
        ours(dataclasses.replace(base, min_items=same_len_ours, max_items=same_len_ours)),
    ))  # fmt: skip
    same_len_peer = round(mine["mean_length"])
    fixed = TestLengthStopper(min_items=same_len_peer, max_items=same_len_peer)
    rows.append((f"catsim fixed length {same_len_peer} (=ours mean)",
                 catsim_row(bank, thetas, fixed, args.seed)))  # fmt: skip

    rows.append(("ours + randomesque 3", ours(dataclasses.replace(base, randomesque_k=3))))
    controlled: dict[str, dict[str, Any]] = {}
    for r_max, k in ((0.25, 1), (0.22, 1), (0.22, 2)):
        tuned = dataclasses.replace(base, randomesque_k=k)
        params = sympson_hetter_parameters(
            pool, tuned, r_max=r_max, n_examinees=args.examinees, iterations=10, seed=args.seed + 1
        )
        name = f"ours + SH r={r_max}" + (f" + randomesque {k}" if k > 1 else "")
        controlled[name] = ours(dataclasses.replace(tuned, sympson_hetter=tuple(params.items())))
        rows.append((name, controlled[name]))

    cols = ("bias", "rmse", "mean_length", "max_length", "max_exposure", "never_used", "overlap",
            "classification_accuracy")  # fmt: skip
    heads = ("bias", "RMSE", "len", "max", "maxExp", "unused", "overlap", "class.acc")
    print(
        f"bank: {N_ITEMS}-item 2PL (catsim generator, seed {args.seed}); "
        f"{args.examinees} simulees θ~N(0,1)"
    )
    print(f"{'run':<42}" + "".join(f"{h:>10}" for h in heads))
    for name, row in rows:
        cells = "".join(
            f"{row[c]:>10d}" if isinstance(row[c], int) else f"{row[c]:>10.3f}" for c in cols
        )
        print(f"{name:<42}{cells}")

    best = min(
        (r for r in controlled.values() if r["max_exposure"] <= 0.25 and r["overlap"] <= 0.20),
        key=lambda r: r["mean_length"],
        default=None,
    )
    if best is None:
        print("no exposure-control run met max exposure <= 0.25 and overlap <= 0.20")
    else:
        print(
            "cheapest exposure control with max exposure <= 0.25 and overlap <= 0.20: "
            f"{best['mean_length'] - mine['mean_length']:+.2f} items vs ours without control, "
            f"{best['mean_length'] - peer['mean_length']:+.2f} vs catsim without control"
        )
    print(f"elapsed {time.perf_counter() - t_start:.1f} s")
    equal_a = rows[2][1]["rmse"] / peer["rmse"]
    equal_b = mine["rmse"] / rows[3][1]["rmse"]
    sh_overlap = "" if best is None else f", with SH {best['overlap'] / peer['overlap']:.3f}"
    print(
        f"ratio ours/peer: RMSE {mine['rmse'] / peer['rmse']:.3f} "
        f"at mean length {mine['mean_length'] / peer['mean_length']:.3f}; "
        f"RMSE at equal length {equal_a:.3f} (ours@{same_len_ours} / catsim) "
        f"and {equal_b:.3f} (ours / catsim@{same_len_peer}); "
        f"overlap {mine['overlap'] / peer['overlap']:.3f}{sh_overlap}"
    )


if __name__ == "__main__":
    main()
