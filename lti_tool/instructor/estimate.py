"""How many questions learners can expect: a seeded simulation on the current pool.

Simulees with ``θ ~ N(0, 1)`` take the whole adaptive test through the engine
(:func:`item_bank.irt.simulation.simulate`); the lengths they get describe what a typical group
will see. Results are cached per pool and settings, so re-rendering a form costs nothing.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from item_bank.irt.pool import ItemPool
from item_bank.irt.simulation import simulate
from lti_tool.quiz.settings import ActivitySettings

#: Simulated examinees × maximum length stays near this, so one estimate takes ~0.3 s.
_BUDGET = 6000
_MIN_EXAMINEES, _MAX_EXAMINEES = 100, 300
_CACHE_SIZE = 64
_lock = threading.Lock()
_cache: OrderedDict[tuple[object, ...], tuple[ItemPool, Estimate]] = OrderedDict()


@dataclass(frozen=True)
class Estimate:
    language: str
    eligible: int  # operational items matching the topics and levels
    examinees: int
    mean: float = 0.0
    low: int = 0  # 10th percentile of the length
    high: int = 0  # 90th percentile
    share_max: float = 0.0  # simulees stopped by the maximum length
    share_precise: float = 0.0  # simulees who reached the precision target
    pilot: bool = False

    @property
    def empty(self) -> bool:
        return self.eligible == 0


def examinees_for(max_items: int) -> int:
    return int(min(_MAX_EXAMINEES, max(_MIN_EXAMINEES, _BUDGET // max(max_items, 1))))


def estimate(pool: ItemPool, settings: ActivitySettings, language: str, seed: int = 0) -> Estimate:
    """The expected test length for ``settings`` on ``pool`` (cached while the pool is the same)."""
    engine = dataclasses.replace(settings.engine(language), pilot_rate=0.0)
    key = (language, engine, seed)
    with _lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is pool:
            _cache.move_to_end(key)
            return hit[1]
    eligible = int(pool.derived(engine).operational.sum())
    if eligible == 0:
        result = Estimate(language, 0, 0, pilot=settings.pilot)
    else:
        n = examinees_for(settings.max_items)
        rng = np.random.default_rng(seed)
        run = simulate(pool, engine, rng.standard_normal(n), rng)
        lengths = run.length
        reasons = run.stop_reasons
        result = Estimate(
            language=language,
            eligible=eligible,
            examinees=n,
            mean=float(lengths.mean()),
            low=int(np.percentile(lengths, 10)),
            high=int(np.percentile(lengths, 90)),
            share_max=reasons.get("max_length", 0) / n,
            share_precise=reasons.get("se_reached", 0) / n,
            pilot=settings.pilot,
        )
    with _lock:
        _cache[key] = (pool, result)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return result


def clear() -> None:
    with _lock:
        _cache.clear()
