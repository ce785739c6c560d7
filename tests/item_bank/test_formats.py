from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings

from item_bank import loader
from item_bank.errors import BankLoadError
from item_bank.formats import (
    FORMATS,
    detect,
    export,
    gift,
    json_format,
    moodle_xml,
    qti,
    read,
    read_items,
)
from item_bank.formats._common import (
    html_to_text,
    is_valid_fraction,
    option_percents,
    text_to_html,
)
from item_bank.formats._xml import parse
from item_bank.loader import read_bank
from tests.item_bank.factories import make_item, write_bank
from tests.item_bank.strategies import item_lists, texts


def ordered(items):
    return sorted(items, key=lambda i: (i.language, i.topic, i.level, i.id))


def round_trip(fmt, items):
    return FORMATS[fmt].import_(export(items, fmt))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=item_lists())
def test_every_format_round_trips_every_field(fmt, items):
    assert ordered(round_trip(fmt, items)) == ordered(items)


@settings(max_examples=200, deadline=None)
@given(text=texts())
def test_html_conversion_is_exact(text):
    assert html_to_text(text_to_html(text)) == text


@settings(max_examples=200, deadline=None)
@given(text=texts())
def test_gift_escaping_survives_moodles_reader(text):
    item = make_item(stem=text, general_feedback=text, options=[
        {"text": text, "correct": True, "feedback": text},
        {"text": "b", "correct": False, "feedback": "#"},
        {"text": "c", "correct": False, "feedback": ""},
    ])  # fmt: skip
    assert gift.import_(gift.export([item])) == [item]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_enemies_survive_every_format(fmt):
    items = [
        make_item(1, enemies=["T02-002", "T03-001"]),
        make_item(2, enemies=["T02-001"]),
        make_item(3),
    ]
    back = {item.id: item.enemies for item in round_trip(fmt, items)}
    assert back == {"T02-001": ("T02-002", "T03-001"), "T02-002": ("T02-001",), "T02-003": ()}


def test_shipped_bank_round_trips_in_every_format():
    bank = read_bank().bank
    if not len(bank):
        pytest.skip("item_bank/content holds no valid item yet")
    items = list(bank)
    for fmt in FORMATS:
        assert ordered(round_trip(fmt, items)) == ordered(items), fmt


# -- what Moodle reads ----------------------------------------------------------------------
def sample():
    irt = {"model": "2PL", "a": 1.2, "b": -0.4, "se_a": 0.11, "se_b": 0.09, "n": 812}
    single = make_item(1, level=2, irt=irt, recheck_by="2027-06-30", tags=["citations"])
    multiple = make_item(
        2,
        type="multiple",
        options=[
            {"text": "a", "correct": True, "feedback": "oui"},
            {"text": "b", "correct": True, "feedback": "oui"},
            {"text": "c", "correct": False, "feedback": "non"},
            {"text": "d", "correct": False, "feedback": "non"},
        ],
    )
    return single, multiple


def test_gift_has_categories_ids_tags_and_moodle_grades():
    single, multiple = sample()
    text = gift.export([single, multiple])
    assert "\n$CATEGORY: $course$/Boussole/T02 Hallucinations et vérification/Niveau 2\n" in text
    assert "\n$CATEGORY: $course$/Boussole/T02 Hallucinations et vérification/Niveau 3\n" in text
    assert "// [id:T02-001] [tag:boussole-lang-fr] [tag:boussole-topic-T02] " in text
    for tag in ("level-2", "version-1", "status-reviewed", "irt-a-1.2", "irt-b--0.4", "irt-n-812"):
        assert f"[tag:boussole-{tag}]" in text
    assert "[tag:citations]" in text
    question = text.split("::T02-002::")[1]
    assert "\t~%50%a#oui\n\t~%50%b#oui\n\t~%-50%c#non\n\t~%-50%d#non\n" in question
    assert re.search(r"::T02-001::\[html\].*\{\n\t~.*\n\t=", text)


def test_gift_escapes_specials_as_moodle_repchar_does():
    assert gift.escape("a:b#c=d~e{f}g\\h\ni") == "a\\:b\\#c\\=d\\~e\\{f\\}g\\\\h\\ni"


@pytest.mark.parametrize("count", [3, 4, 5])
def test_multiple_answer_grades_are_moodle_fractions(count):
    for keys in range(1, count + 1):
        options = [{"text": f"o{i}", "correct": i < keys, "feedback": ""} for i in range(count)]
        item = make_item(type="multiple", options=options)
        percents = [float(p) for p in option_percents(item)]
        assert all(is_valid_fraction(p / 100) for p in percents)
        assert abs(sum(p for p in percents if p > 0) - 100) < 0.001
        if keys < count:
            assert abs(sum(p for p in percents if p < 0) + 100) < 0.001


