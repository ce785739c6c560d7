"""The result page's content: level, precision, topic profile, item review, what to work on next."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from item_bank.irt.models import prob
from item_bank.loader import load_topics
from models import Attempt, ItemRecord, ItemVersion


@dataclass
class TopicLine:
    topic: str
    name: str
    asked: int
    correct: int
    expected: float
    objectives: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.correct / self.asked) if self.asked else 0

    @property
    def standing(self) -> str:
        """Above, as expected or below what the overall level predicts (a residual, not a %)."""
        gap = self.correct - self.expected
        if gap >= 1.0:
            return "above"
        if gap <= -1.0:
            return "below"
        return "expected"


@dataclass
class ReviewLine:
    position: int
    content: dict[str, Any]
    chosen: list[int]
    correct: bool
    pilot: bool


@dataclass
class Report:
    topics: list[TopicLine]
    review: list[ReviewLine]
    work_on: list[TopicLine]


def build_report(
    db: Session, attempt: Attempt, language: str, version_of: Callable[[int], ItemVersion]
) -> Report:
    names = _topic_names(language)
    lines: dict[str, TopicLine] = {}
    review = []
    theta = attempt.theta or 0.0
    for response in attempt.responses:
        version = version_of(response.item_version_id)
        review.append(
            ReviewLine(
                response.position,
                version.content,
                response.chosen,
                response.correct,
                response.pilot,
            )
        )
        if response.pilot:
            continue
        record = db.get(ItemRecord, response.item_id)
        if record is None:
            continue
        a, b, c = record.params
        line = lines.setdefault(
            record.topic, TopicLine(record.topic, names.get(record.topic, record.topic), 0, 0, 0.0)
        )
        line.asked += 1
        line.correct += int(response.correct)
        line.expected += float(prob(theta, [a], [b], [c])[0])
        if not response.correct and version.content.get("objective"):
            line.objectives.append(str(version.content["objective"]))
    topics = sorted(lines.values(), key=lambda t: t.topic)
    work_on = sorted(
        (t for t in topics if t.correct < t.asked),
        key=lambda t: (t.correct - t.expected, t.percent),
    )[:3]
    return Report(topics, review, work_on)


def _topic_names(language: str) -> dict[str, str]:
    try:
        topics = load_topics()
    except Exception:  # noqa: BLE001 - names are a nicety; ids still read
        return {}
    return {topic_id: topic.name(language) for topic_id, topic in topics.items()}
