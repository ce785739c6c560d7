"""Stopping rules of a variable-length adaptive test.

Checked in this order after each scored answer (``n`` = number of scored items):

1. ``n ≥ max_items`` → ``max_length``;
2. ``n ≥ min_items`` and ``SE(θ̂) ≤ se_target`` → ``se_reached`` (the usual precision rule;
   Weiss & Kingsbury 1984);
3. optional classification rule: ``n ≥ min_items`` and the interval ``θ̂ ± z SE`` lies inside one
   CAIRE level → ``classified`` (confidence-interval rule of Kingsbury & Weiss 1983);
4. no eligible item left → ``no_items`` (decided by the selector).

References
----------
Kingsbury, G. G., & Weiss, D. J. (1983). A comparison of IRT-based adaptive mastery testing and a
sequential mastery testing procedure. In Weiss (Ed.), *New Horizons in Testing*, 257-283.
Weiss, D. J., & Kingsbury, G. G. (1984). Application of computerized adaptive testing to
educational problems. *Journal of Educational Measurement*, 21, 361-375.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from item_bank.irt.scoring import level_of, theta_interval

__all__ = ["StopReason", "check_stop"]


class StopReason(StrEnum):
    """Why a test stopped."""

    SE_REACHED = "se_reached"
    MAX_LENGTH = "max_length"
    NO_ITEMS = "no_items"
    CLASSIFIED = "classified"


def check_stop(
    n_scored: int,
    theta: float,
    se: float,
    *,
    min_items: int,
    max_items: int,
    se_target: float,
    classification: bool = False,
    cut_points: Sequence[float] = (),
    confidence: float = 0.95,
) -> StopReason | None:
    """Return the reason to stop now, or ``None`` to go on (rules 1-3 above)."""
    if n_scored >= max_items:
        return StopReason.MAX_LENGTH
    if n_scored < min_items:
        return None
    if se <= se_target:
        return StopReason.SE_REACHED
    if classification:
        lo, hi = theta_interval(theta, se, confidence)
        if level_of(lo, cut_points) == level_of(hi, cut_points):
            return StopReason.CLASSIFIED
    return None
