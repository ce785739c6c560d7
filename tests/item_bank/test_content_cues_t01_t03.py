"""Topics T01-T03 as shipped: no cue pays within a topic, and the items issue 12 named say what
their feedback teaches.

A test-wise candidate who knows nothing of the content but avoids (or prefers) absolute words and
picks the longest, shortest or a middle option finds at most 27 % of the keys of each of these
topics' single-answer items, in each language (chance is about 25 %).
"""

from __future__ import annotations

import pytest

from item_bank.cues import cue_stats, guesser_rate
from item_bank.loader import read_bank
from item_bank.schema import Item

#: Topics whose cues were rewritten topic by topic (issue 12).
TOPICS = ("T01", "T02", "T03")
MAX_TOPIC_GUESSER = 0.27


@pytest.fixture(scope="module")
def items() -> dict[tuple[str, str], Item]:
    return {(i.language, i.id): i for i in read_bank().bank.items}


def _topic(items: dict[tuple[str, str], Item], topic: str, language: str) -> list[Item]:
    return [i for (lang, _), i in items.items() if lang == language and i.topic == topic]


def _key(item: Item) -> str:
    return next(o.text for o in item.options if o.correct)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("topic", TOPICS)
def test_no_habit_of_the_guesser_pays_within_the_topic(items, topic, language):
    chosen = _topic(items, topic, language)
    report = guesser_rate(chosen, language)
    assert report.rate <= MAX_TOPIC_GUESSER, (report.best_habit, report.rate)
    cues = cue_stats(chosen, language)
    assert abs(cues.absolute_gap) <= 0.05
    for share in (cues.key_longest, cues.key_shortest):
        assert abs(share - cues.expected_extreme) <= 0.05


@pytest.mark.parametrize("language", ["fr", "en"])
def test_web_search_key_does_not_say_the_chatbot_then_checks_everything(items, language):
    key = _key(items[(language, "T01-006")])
    refutes = {"fr": "sans tout vérifier", "en": "does not check everything"}[language]
    assert refutes in key
    assert "n'est vrai que si" not in key and "only true if" not in key


@pytest.mark.parametrize("language", ["fr", "en"])
def test_extraction_key_checks_every_amount_as_the_general_feedback_says(items, language):
    item = items[(language, "T01-028")]
    key = _key(item)
    every, sample = {"fr": ("tous les montants", "échantillon"), "en": ("every amount", "sample")}[
        language
    ]
    assert every in key and sample not in key
    assert sample not in next(o.feedback for o in item.options if o.correct)
    assert {"fr": "Toute extraction à enjeu", "en": "Any high-stakes extraction"}[language] in (
        item.general_feedback
    )


def test_winter_holidays_item_says_christmas_and_new_year_in_english(items):
    item = items[("en", "T03-008")]
    assert "end-of-year" not in item.stem and "end of year" not in item.stem
    assert "Christmas and New Year" in item.stem
    assert "end of year" not in " ".join(o.text for o in item.options)
    assert "fêtes de fin d'année" in items[("fr", "T03-008")].stem


#: Items of T01-T03 that test one idea with another item of the bank (issue 12, "same idea twice").
SAME_IDEA = (
    ("T01-005", "T01-020"),  # a random draw makes two answers differ
    ("T01-009", "T02-009"),  # a local, undocumented fact gets invented
    ("T01-010", "T14-007"),  # answer quality follows a language's share of the data
    ("T01-018", "T02-005"),  # the sources a chatbot names are generated too
    ("T01-029", "T10-016"),  # the public summary of training content (AI Act art. 53)
    ("T01-029", "T05-022"),
    ("T02-004", "T07-013"),  # a reference is checked in a database, not by the chatbot
    ("T02-018", "T07-013"),  # a chatbot's self-confirmation verifies nothing
    ("T02-008", "T11-006"),  # whoever publishes or hands out the content answers for it
    ("T02-010", "T08-011"),  # lateral reading
    ("T02-014", "T08-011"),
    ("T02-010", "T02-014"),
    ("T03-012", "T03-026"),  # many images from neutral prompts, counted
    ("T03-021", "T10-005"),  # admission systems are high-risk (Annex III, point 3)
    ("T03-021", "T06-023"),
    ("T03-024", "T04-024"),  # GDPR art. 22 on a fully automated decision
)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("first", "second"), SAME_IDEA)
def test_items_testing_one_idea_are_enemies(items, language, first, second):
    assert second in items[(language, first)].enemies
    assert first in items[(language, second)].enemies
