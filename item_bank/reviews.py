"""Who reviewed an item, in which role, and whether anyone but its authors has.

An item's ``reviews`` (docs/item-format.md) name a reviewer and a role (:class:`ReviewRole`);
the older ``reviewers`` list names people without a role. A review is *independent* when its
reviewer is not the item's author (names compared without case or extra spaces) and it read the
item's current version (or does not say which). An item with no independent review "awaits an
independent review", whatever its status.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from item_bank.schema import Item, Review, ReviewRole, Status

__all__ = [
    "ReviewFigures",
    "awaits_independent_review",
    "awaits_role",
    "independent_reviews",
    "review_figures",
    "same_person",
]


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def same_person(a: str, b: str) -> bool:
    return bool(_norm(a)) and _norm(a) == _norm(b)


def independent_reviews(item: Item) -> tuple[Review, ...]:
    """Reviews of the current version by someone other than the author."""
    return tuple(
        review
        for review in item.reviews
        if not same_person(review.by, item.author)
        and (review.version is None or review.version == item.version)
    )


def _outside_names(item: Item) -> tuple[str, ...]:
    """Names of the older ``reviewers`` list who are not the author (their role is unknown)."""
    return tuple(name for name in item.reviewers if not same_person(name, item.author))


def awaits_independent_review(item: Item) -> bool:
    return not independent_reviews(item) and not _outside_names(item)


def awaits_role(item: Item, role: ReviewRole) -> bool:
    """Whether no independent review in ``role`` covers the item's current version."""
    return all(review.role is not role for review in independent_reviews(item))


@dataclass(frozen=True)
class ReviewFigures:
    """Over the live items of one language: how many await an independent review, and how many
    have an independent review in each role."""

    language: str
    items: int
    awaiting: int
    by_role: dict[ReviewRole, int] = field(default_factory=dict)
    #: Items reviewed by someone other than the author, named in ``reviewers`` without a role.
    without_role: int = 0


def review_figures(items: Iterable[Item], language: str) -> ReviewFigures:
    live = [i for i in items if i.language == language and i.status is not Status.RETIRED]
    by_role = {role: sum(1 for item in live if not awaits_role(item, role)) for role in ReviewRole}
    return ReviewFigures(
        language=language,
        items=len(live),
        awaiting=sum(1 for item in live if awaits_independent_review(item)),
        by_role=by_role,
        without_role=sum(1 for item in live if _outside_names(item)),
    )
