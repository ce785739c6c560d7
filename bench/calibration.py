"""Benchmark: batch calibration (item_bank.irt.calibration) side by side with girth 0.8.

Two seeded scenarios on the same simulated data for both programs:

1. dense 2PL, 50 items x 2,000 examinees (``--reps`` replications, means reported);
2. sparse adaptive-test data: 500 items, 1,000 examinees x 20 items from a CAT-like design
   (about 40 responses per item), with expert priors for ``b`` (true ``b`` + N(0, 0.5²) noise).
   girth takes the data as an items x persons matrix with ``-99999`` (``INVALID_RESPONSE``) for the
   missing responses; it runs in a child process with ``--girth-timeout``.

Run: ``.venv/bin/python bench/calibration.py [--skip-girth-sparse] [--girth-timeout 900]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit

from item_bank.irt.calibration import Priors, ResponseData, calibrate
from item_bank.irt.models import prob

Array = NDArray[np.float64]
T = TypeVar("T")
INVALID = -99999  # girth.utilities.INVALID_RESPONSE


@dataclass
class Row:
    name: str
    seconds: float
    rmse_a: float
    rmse_b: float


def rmse(x: Array, y: Array) -> float:
    return float(np.sqrt(np.mean((x - y) ** 2)))


# -- data ---------------------------------------------------------------------------------------
def item_bank(rng: np.random.Generator, n_items: int) -> tuple[Array, Array]:
    """``a ~ lognormal(0, 0.3)``, ``b ~ N(0, 1)``."""
    return rng.lognormal(0.0, 0.3, n_items), rng.normal(0.0, 1.0, n_items)


def dense_data(seed: int, n_persons: int = 2000, n_items: int = 50) -> tuple[Array, Array, Array]:
    rng = np.random.default_rng(seed)
    a, b = item_bank(rng, n_items)
    theta = rng.normal(size=n_persons)
    u = (rng.random((n_persons, n_items)) < prob(theta, a, b)).astype(np.float64)
    return u, a, b


def cat_data(
    seed: int,
    n_items: int = 500,
    n_persons: int = 1000,
    length: int = 20,
    k: int = 10,
    cap: int = 50,
) -> tuple[ResponseData, Array, Array, Array]:
    """A CAT-like sparse design.

    Each examinee's next item is drawn at random among the ``k`` most informative unseen items at
    their current EAP, computed with the bank's working parameters (expert ``b``, ``a = 1``), as the
    live engine would before calibration; items that reached ``cap`` administrations are chosen
    only when nothing else is left (a simple exposure control). Selection depends on observed
    responses only, so the missing data are ignorable (MAR).
    """
    rng = np.random.default_rng(seed)
    a, b = item_bank(rng, n_items)
    b_prior = b + rng.normal(0.0, 0.5, n_items)
    theta = rng.normal(size=n_persons)
    nodes = np.linspace(-4.0, 4.0, 41)
    p_bank = prob(nodes, 1.0, b_prior)  # nodes x items
    count = np.zeros(n_items, dtype=np.int64)
    persons, items, answers = [], [], []
    for batch in np.array_split(np.arange(n_persons), 10):
        m = len(batch)
        rows = np.arange(m)
        log_post = np.tile(-0.5 * nodes**2, (m, 1))
        seen = np.zeros((m, n_items), dtype=bool)
        for _ in range(length):
            w = np.exp(log_post - log_post.max(axis=1, keepdims=True))
            eap = (w @ nodes) / w.sum(axis=1)
            p = prob(eap, 1.0, b_prior)
            info = p * (1.0 - p)
            info[:, count >= cap] -= 0.5
            info[seen] = -1.0
            top = np.argpartition(-info, k, axis=1)[:, :k]
            pick = top[rows, rng.integers(0, k, m)]
            p_true = expit(a[pick] * (theta[batch] - b[pick]))
            u = (rng.random(m) < p_true).astype(np.int64)
            seen[rows, pick] = True
            np.add.at(count, pick, 1)
            pq = p_bank[:, pick].T
            log_post += np.where(u[:, None] == 1, np.log(pq), np.log1p(-pq))
            persons.append(batch)
            items.append(pick)
            answers.append(u)
    data = ResponseData(
        person_ids=tuple(f"p{i}" for i in range(n_persons)),
        item_ids=tuple(f"i{j}" for j in range(n_items)),
        person_idx=np.concatenate(persons).astype(np.int64),
        item_idx=np.concatenate(items).astype(np.int64),
        response=np.concatenate(answers),
    )
    return data, a, b, b_prior


# -- runners ------------------------------------------------------------------------------------
def timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def _girth_child(matrix: NDArray[np.int64], conn: Connection) -> None:
    import girth

    start = time.perf_counter()
    result = girth.twopl_mml(matrix)
    conn.send((result["Discrimination"], result["Difficulty"], time.perf_counter() - start))
    conn.close()


def run_girth(matrix: NDArray[np.int64], timeout: float) -> tuple[Array, Array, float] | None:
    """``girth.twopl_mml`` on an items x persons matrix in a child process; ``None`` on timeout."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_girth_child, args=(matrix, child))
    proc.start()
    ready = parent.poll(timeout)
    out = parent.recv() if ready else None
    if proc.is_alive() and out is None:
        proc.terminate()
    proc.join()
    return out


