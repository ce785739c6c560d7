"""The shipped master copy: lint-clean and large enough, topic by topic.

The count checks follow the taxonomy (``topics.yaml``), not a fixed 12 × 30: a topic whose files
are not written yet is skipped (and says so); once its files exist it must hold 10 items per level
in each language, and the bank 30 items per topic with files in each language (14 topics: 420).
"""

from __future__ import annotations

import pytest

from item_bank.lint import lint
from item_bank.loader import CONTENT_ROOT, load_topics, read_bank
from item_bank.schema import LANGUAGES, LEVELS
from item_bank.stats import TARGET_PER_LEVEL, TARGET_PER_TOPIC, stats

TOPICS = tuple(load_topics())
WRITTEN = tuple(
    t for t in TOPICS if any((CONTENT_ROOT / lang / f"{t}.yaml").exists() for lang in LANGUAGES)
)


@pytest.fixture(scope="module")
def counts():
    return stats(read_bank().bank, topics=WRITTEN)


def test_the_shipped_bank_is_lint_clean():
    problems = lint()
    shown = "\n".join(str(p) for p in problems[:60])
    assert not problems, f"{len(problems)} problem(s):\n{shown}"


def test_the_taxonomy_has_the_fourteen_topics_of_issue_12():
    names = load_topics()
    assert TOPICS[:14] == tuple(f"T{n:02d}" for n in range(1, 15))
    assert names["T13"].name("fr") == "Élèves, bien-être et agents conversationnels"
    assert names["T13"].name("en") == "Pupils, well-being and chatbots"
    assert names["T14"].name("fr") == "Équité, inclusion et accessibilité"
    assert names["T14"].name("en") == "Equity, inclusion and accessibility"


@pytest.mark.parametrize("topic", TOPICS)
def test_each_written_topic_meets_its_counts(counts, topic):
    if topic not in WRITTEN:
        pytest.skip(f"{topic}: no master file yet (fr/{topic}.yaml, en/{topic}.yaml)")
    short = [
        f"{lang} {topic} level {level}: {counts.count(topic, level, lang)} items"
        for lang in LANGUAGES
        for level in LEVELS
        if counts.count(topic, level, lang) < TARGET_PER_LEVEL
    ]
    assert not short, f"target {TARGET_PER_LEVEL} per level:\n" + "\n".join(short)
    for lang in LANGUAGES:
        assert counts.count(topic=topic, language=lang) >= TARGET_PER_TOPIC


def test_each_language_holds_thirty_items_per_written_topic(counts):
    assert counts.target_per_language == TARGET_PER_TOPIC * len(WRITTEN) >= 360
    for lang in LANGUAGES:
        assert counts.count(language=lang) >= counts.target_per_language
