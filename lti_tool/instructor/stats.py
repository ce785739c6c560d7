"""Classical item statistics and group summaries for the dashboard. Pure: no Flask, no database.

For an item answered ``n`` times, with ``u_k ∈ {0, 1}`` the answers and ``θ_k`` the final ability
estimate of the attempt each answer belongs to:

- the p-value is the proportion correct ``p = Σ u_k / n`` (Crocker & Algina 1986, ch. 14);
- the point-biserial correlation is Pearson's ``r`` between ``u`` and ``θ``, i.e.
  ``r_pb = (M₁ - M₀) / s · sqrt(p q)`` with ``M₁``, ``M₀`` the mean ``θ`` of those who answered
  right and wrong, ``s`` the (population) standard deviation of ``θ`` and ``q = 1 - p``
  (Crocker & Algina 1986, eq. 14.2); undefined when either ``u`` or ``θ`` does not vary;
- the choice rate of option ``j`` is the share of answers that chose it (several per answer for a
  multiple-answer item, so the rates may add up to more than 1).

In an adaptive test every learner gets items near their level, so p-values cluster around the
targeted success rate and say less about an item's difficulty than in a fixed test; the
point-biserial still tells whether stronger learners succeed more often.

Reference: Crocker, L., & Algina, J. (1986). *Introduction to Classical and Modern Test Theory*.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Answer",
    "ItemStat",
    "TopicStat",
    "choice_rates",
    "item_statistics",
    "level_distribution",
    "most_missed",
    "p_value",
    "point_biserial",
    "topic_profile",
]


@dataclass(frozen=True)
class Answer:
    """One scored answer: which item, right or not, the options chosen, the attempt's final θ."""

    item_id: str
    topic: str
    correct: bool
    chosen: tuple[int, ...]
    theta: float | None
    n_options: int = 0


@dataclass
class ItemStat:
    item_id: str
    topic: str
    n: int
    p_value: float
    point_biserial: float | None
    choice_rates: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class TopicStat:
    topic: str
    answers: int
    correct: int

    @property
    def rate(self) -> float:
        return self.correct / self.answers if self.answers else 0.0


def p_value(correct: Sequence[bool]) -> float:
    """Proportion correct (0 for no answer)."""
    return float(np.mean(np.asarray(correct, dtype=float))) if len(correct) else 0.0


def point_biserial(correct: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Pearson's r between right/wrong and a continuous score; None when it is undefined."""
    u = np.asarray(correct, dtype=float)
    x = np.asarray(scores, dtype=float)
    if u.size != x.size:
        raise ValueError("need one score per answer")
    if u.size < 2 or np.all(u == u[0]) or np.ptp(x) == 0.0:
        return None
    du, dx = u - u.mean(), x - x.mean()
    return float((du * dx).sum() / np.sqrt((du * du).sum() * (dx * dx).sum()))


def choice_rates(chosen: Iterable[Sequence[int]], n_options: int) -> list[float]:
    """Share of the answers that chose each option (indices outside ``n_options`` are ignored)."""
    counts = np.zeros(n_options)
    total = 0
    for picks in chosen:
        total += 1
        for j in set(picks):
            if 0 <= j < n_options:
                counts[j] += 1
    return [float(c / total) if total else 0.0 for c in counts]


def item_statistics(answers: Iterable[Answer]) -> list[ItemStat]:
    """Per item: n, p-value, point-biserial with the attempts' final θ, choice rates."""
    by_item: dict[str, list[Answer]] = defaultdict(list)
    for a in answers:
        by_item[a.item_id].append(a)
    out = []
    for item_id in sorted(by_item):
        group = by_item[item_id]
        with_theta = [a for a in group if a.theta is not None]
        n_options = max(a.n_options for a in group)
        out.append(
            ItemStat(
                item_id=item_id,
                topic=group[0].topic,
                n=len(group),
                p_value=p_value([a.correct for a in group]),
                point_biserial=point_biserial(
                    [a.correct for a in with_theta], [float(a.theta or 0.0) for a in with_theta]
                ),
                choice_rates=choice_rates((a.chosen for a in group), n_options),
            )
        )
    return out


def most_missed(stats: Sequence[ItemStat], *, min_n: int = 2, limit: int = 5) -> list[ItemStat]:
    """The items missed most often (lowest p-value), among those answered at least ``min_n``
    times; ties go to the most answered."""
    eligible = [s for s in stats if s.n >= min_n and s.p_value < 1.0]
    return sorted(eligible, key=lambda s: (s.p_value, -s.n, s.item_id))[:limit]


def topic_profile(answers: Iterable[Answer]) -> list[TopicStat]:
    """Answers and right answers per topic, in topic order."""
    asked: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for a in answers:
        asked[a.topic] += 1
        right[a.topic] += int(a.correct)
    return [TopicStat(t, asked[t], right[t]) for t in sorted(asked)]


def level_distribution(
    levels: Iterable[int | None], levels_known: Sequence[int] = (1, 2, 3)
) -> dict[int, int]:
    """How many learners reached each level (every known level is present, possibly 0)."""
    counts = dict.fromkeys(levels_known, 0)
    for level in levels:
        if level is not None:
            counts[level] = counts.get(level, 0) + 1
    return counts
