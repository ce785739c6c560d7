from __future__ import annotations

from datetime import date

import pytest

from item_bank import lint as lint_module
from item_bank.lint import RULES, is_all_or_none, lint
from item_bank.loader import read_bank
from item_bank.stats import stats, table
from tests.item_bank.factories import item_data, write_bank, write_file

TODAY = date(2026, 1, 15)


def opts(*texts: str) -> list[dict[str, object]]:
    """Options from texts; a trailing ``*`` marks a key."""
    return [
        {
            "text": t.rstrip("*") + f" (option {i})",
            "correct": t.endswith("*"),
            "feedback": "Parce que.",
        }
        for i, t in enumerate(texts)
    ]


ALL = range(1, 13)
ABSOLUTE = ("toujours always a", "jamais never b", "seulement only c")


def rotated(n: int, *texts: str) -> list[dict[str, object]]:
    """Options from ``texts`` (see :func:`opts`), turned by ``n`` so that keys move around."""
    options = opts(*texts)
    return options[n % len(options) :] + options[: n % len(options)]


def rules_of(problems):
    return {p.rule for p in problems}


def test_a_clean_bank_has_no_problem(tmp_path):
    assert lint(write_bank(tmp_path), today=TODAY) == []


BROKEN = {
    "schema": {"items": {3: {"level": 9}}},
    "id-format": {"items": {3: {"id": "T03-003"}}},
    "id-duplicate": {"items": {3: {"id": "T02-002"}}},
    "options-count": {"items": {3: {"options": opts("a*", "b")}}},
    "key-count": {"items": {3: {"options": opts("a*", "b*", "c", "d")}}},
    "all-none-of-the-above": {
        "only": {("fr", 3): {"options": opts("a*", "b", "c", "Toutes les réponses précédentes")}}
    },
    "feedback-missing": {
        "items": {3: {"options": [{"text": "a", "correct": True}, *opts("b", "c")]}}
    },
    "source-missing": {"items": {3: {"sources": []}}},
    "objective-missing": {"items": {3: {"objective": ""}}},
    "pairing": {"only": {("en", 3): {"level": 3}}},
    "near-duplicate": {
        "items": {
            4: {"stem": item_data(3)["stem"].replace("Situation 3", "Situation 33")},
        },
        "only": {("en", 4): {"stem": item_data(3, language="en")["stem"] + " now"}},
    },
    "recheck-passed": {"items": {3: {"recheck_by": "2025-12-31"}}},
    "recheck-missing": {
        "items": {
            3: {"sources": [{"title": "Règlement (UE) 2024/1689 (AI Act)", "publisher": "UE"}]}
        }
    },
    "key-position": {"items": {n: {"options": opts("a*", "bb", "c", "d")} for n in range(1, 13)}},
    "key-length-rank": {
        "items": {n: {"options": rotated(n, "a", "b", "c", "long key*")} for n in ALL}
    },
    "absolute-words": {"items": {n: {"options": rotated(n, *ABSOLUTE, "key*")} for n in ALL}},
    "guesser": {"items": {n: {"options": rotated(n, *ABSOLUTE, "key*")} for n in ALL}},
    "feedback-verdict": {
        "items": {
            3: {"options": [{**o, "feedback": "Non : il peut."} for o in opts("a", "b*", "c")]}
        }
    },
    "source-locator": {"items": {3: {"sources": [{"title": "Guidance", "publisher": "UNESCO"}]}}},
    "source-url": {
        "items": {
            3: {
                "sources": [
                    {"title": "Règlement (UE) 2024/1689", "publisher": "UE", "section": "4"}
                ],
                "recheck_by": "2027-06-30",
            }
        }
    },
    "enemy-unknown": {"items": {3: {"enemies": ["T02-099"]}}},
    "enemy-symmetry": {"items": {3: {"enemies": ["T02-004"]}}},
    "enemy-pairing": {
        "only": {("fr", 3): {"enemies": ["T02-004"]}, ("fr", 4): {"enemies": ["T02-003"]}}
    },
}


def test_every_rule_has_a_failing_fixture():
    assert set(BROKEN) == set(RULES)


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_fails_on_its_fixture(tmp_path, rule):
    root = write_bank(tmp_path, **BROKEN[rule])
    problems = lint(root, today=TODAY)
    assert rule in rules_of(problems), problems
    for problem in problems:
        assert str(problem) == f"{problem.file}: {problem.item}: {problem.rule}: {problem.message}"


@pytest.mark.parametrize(
    ("options", "rule"),
    [
        (opts("a*", "b"), "options-count"),
        (opts("a*", "b", "c", "d", "e", "f"), "options-count"),
        (opts("a", "b", "c"), "key-count"),
    ],
)
def test_options_and_keys(tmp_path, options, rule):
    problems = lint(write_bank(tmp_path, items={5: {"options": options}}), today=TODAY)
    assert [(p.file, p.item) for p in problems if p.rule == rule] == [
        ("en/T02.yaml", "T02-005"),
        ("fr/T02.yaml", "T02-005"),
    ]


