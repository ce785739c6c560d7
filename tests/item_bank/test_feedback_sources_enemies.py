"""Lint rules of issue 12 on one item or a pair: verdicts, locators and links, enemies."""

from __future__ import annotations

from datetime import date

import pytest

from item_bank.lint import bare_verdict, lint
from item_bank.lint_sources import cites_law
from item_bank.schema import Source
from tests.item_bank.factories import write_bank

TODAY = date(2026, 1, 15)


def found(root):
    return {(p.file, p.item, p.rule) for p in lint(root, today=TODAY)}


@pytest.mark.parametrize(
    "feedback",
    [
        "Non : il peut fournir…",
        "Oui, c'est cela.",
        "Yes — the rule applies.",
        "No.",
        "NON !",
        "Non",
    ],
)
def test_a_bare_yes_or_no_opening_a_feedback_is_caught(feedback):
    assert bare_verdict(feedback) is not None


@pytest.mark.parametrize(
    "feedback",
    [
        "Exact : oui, il le peut.",
        "Inexact : non, ce n'est pas le cas.",
        "Non seulement il invente, mais il insiste.",
        "No contract binds the pupil to the vendor.",
        "Nonetheless, check it.",
        "Right: yes, it can.",
        "Not quite: no such duty exists.",
    ],
)
def test_verdicts_and_sentences_starting_with_the_same_letters_are_not(feedback):
    assert bare_verdict(feedback) is None


def test_the_feedback_verdict_rule_names_the_option_and_the_verdict_to_write(tmp_path):
    options = [
        {"text": "Oui, il le peut", "correct": True, "feedback": "Oui : il peut fournir un plan."},
        {"text": "Non, jamais", "correct": False, "feedback": "Inexact : il le peut."},
        {"text": "Seulement si", "correct": False, "feedback": "Inexact : sans condition."},
    ]
    root = write_bank(tmp_path, only={("fr", 3): {"options": options}})
    problems = [p for p in lint(root, today=TODAY) if p.rule == "feedback-verdict"]
    assert [str(p) for p in problems] == [
        "fr/T02.yaml: T02-003: feedback-verdict: option A's feedback opens with a bare 'Oui': "
        "open with the verdict on the option (Exact/Inexact)"
    ]


@pytest.mark.parametrize(
    ("title", "publisher", "law"),
    [
        ("Règlement (UE) 2024/1689 sur l'intelligence artificielle (AI Act)", "UE", True),
        ("Regulation (EU) 2016/679 (General Data Protection Regulation)", "EU", True),
        ("Code de la propriété intellectuelle", "République française (Légifrance)", True),
        ("Loi n° 2024-449 du 21 mai 2024", "République française (Journal officiel)", True),
        ("Directive (EU) 2019/790 on copyright", "European Parliament and Council", True),
        ("Judgment Infopaq, C-5/08", "Court of Justice of the European Union", True),
        ("Cadre d'usage de l'IA en éducation", "Ministère de l'Éducation nationale", False),
        ("AI competency framework for teachers", "UNESCO", False),
        ("OWASP Top 10 for LLM Applications 2025", "OWASP Foundation", False),
    ],
)
def test_sources_citing_the_law_are_recognised(title, publisher, law):
    assert cites_law(Source(title=title, publisher=publisher)) is law


def test_every_source_needs_a_locator_and_legal_texts_a_url(tmp_path):
    sources = [
        {"title": "AI competency framework for teachers", "publisher": "UNESCO", "date": "2024"},
        {"title": "Règlement (UE) 2024/1689", "publisher": "UE", "section": "art. 4"},
        {
            "title": "Règlement (UE) 2016/679 (RGPD)",
            "publisher": "UE",
            "section": "art. 6",
            "url": "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
        },
    ]
    root = write_bank(tmp_path, items={3: {"sources": sources, "recheck_by": "2027-06-30"}})
    problems = {str(p) for p in lint(root, today=TODAY) if p.file.startswith("fr")}
    assert problems == {
        "fr/T02.yaml: T02-003: source-locator: sources[0] (AI competency framework for "
        "teachers) has no section: give the article, section or page",
        "fr/T02.yaml: T02-003: source-url: sources[1] (Règlement (UE) 2024/1689) cites the law "
        "but has no url: give its EUR-Lex or Légifrance address (https)",
    }


def test_an_http_source_url_is_refused_when_the_file_is_read(tmp_path):
    sources = [{"title": "t", "publisher": "p", "section": "1", "url": "http://jmlr.org/x"}]
    root = write_bank(tmp_path, items={3: {"sources": sources}})
    schema = [p for p in lint(root, today=TODAY) if p.rule == "schema"]
    assert {p.item for p in schema} == {"T02-003"}
    assert "must start with https://" in schema[0].message


def test_symmetric_paired_enemies_are_clean(tmp_path):
    root = write_bank(
        tmp_path, items={3: {"enemies": ["T02-004", "T02-005"]}, 4: {"enemies": ["T02-003"]},
                         5: {"enemies": ["T02-003"]}}
    )  # fmt: skip
    assert found(root) == set()


def test_enemies_must_exist_be_listed_back_and_agree_across_languages(tmp_path):
    root = write_bank(
        tmp_path,
        items={3: {"enemies": ["T02-004", "T02-099"]}},
        only={("en", 6): {"enemies": ["T02-007"]}, ("en", 7): {"enemies": ["T02-006"]}},
    )
    messages = {(p.file, p.item, p.rule): p.message for p in lint(root, today=TODAY)}
    assert messages[("fr/T02.yaml", "T02-003", "enemy-unknown")] == (
        "enemy T02-099 is not an item of fr/"
    )
    assert messages[("fr/T02.yaml", "T02-004", "enemy-symmetry")] == (
        "T02-003 lists T02-004 as an enemy: add T02-003 to the enemies of T02-004"
    )
    assert messages[("en/T02.yaml", "T02-006", "enemy-pairing")] == (
        "enemies none (fr) ≠ T02-007 (en)"
    )
    assert ("en/T02.yaml", "T02-006", "enemy-symmetry") not in messages
