"""No cue pays: the test-wise guesser, per-item cues, and the bank-level cue rules of the lint."""

from __future__ import annotations

from datetime import date

import pytest

from item_bank.cues import (
    absolute_words,
    cue_stats,
    describe_habit,
    guess_chance,
    guesser_rate,
    item_cues,
)
from item_bank.lint import lint
from item_bank.lint_cues import cue_problems
from tests.item_bank.factories import make_item, write_bank

TODAY = date(2026, 1, 15)


def options(*texts: str) -> list[dict[str, object]]:
    return [
        {"text": t.rstrip("*"), "correct": t.endswith("*"), "feedback": "Exact : parce que."}
        for t in texts
    ]


def test_absolute_words_are_whole_words_of_the_item_language():
    assert absolute_words("Il faut toujours tout vérifier.", "fr") == ("toujours", "tout")
    assert absolute_words("Toujours, TOUJOURS.", "fr") == ("toujours",)
    assert absolute_words("Il est toutefois utile.", "fr") == ()
    assert absolute_words("It is always wrong.", "fr") == ()
    assert absolute_words("It is always wrong, never right.", "en") == ("always", "never")


def test_the_guesser_avoids_prefers_or_ignores_absolute_words():
    item = make_item(
        options=options("Il vérifie toujours tout", "Il relit la source*", "Jamais", "Seulement x")
    )
    assert guess_chance(item, "avoid+none") == 1.0  # the only plain option is the key
    assert guess_chance(item, "longest") == 1.0  # a length habit alone avoids absolute words
    assert guess_chance(item, "prefer+none") == 0.0
    assert guess_chance(item, "ignore+none") == 0.25
    assert guess_chance(item, "ignore+longest") == 0.0
    assert describe_habit("avoid+shortest") == "avoids absolute words, picks the shortest option"
    assert describe_habit("ignore+none") == "picks at random"


def test_the_guesser_reports_its_best_habit_against_chance():
    def item(n, key_length):
        lengths = [2, 4, 6, 8]
        texts = ["x" * k + ("*" if k == key_length(n) else "") for k in lengths]
        return make_item(n, options=options(*texts))

    balanced = guesser_rate([item(n, lambda n: 2 * (n % 4 + 1)) for n in range(1, 9)], "fr")
    assert balanced.items == 8 and balanced.chance == 0.25
    assert balanced.rate == pytest.approx(0.25)
    cheat = guesser_rate([item(n, lambda n: 8) for n in range(1, 5)], "fr")
    assert cheat.best_habit.endswith("+longest") and cheat.rate == 1.0


def test_item_cues_name_the_longest_and_shortest_options_and_the_absolute_words():
    item = make_item(
        options=options("Jamais", "Il relit la source primaire*", "Toujours tout", "x")
    )
    cues = item_cues(item, "avoid+longest")
    assert cues.key == 1 and cues.longest == (1,) and cues.shortest == (3,)
    assert cues.absolutes == {0: ("jamais",), 2: ("toujours", "tout")}
    assert cues.flags == ("key longest", "absolute words only in distractors")
    assert cues.guessed == 1.0


def test_cue_stats_measure_keys_against_distractors():
    items = [make_item(1, options=options("Toujours a", "bbbbb*", "ccc", "d" * 12))]
    stats = cue_stats(items, "fr")
    assert (stats.absolute_in_keys, stats.absolute_in_distractors) == (0.0, pytest.approx(1 / 3))
    assert stats.absolute_gap == pytest.approx(1 / 3)
    assert (stats.key_longest, stats.key_shortest, stats.expected_extreme) == (0.0, 0.0, 0.25)
    assert stats.key_position == (0.0, 1.0, 0.0, 0.0)


def _rotating_bank(tmp_path, count, make_options):
    return write_bank(
        tmp_path, count=count, items={n: {"options": make_options(n)} for n in range(1, count + 1)}
    )


def test_a_bank_whose_distractors_carry_absolute_words_fails_per_language_and_per_topic(tmp_path):
    def make(n):
        texts = ["Il le fait toujours", "Jamais de la vie", "Seulement parfois", "Il vérifie*"]
        turned = texts[n % 4 :] + texts[: n % 4]
        return options(*turned)

    problems = lint(_rotating_bank(tmp_path, 12, make), today=TODAY)
    found = {(p.file, p.rule) for p in problems}
    assert ("fr/", "absolute-words") in found
    assert ("fr/T02.yaml", "absolute-words") in found  # the topic's own rate
    assert ("fr/", "guesser") in found
    message = next(p.message for p in problems if p.rule == "guesser" and p.file == "fr/")
    assert "avoids absolute words" in message and "100%" in message and "max 30%" in message
    # English distractors hold no English absolute word: no cue there.
    assert not {f for f, r in found if f.startswith("en/") and r == "absolute-words"}


def test_a_clean_bank_passes_every_cue_rule(tmp_path):
    assert lint(write_bank(tmp_path, count=12), today=TODAY) == []


def test_the_key_length_rank_is_checked_both_ways(tmp_path):
    def shortest_key(n):
        texts = [
            "Une réponse assez longue",
            "Une autre réponse longue",
            "Encore une longue",
            "Oui*",
        ]
        return options(*(texts[n % 4 :] + texts[: n % 4]))

    problems = [
        p
        for p in lint(_rotating_bank(tmp_path, 12, shortest_key), today=TODAY)
        if p.rule == "key-length-rank"
    ]
    assert {p.file for p in problems} == {"fr/", "en/"}
    shortest = [p.message for p in problems if "shortest option" in p.message]
    assert shortest and "100%" in shortest[0] and "lengthen some keys" in shortest[0]
    longest = [p.message for p in problems if "longest option" in p.message]
    assert longest and "0%" in longest[0] and "lengthen some keys" in longest[0]


def test_small_selections_are_not_judged():
    few = [make_item(n, options=options("Toujours", "Jamais", "Seul", "b*")) for n in range(1, 5)]
    assert cue_problems(few, "fr") == []