def test_truefalse_has_two_options_and_multiple_at_least_one_key(tmp_path):
    root = write_bank(
        tmp_path,
        items={
            2: {"type": "truefalse", "options": opts("Vrai*", "Faux", "Peut-être")},
            3: {"type": "multiple", "options": opts("a", "b", "c")},
            4: {"type": "multiple", "options": opts("a*", "b*", "c")},
            5: {"type": "truefalse", "options": opts("Vrai", "Faux*")},
        },
    )
    found = {(p.item, p.rule) for p in lint(root, today=TODAY)}
    assert ("T02-002", "options-count") in found
    assert ("T02-003", "key-count") in found
    assert not {item for item, _ in found} & {"T02-004", "T02-005"}


def test_legal_items_need_a_recheck_date(tmp_path):
    root = write_bank(tmp_path, count=3, topic="T10")
    problems = [p for p in lint(root, today=TODAY) if p.rule == "recheck-missing"]
    assert len(problems) == 6  # T10 is about law and policy
    root = write_bank(
        tmp_path / "dated",
        count=3,
        topic="T10",
        items={n: {"recheck_by": "2027-06-30"} for n in (1, 2, 3)},
    )
    assert not [p for p in lint(root, today=TODAY) if p.rule.startswith("recheck")]


def test_recheck_dates_are_relative_to_today(tmp_path):
    root = write_bank(tmp_path, items={1: {"recheck_by": "2026-03-01"}})
    assert lint(root, today=date(2026, 2, 28)) == []
    assert rules_of(lint(root, today=date(2026, 3, 2))) == {"recheck-passed"}


@pytest.mark.parametrize(
    "text",
    [
        "Toutes les réponses précédentes sont exactes.",
        "Aucune de ces réponses",
        "Aucune des propositions ci-dessus",
        "Tout ce qui précède",
        "All of the above",
        "None of these.",
        "none of the above are correct",
    ],
)
def test_all_or_none_options_are_caught(text):
    assert is_all_or_none(text)


@pytest.mark.parametrize(
    "text",
    [
        "Il relit toutes les réponses du chatbot avant de les diffuser.",
        "Aucune donnée personnelle ne doit figurer dans la consigne.",
        "Check all of these claims against a primary source.",
        "None of the pupils' names appear in the prompt.",
    ],
)
def test_sentences_using_the_same_words_are_not(text):
    assert not is_all_or_none(text)


def test_distinct_items_with_a_generic_stem_are_not_duplicates(tmp_path):
    generic = {"stem": "Quelle affirmation est exacte ?"}
    root = write_bank(
        tmp_path,
        items={1: generic, 2: generic},
        only={
            ("en", 1): {"stem": "Which statement is true?"},
            ("en", 2): {"stem": "Which statement is true?"},
        },
    )
    assert "near-duplicate" not in rules_of(lint(root, today=TODAY))


def test_retired_items_do_not_count_in_balance_and_duplicates(tmp_path):
    same = {"stem": item_data(3)["stem"], "status": "retired"}
    root = write_bank(
        tmp_path, items={4: same}, only={("en", 4): {"stem": item_data(3, language="en")["stem"]}}
    )
    assert lint(root, today=TODAY) == []


def test_the_cli_prints_one_problem_per_line_and_exits_1(tmp_path, capsys):
    root = write_bank(tmp_path, items={3: {"objective": ""}})
    assert lint_module.main([str(root), "--today", "2026-01-15"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "en/T02.yaml: T02-003: objective-missing: state the item's objective",
        "fr/T02.yaml: T02-003: objective-missing: state the item's objective",
    ]
    assert "2 problem(s)" in err
    clean = write_bank(tmp_path / "clean")
    assert lint_module.main([str(clean), "--today", "2026-01-15"]) == 0


def test_schema_problems_name_file_item_and_field(tmp_path):
    root = write_bank(tmp_path)
    write_file(root, "fr", "T03", [item_data(1, topic="T03", status="final")])
    problems = [p for p in lint(root, today=TODAY) if p.rule == "schema"]
    assert [str(p) for p in problems] == [
        "fr/T03.yaml: T03-001: schema: status: must be one of draft, reviewed, piloted, "
        "calibrated, retired, not 'final'"
    ]


def test_stats_count_topic_level_language_and_flag_shortfalls(tmp_path):
    root = write_bank(tmp_path, count=9, items={9: {"status": "retired"}, 8: {"status": "draft"}})
    bank = read_bank(root).bank
    result = stats(bank, topics=["T01", "T02"])
    assert result.count("T02", 1, "fr") == 3 - 1  # items 3, 6 (9 is retired)
    assert result.count(topic="T02", language="en") == 8
    assert result.count(language="fr") == 8
    assert stats(bank, operational_only=True).count(language="fr") == 7
    assert result.count("T01") == 0
    lines = result.shortfalls()
    assert "fr T01: 0 items, target 30" in lines
    assert "en T02 level 1: 2 items, target 10" in lines
    assert "fr: 8 items, target 60" in lines  # 30 per topic shown
    rendered = table(result)
    columns = ["fr N1", "fr N2", "fr N3", "en N1", "en N2", "en N3", "fr total", "en total"]
    assert rendered.splitlines()[0].split() == ["topic", *" ".join(columns).split()]
    assert "2!" in rendered
    assert "total" in rendered
