"""A small, known item bank in the database (3 topics × 12 items, French and English)."""

from __future__ import annotations

from typing import Any

import pytest

from item_bank.schema import Item
from lti_tool import db as database
from lti_tool.bank_store import import_items
from lti_tool.quiz import pool as pool_cache

TOPICS = ("T01", "T02", "T03")
WORDS = {"fr": {True: "Bonne", False: "Autre"}, "en": {True: "Right", False: "Other"}}


def item_dict(
    topic: str, n: int, language: str, *, key: int, level: int, multiple: bool = False
) -> dict[str, Any]:
    word = {"fr": "Question", "en": "Question"}[language]
    options = []
    for i in range(4):
        correct = i == key or (multiple and i == (key + 1) % 4)
        options.append(
            {
                "text": f"{WORDS[language][correct]} {topic}-{n}-{i} <b>&",
                "correct": correct,
                "feedback": f"FEEDBACK-{topic}-{n:03d}-{i}-{language}",
            }
        )
    return {
        "id": f"{topic}-{n:03d}",
        "version": 1,
        "status": "reviewed",
        "type": "multiple" if multiple else "single",
        "level": level,
        "objective": f"Objective {topic}-{n} ({language})",
        "difficulty_prior": {1: -1.0, 2: 0.0, 3: 1.0}[level] + (n % 3 - 1) * 0.3,
        "stem": f"{word} {topic}-{n:03d} [{language}] : **pas** <script>alert(1)</script>",
        "options": options,
        "general_feedback": f"GENERAL-{topic}-{n:03d}-{language}",
        "sources": [
            {"title": "Source", "publisher": "Publisher", "date": "2025", "section": "art. 4"}
        ],
        "author": "Test",
        "reviewers": ["Test"],
    }


def build_items(per_topic: int = 12) -> list[Item]:
    items = []
    for topic in TOPICS:
        for n in range(1, per_topic + 1):
            level = 1 + (n - 1) % 3
            for language in ("fr", "en"):
                data = item_dict(topic, n, language, key=n % 4, level=level, multiple=(n == 5))
                items.append(
                    Item.from_dict(
                        data, file=f"{language}/{topic}.yaml", language=language, topic=topic
                    )
                )
    return items


@pytest.fixture
def bank(tool):
    pool_cache.clear()
    with tool.app_context():
        db = database.session()
        import_items(db, build_items(), keep_status=True)
        db.commit()
    return TOPICS
