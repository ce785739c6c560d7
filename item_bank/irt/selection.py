"""Item selection: maximum information with exposure control, content balancing and comfort rules.

At the working estimate ``θ̂`` the engine picks, among eligible items (right language, topics,
levels, operational status, not yet seen, not pilot),

``i* = argmax_i I_i(θ̂)``, ``I_i(θ) = a_i² (Q_i / P_i) ((P_i - c_i) / (1 - c_i))²``
(maximum Fisher information; Lord 1980, eq. 5-4 and ch. 10), read from a precomputed row of the
pool's information table at the selection node nearest ``θ̂``. Modifiers, in order:

1. **Content balancing** (Kingsbury & Zara 1989): with target proportions ``π_t`` and the
   proportions ``p_t`` of scored items administered so far, restrict to the topic with the
   largest ``π_t - p_t`` among topics that still have eligible items.
2. **Comfort** (optional): for the first ``N`` scored items, keep only items with
   ``P_i(θ̂) ≥ p_min``, i.e. ``θ̂ ≥ b_i + logit((p_min - c_i)/(1 - c_i)) / a_i``.
3. **Sympson-Hetter** (Sympson & Hetter 1985): walk the items in decreasing information; item
   ``i`` is accepted with probability ``K_i`` (its exposure control parameter), else the next
   one is tried. As in the original procedure a rejected item stays rejected for the rest of
   the attempt: the draw ``U_i`` of item ``i`` is a fixed pseudo-random function of the
   attempt's seed and the item id (SplitMix64), so ``P(A_i) = K_i P(S_i)`` with ``P(S_i)`` the
   probability that the item is ever offered to the lottery, and the state needs no list of
   rejected items. If every item is rejected, the most informative is used.
4. **Randomesque** (Kingsbury & Zara 1989): choose uniformly among the first ``k`` accepted.

References
----------
Kingsbury, G. G., & Zara, A. R. (1989). Procedures for selecting items for computerized adaptive
tests. *Applied Measurement in Education*, 2, 359-375.
Lord, F. M. (1980). *Applications of Item Response Theory to Practical Testing Problems*. Erlbaum.
Sympson, J. B., & Hetter, R. D. (1985). Controlling item-exposure rates in computerized adaptive
testing. *Proceedings of the 27th annual meeting of the Military Testing Association*, 973-977.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from item_bank.irt.models import FloatArray
from item_bank.irt.pool import BoolArray, Derived, IntArray, ItemPool
from item_bank.irt.settings import EngineSettings

__all__ = ["balance_topics", "lottery_draws", "select_item", "sympson_hetter_pass"]

_CHUNK = 16
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def lottery_draws(seed: int, hashes: NDArray[np.uint64]) -> FloatArray:
    """Uniform draws in ``[0, 1)``, one per item, fixed for a given attempt seed.

    SplitMix64 finaliser (Steele, Lea & Flood 2014) of ``hash(item id) XOR seed``; the top
    53 bits give the draw. Array arithmetic on ``uint64`` wraps modulo 2^64 as intended.
    """
    z = (hashes ^ np.uint64(seed)) + _GOLDEN
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    z = z ^ (z >> np.uint64(31))
    out: FloatArray = (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
    return out


def balance_topics(
    mask: BoolArray, topic_code: IntArray, targets: FloatArray, scored_codes: IntArray
) -> BoolArray:
    """Kingsbury & Zara (1989) content balancing: keep the most under-represented topic.

    The topic maximising ``π_t - n_t / n`` (``n_t`` scored items of topic ``t`` so far, ``n``
    their total; ``n_t / n = 0`` before the first item) among topics with ``π_t > 0`` and at least
    one eligible item; ties go to the larger target, then the lower topic code. When no targeted
    topic has eligible items the mask is returned unchanged.
    """
    n_topics = targets.size
    available = np.bincount(topic_code[mask], minlength=n_topics) > 0
    usable = available & (targets > 0)
    if not usable.any():
        return mask
    n = scored_codes.size
    share = np.bincount(scored_codes, minlength=n_topics) / n if n else np.zeros(n_topics)
    deficit = np.where(usable, targets - share, -np.inf)
    best = np.flatnonzero(deficit == deficit.max())
    topic = int(best[np.argmax(targets[best])])
    out: BoolArray = mask & (topic_code == topic)
    return out


def sympson_hetter_pass(
    ranked: IntArray,
    k_param: FloatArray,
    hashes: NDArray[np.uint64],
    seed: int,
    n_accept: int,
    considered: list[int] | None = None,
) -> IntArray:
    """Sympson-Hetter lottery over items ranked by decreasing information.

    Returns the first ``n_accept`` items that pass (item ``i`` passes when its fixed draw
    ``U_i < K_i``), or the top item when none does. Every item that reached the lottery is
    appended to ``considered`` (the "selected" event of Sympson & Hetter 1985, used to tune
    ``K``).
    """
    accepted: list[int] = []
    start = 0
    while start < ranked.size and len(accepted) < n_accept:
        part = ranked[start : start + _CHUNK]
        passed = lottery_draws(seed, hashes[part]) < k_param[part]
        hits = np.flatnonzero(passed)
        need = n_accept - len(accepted)
        if hits.size >= need:
            last = int(hits[need - 1])
            accepted.extend(part[hits[:need]].tolist())
            if considered is not None:
                considered.extend(part[: last + 1].tolist())
            break
        accepted.extend(part[hits].tolist())
        if considered is not None:
            considered.extend(part.tolist())
        start += _CHUNK
    if not accepted:
        return ranked[:1]
    return np.asarray(accepted, dtype=np.intp)


def select_item(
    pool: ItemPool,
    derived: Derived,
    settings: EngineSettings,
    seen: list[int],
    theta: float,
    n_scored: int,
    scored_codes: IntArray | None,
    rng: np.random.Generator,
    seed: int = 0,
    considered: list[int] | None = None,
) -> int | None:
    """Index of the next operational item, or ``None`` when no eligible item is left.

    Parameters
    ----------
    seen : list of int
        Pool indices of items already administered.
    theta : float
        Working estimate θ̂.
    n_scored : int
        Number of scored items so far (for the comfort rule).
    scored_codes : ndarray of int, optional
        Topic codes of the scored items so far (needed for content balancing).
    seed : int
        The attempt's seed for the Sympson-Hetter draws.
    considered : list of int, optional
        Collects the items that entered the Sympson-Hetter lottery (for tuning ``K``).
    """
    if pool.a.size == 0:
        return None
    mask = derived.operational.copy()
    mask[seen] = False
    if derived.topic_targets is not None:
        codes = scored_codes if scored_codes is not None else np.zeros(0, dtype=np.intp)
        mask = balance_topics(mask, pool.topic_code, derived.topic_targets, codes)
    if derived.comfort_theta is not None and n_scored < settings.comfort_items:
        easy = mask & (derived.comfort_theta <= theta)
        if easy.any():
            mask = easy
    order = pool.order[pool.row(theta)]
    k = settings.randomesque_k
    if derived.sh_k is None:
        ok = mask[order]
        if k == 1:
            first = int(ok.argmax())
            if not ok[first]:
                return None
            if considered is not None:
                considered.append(int(order[first]))
            return int(order[first])
        top = order[np.flatnonzero(ok)[:k]]
        if top.size == 0:
            return None
        if considered is not None:
            considered.extend(top.tolist())
        return int(top[int(rng.random() * top.size)])
    ranked = order[mask[order]]
    if ranked.size == 0:
        return None
    top = sympson_hetter_pass(ranked, derived.sh_k, pool.id_hash, seed, k, considered)
    return int(top[int(rng.random() * top.size)])
