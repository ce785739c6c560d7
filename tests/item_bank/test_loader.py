from __future__ import annotations

import pytest

from item_bank.errors import BankLoadError
from item_bank.loader import CONTENT_ROOT, load_bank, load_topics, read_bank
from tests.item_bank.factories import item_data, write_bank, write_file


def test_load_bank_reads_both_languages(tmp_path):
    bank = load_bank(write_bank(tmp_path, count=5))
    assert len(bank) == 10
    assert bank.languages == ("en", "fr")
    assert len(bank.pairs()) == 5


def test_all_errors_are_collected_with_file_item_and_field(tmp_path):
    root = write_bank(tmp_path, count=3)
    write_file(root, "fr", "T03", [item_data(1, topic="T03", level=7), item_data(2, topic="T03")])
    write_file(root, "en", "T03", [item_data(1, language="en", topic="T03", stem=None)])
    result = read_bank(root)
    found = {(e.file, e.item, e.field) for e in result.errors}
    assert found == {("fr/T03.yaml", "T03-001", "level"), ("en/T03.yaml", "T03-001", "stem")}
    assert len(result.bank) == 6 + 1  # the valid items are still read
    with pytest.raises(BankLoadError) as caught:
        load_bank(root)
    assert len(caught.value.errors) == 2
    assert "fr/T03.yaml: T03-001: level:" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ("topic: T02\nlanguage: fr\nitems: [\n", "", "line 4"),
        ("", "", "empty"),
        ("topic: T09\nlanguage: fr\nitems: []\n", "topic", "file's name"),
        ("topic: T02\nlanguage: en\nitems: []\n", "language", "sits in fr/"),
        ("topic: T02\nlanguage: fr\nitems: {}\n", "items", "list"),
        ("topic: T02\nlanguage: fr\nitems: []\nauthor: x\n", "author", "unknown"),
        ("topic: T02\nlanguage: fr\nitems: [3]\n", "", "mapping"),
    ],
)
def test_file_level_errors(tmp_path, content, field, words):
    (tmp_path / "fr").mkdir()
    (tmp_path / "fr" / "T02.yaml").write_text(content, encoding="utf-8")
    result = read_bank(tmp_path)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.file == "fr/T02.yaml"
    assert error.field == field
    assert words in error.message


def test_a_topic_missing_from_topics_yaml_is_an_error(tmp_path):
    root = write_bank(tmp_path, count=1)
    (root / "topics.yaml").write_text('T01: {fr: "a", en: "b"}\n', encoding="utf-8")
    assert [e.field for e in read_bank(root).errors] == ["topic", "topic"]


def test_shipped_topics_name_fourteen_topics_in_both_languages():
    topics = load_topics()
    assert list(topics) == [f"T{n:02d}" for n in range(1, 15)]
    assert topics["T02"].name("fr") == "Hallucinations et vérification"
    assert topics["T02"].name("en") == "Hallucinations and verification"
    assert CONTENT_ROOT.name == "content"
