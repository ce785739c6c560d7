from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from item_bank.schema import Bank, IrtModel, Item, ItemType, SchemaError, Status
from tests.item_bank.factories import item_data, make_item


def test_a_valid_item_reads_with_its_metadata():
    item = make_item(
        5,
        recheck_by=date(2027, 6, 30),
        tags=["citations"],
        irt={"model": "2PL", "a": 1.2, "b": -0.4, "se_a": 0.11, "se_b": 0.09, "n": 812},
    )
    assert item.id == "T02-005"
    assert (item.language, item.topic, item.level) == ("fr", "T02", 3)
    assert item.status is Status.REVIEWED
    assert item.type is ItemType.SINGLE
    assert item.key_indices == (1,)
    assert item.is_operational
    assert item.difficulty_prior == 1.0  # the level's default
    assert item.irt is not None
    assert item.irt.model is IrtModel.TWO_PL
    assert item.irt.c == 0.0
    assert item.recheck_by == date(2027, 6, 30)


def test_to_dict_is_the_inverse_of_from_dict():
    item = make_item(3, recheck_by="2027-06-30", irt={"b": 0.3}, tags=["x"])
    again = Item.from_dict(item.to_dict(), file="f", language="fr", topic="T02")
    assert again == item


def test_texts_are_normalised():
    item = make_item(stem="  Une question\r\nsur deux lignes ?  ")
    assert item.stem == "Une question\nsur deux lignes ?"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"stem": None}, "stem", "required"),
        ({"stem": "   "}, "stem", "empty"),
        ({"status": "published"}, "status", "draft, reviewed"),
        ({"type": "essay"}, "type", "single, multiple, truefalse"),
        ({"level": 4}, "level", "1, 2 or 3"),
        ({"level": "2"}, "level", "whole number"),
        ({"version": 0}, "version", "1 or more"),
        ({"difficulty_prior": 9}, "difficulty_prior", "between -4 and 4"),
        ({"options": "a, b, c"}, "options", "list"),
        ({"options": []}, "options", "at least one"),
        ({"options": [{"text": "Oui", "correct": "yes"}]}, "options[0].correct", "true or false"),
        ({"options": [{"text": True, "correct": True}]}, "options[0].text", "quote it"),
        (
            {"options": [{"text": "a", "correct": True, "feedbak": "x"}]},
            "options[0].feedbak",
            "unknown",
        ),
        ({"sources": [{"title": "t", "url": "ftp://x"}]}, "sources[0].url", "https://"),
        ({"sources": [{"title": "t", "url": "http://jmlr.org/a"}]}, "sources[0].url", "https://"),
        ({"sources": [{"title": "t", "url": "javascript:alert(1)"}]}, "sources[0].url", "https"),
        ({"sources": [{"title": "t", "url": "https://a b.fr/"}]}, "sources[0].url", "spaces"),
        ({"sources": [{"title": "t", "url": "https://u:p@eur-lex.eu/"}]}, "sources[0].url", "host"),
        ({"sources": [{"title": "t", "url": "https:///x"}]}, "sources[0].url", "host"),
        ({"reviews": [{"by": "A. Martin", "role": "lawyer"}]}, "reviews[0].role", "subject"),
        ({"reviews": [{"role": "legal"}]}, "reviews[0].by", "required"),
        ({"reviews": [{"by": "A", "role": "bias", "date": "hier"}]}, "reviews[0].date", "YYYY"),
        ({"reviews": [{"by": "A", "role": "bias", "when": "x"}]}, "reviews[0].when", "unknown"),
        ({"recheck_by": "30/06/2027"}, "recheck_by", "YYYY-MM-DD"),
        ({"irt": {"a": 1.0}}, "irt.b", "required"),
        ({"irt": {"b": 0.0, "c": 0.2}}, "irt.c", "must be 0"),
        ({"irt": {"b": 0.0, "a": -1}}, "irt.a", "above 0"),
        ({"status": "calibrated"}, "irt", "calibrated"),
        ({"tags": ["boussole-level-1"]}, "tags[0]", "reserved"),
        ({"tags": ["a,b"]}, "tags[0]", "must not contain"),
        ({"stem": "bell\x07"}, "stem", "control character"),
        ({"colour": "blue"}, "colour", "unknown field"),
        ({"language": "en"}, "language", "the file says"),
    ],
)
def test_schema_errors_name_the_file_the_item_and_the_field(changes, field, words):
    data = item_data(7)
    data.update(changes)
    with pytest.raises(SchemaError) as caught:
        Item.from_dict(data, file="fr/T02.yaml", language="fr", topic="T02")
    error = next(e for e in caught.value.errors if e.field == field)
    assert (error.file, error.item) == ("fr/T02.yaml", "T02-007")
    assert words in error.message
    assert str(error).startswith(f"fr/T02.yaml: T02-007: {field}: ")