def print_table(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"{'method':<34}{'time (s)':>10}{'RMSE a':>9}{'RMSE b':>9}")
    for r in rows:
        print(f"{r.name:<34}{r.seconds:>10.3f}{r.rmse_a:>9.3f}{r.rmse_b:>9.3f}")


def ratios(label: str, ours: Row, peer: Row) -> str:
    return (
        f"{label}: time {ours.seconds / peer.seconds:.4f}, "
        f"RMSE a {ours.rmse_a / peer.rmse_a:.3f}, RMSE b {ours.rmse_b / peer.rmse_b:.3f}"
    )


# -- scenarios ----------------------------------------------------------------------------------
def dense(reps: int, timeout: float) -> tuple[Row, Row]:
    ours_t, ours_a, ours_b, peer_t, peer_a, peer_b = ([] for _ in range(6))
    for seed in range(reps):
        u, a, b = dense_data(seed)
        res, t = timed(calibrate, ResponseData.from_dense(u))
        ours_t.append(t)
        ours_a.append(rmse(res.params.a, a))
        ours_b.append(rmse(res.params.b, b))
        g = run_girth(u.T.astype(np.int64), timeout)
        if g is None:
            raise SystemExit("girth timed out on the dense scenario")
        peer_a.append(rmse(g[0], a))
        peer_b.append(rmse(g[1], b))
        peer_t.append(g[2])
    ours = Row(
        "boussole (default priors)",
        *map(float, (np.mean(ours_t), np.mean(ours_a), np.mean(ours_b))),
    )
    peer = Row("girth.twopl_mml", *map(float, (np.mean(peer_t), np.mean(peer_a), np.mean(peer_b))))
    print_table(f"1. dense 2PL, 50 items x 2,000 examinees (mean of {reps} seeds)", [ours, peer])
    return ours, peer


def sparse(skip_girth: bool, timeout: float, extra_seeds: int) -> tuple[Row, Row | None]:
    data, a, b, b_prior = cat_data(seed=100)
    n, _ = data.item_counts()
    used = n > 0  # items nobody answered are left out of every comparison (and of girth's input)
    expert = dict(zip(data.item_ids, b_prior, strict=True))
    rows = []
    for name, priors in [
        ("boussole, expert b prior sd 0.5", Priors(b_levels=expert, b_level_sd=0.5)),
        ("boussole, expert b prior sd 1.0", Priors(b_levels=expert, b_level_sd=1.0)),
        ("boussole, default priors", Priors()),
    ]:
        res, t = timed(calibrate, data, priors=priors)
        rows.append(
            Row(name, t, rmse(res.params.a[used], a[used]), rmse(res.params.b[used], b[used]))
        )
    rows.append(
        Row(
            "expert b alone (a = 1)",
            0.0,
            rmse(np.ones(used.sum()), a[used]),
            rmse(b_prior[used], b[used]),
        )
    )
    peer = None
    if not skip_girth:
        matrix = np.full((data.n_items, data.n_persons), INVALID, dtype=np.int64)
        matrix[data.item_idx, data.person_idx] = data.response
        g = run_girth(matrix[used], timeout)
        if g is None:
            print(f"\n(girth did not finish within {timeout:.0f} s on the sparse scenario)")
        else:
            peer = Row("girth.twopl_mml", g[2], rmse(g[0], a[used]), rmse(g[1], b[used]))
            rows.append(peer)
    print_table(
        f"2. sparse CAT-like, 500 items, {data.n_persons} examinees x 20 items, "
        f"median {int(np.median(n))} responses per item "
        f"({int((~used).sum())} unused items left out)",
        rows,
    )
    if extra_seeds:
        rb = []
        for seed in range(101, 101 + extra_seeds):
            d, a_s, b_s, bp = cat_data(seed=seed)
            res = calibrate(
                d, priors=Priors(b_levels=dict(zip(d.item_ids, bp, strict=True)), b_level_sd=0.5)
            )
            ok = d.item_counts()[0] > 0
            rb.append(rmse(res.params.b[ok], b_s[ok]))
        print(
            f"boussole (sd 0.5) RMSE b over {extra_seeds} more seeds: mean {np.mean(rb):.3f}, "
            f"min {np.min(rb):.3f}, max {np.max(rb):.3f}"
        )
    return rows[0], peer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="dense replications")
    parser.add_argument("--skip-girth-sparse", action="store_true")
    parser.add_argument("--girth-timeout", type=float, default=900.0, help="seconds per girth run")
    parser.add_argument("--sparse-seeds", type=int, default=5, help="extra sparse seeds (ours)")
    args = parser.parse_args()
    ours, peer = dense(args.reps, args.girth_timeout)
    ours_sparse, peer_sparse = sparse(args.skip_girth_sparse, args.girth_timeout, args.sparse_seeds)
    line = "ratios ours/peer (girth): " + ratios("dense", ours, peer)
    if peer_sparse is not None:
        line += "; " + ratios("sparse (expert sd 0.5)", ours_sparse, peer_sparse)
    else:
        line += "; sparse: girth not run"
    print("\n" + line)


if __name__ == "__main__":
    main()