def test_moodle_xml_looks_like_moodles_own_export():
    single, multiple = sample()
    text = moodle_xml.export([single, multiple])
    root = parse(text)
    questions = root.findall("question")
    assert [q.get("type") for q in questions] == [
        "category",
        "multichoice",
        "category",
        "multichoice",
    ]
    assert questions[0].findtext("category/text") == (
        "$course$/Boussole/T02 Hallucinations et vérification/Niveau 2"
    )
    first = questions[1]
    assert first.findtext("idnumber") == "T02-001"
    assert first.findtext("single") == "true"
    assert [a.get("fraction") for a in first.findall("answer")] == ["0", "100", "0", "0"]
    assert all(a.find("feedback/text") is not None for a in first.findall("answer"))
    tags = [t.findtext("text") for t in first.findall("tags/tag")]
    assert "boussole-level-2" in tags
    assert "boussole-irt-a-1.2" in tags
    second = questions[3]
    assert second.findtext("single") == "false"
    assert [a.get("fraction") for a in second.findall("answer")] == ["50", "50", "-50", "-50"]
    assert '<questiontext format="html">' in text
    assert "<text><![CDATA[" not in text.split("<name>")[1].split("</name>")[0]


def test_moodle_xml_uses_cdata_where_moodle_does():
    item = make_item(stem="Vrai ou <faux> & **pas** ?")
    text = moodle_xml.export([item])
    assert "<text><![CDATA[Vrai ou &lt;faux&gt; &amp; <strong>pas</strong> ?]]></text>" in text


def test_qti_package_has_a_manifest_and_one_item_per_item():
    single, multiple = sample()
    data = qti.export([single, multiple])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == ["imsmanifest.xml", "items/fr/T02-001.xml", "items/fr/T02-002.xml"]
        manifest = parse(archive.read("imsmanifest.xml"))
        item_root = parse(archive.read("items/fr/T02-002.xml"))
    ns = {"cp": qti.CP, "bsl": qti.BSL, "q": qti.QTI}
    resources = manifest.findall("cp:resources/cp:resource", ns)
    assert [r.get("type") for r in resources] == ["imsqti_item_xmlv3p0"] * 2
    meta = resources[0].find("cp:metadata/bsl:item", ns)
    assert (meta.get("level"), meta.get("topic"), meta.get("id")) == ("2", "T02", "T02-001")
    assert meta.find("bsl:irt", ns).get("a") == "1.2"
    interaction = item_root.find("q:qti-item-body/q:qti-choice-interaction", ns)
    assert interaction.get("max-choices") == "0"
    choices = interaction.findall("q:qti-simple-choice", ns)
    assert len(choices) == 4
    assert all(c.find("q:qti-feedback-inline", ns) is not None for c in choices)
    declaration = item_root.find("q:qti-response-declaration", ns)
    assert declaration.get("cardinality") == "multiple"
    assert [v.text for v in declaration.iter(f"{{{qti.QTI}}}qti-value")] == ["A", "B"]
    processing = item_root.find("q:qti-response-processing", ns)
    assert processing.get("template").endswith("/rptemplates/match_correct.xml")


def test_json_keeps_everything_with_language_and_topic():
    single, _ = sample()
    document = json.loads(json_format.export([single]))
    assert document["format"] == "boussole-items"
    assert document["items"][0]["language"] == "fr"
    assert document["items"][0]["irt"]["n"] == 812


# -- reading files --------------------------------------------------------------------------
def test_read_detects_the_format(tmp_path):
    single, multiple = sample()
    for fmt, name in (
        ("gift", "x.txt"),
        ("moodle-xml", "x.xml"),
        ("qti", "x.zip"),
        ("json", "x.json"),
    ):
        path = tmp_path / name
        data = export([single, multiple], fmt)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
        assert detect(path.read_bytes(), path.name) == fmt
        assert ordered(read(path)) == ordered([single, multiple])


def test_read_items_reads_the_master_copy_a_folder_or_a_file(tmp_path, monkeypatch):
    root = write_bank(tmp_path / "bank", count=2)
    assert len(read_items(root)) == 4
    assert len(read_items(root / "fr" / "T02.yaml")) == 2
    monkeypatch.setattr(loader, "CONTENT_ROOT", root)
    assert ordered(read_items(None)) == ordered(read_items(root))
    (root / "fr" / "T02.yaml").write_text("topic: T02\nlanguage: fr\nitems: [3]\n")
    with pytest.raises(BankLoadError):
        read_items(None)


def test_a_moodle_category_stands_in_for_missing_tags():
    text = (
        "$CATEGORY: $course$/Boussole/T04 Données personnelles et RGPD/Level 3\n\n"
        "// [id:T04-009]\n"
        "::q::Which is personal data?{=A pupil's name#Yes ~A weather report#No ~A recipe#No}\n"
    )
    (item,) = gift.import_(text)
    assert (item.id, item.topic, item.level, item.language) == ("T04-009", "T04", 3, "en")
    assert item.status.value == "draft"
    assert [o.correct for o in item.options] == [True, False, False]
    assert item.options[0].feedback == "Yes"


def test_a_moodle_true_false_question_becomes_a_truefalse_item():
    text = (
        "// [id:T01-004] [tag:boussole-lang-fr] [tag:boussole-level-1]\n"
        "::q::La Terre est plate.{F#Non.#Bravo.}\n"
    )
    (item,) = gift.import_(text)
    assert item.type.value == "truefalse"
    assert [(o.text, o.correct, o.feedback) for o in item.options] == [
        ("Vrai", False, "Non."),
        ("Faux", True, "Bravo."),
    ]