def test_every_error_of_an_item_is_reported_at_once():
    data = item_data(7, level=9, status="nope", stem="")
    with pytest.raises(SchemaError) as caught:
        Item.from_dict(data, file="f", language="fr", topic="T02")
    assert {e.field for e in caught.value.errors} >= {"level", "status", "stem"}


def test_an_item_without_id_is_named_by_its_label():
    data = item_data(1)
    del data["id"]
    with pytest.raises(SchemaError) as caught:
        Item.from_dict(data, file="f", language="fr", topic="T02", label="items[4]")
    assert caught.value.item == "items[4]"
    assert caught.value.field == "id"


def test_content_hash_follows_what_learners_read():
    item = make_item()
    assert item.content_hash() == make_item().content_hash()
    metadata_only = dataclasses.replace(item, status=Status.PILOTED, tags=("x",), version=2)
    assert metadata_only.content_hash() == item.content_hash()
    reworded = dataclasses.replace(item, stem=item.stem + " Justifiez.")
    assert reworded.content_hash() != item.content_hash()
    options = list(item.options)
    options[0] = dataclasses.replace(options[0], feedback="Autre explication.")
    assert dataclasses.replace(item, options=tuple(options)).content_hash() != item.content_hash()


def test_operational_statuses():
    assert [s.value for s in Status if make_item(status=s.value, irt={"b": 0}).is_operational] == [
        "reviewed",
        "piloted",
        "calibrated",
    ]


def test_bank_lookups_and_pairs():
    fr1, fr2 = make_item(1), make_item(2)
    en1 = make_item(1, language="en")
    other = make_item(1, topic="T03")
    bank = Bank((fr1, fr2, en1, other))
    assert bank.get("T02-001", "en") is en1
    assert bank.get("T02-002", "en") is None
    assert bank.by_id("T02-001") == {"fr": fr1, "en": en1}
    assert bank.in_language("fr") == (fr1, fr2, other)
    assert bank.pairs() == [(fr1, en1)]
    assert bank.languages == ("en", "fr")
    assert bank.topics == ("T02", "T03")
    assert len(bank.filter(topics=frozenset({"T03"}))) == 1
    assert len(bank.filter(language="en")) == 1


def test_reviews_are_optional_and_round_trip_with_their_role_date_and_version():
    assert Item.from_dict(item_data(7), file="f", language="fr", topic="T02").reviews == ()
    data = item_data(
        7,
        reviews=[
            {"by": "Claire Dubois", "role": "legal", "date": "2026-07-02", "version": 1},
            {"by": "Sam Lee", "role": "language"},
        ],
    )
    item = Item.from_dict(data, file="f", language="fr", topic="T02")
    assert [(r.by, r.role.value, r.version) for r in item.reviews] == [
        ("Claire Dubois", "legal", 1),
        ("Sam Lee", "language", None),
    ]
    assert item.reviews[0].date == date(2026, 7, 2)
    again = Item.from_dict(item.to_dict(), file="f", language="fr", topic="T02")
    assert again == item


def test_a_secure_source_url_is_kept():
    url = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj?locale=fr#art_4"
    data = item_data(7, sources=[{"title": "AI Act", "publisher": "UE", "url": url}])
    assert Item.from_dict(data, file="f", language="fr", topic="T02").sources[0].url == url
