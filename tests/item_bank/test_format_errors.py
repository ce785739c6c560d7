"""A file with an error names its line (GIFT, JSON) or element (XML, QTI) and imports nothing."""

from __future__ import annotations

import io
import zipfile

import pytest

from item_bank.errors import FormatError
from item_bank.formats import gift, json_format, moodle_xml, qti, read
from tests.item_bank.factories import make_item

TAGS = "[tag:boussole-lang-fr] [tag:boussole-level-1]"
GOOD = f"// [id:T02-001] {TAGS}\n::a::Bonne question ?{{=Oui ~Non ~Peut-être}}\n"


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ("::b::Expliquez.{}", "essay"),
        ("::b::Combien ?{#3:1}", "numerical"),
        ("::b::Associez.{=a -> 1 =b -> 2}", "matching"),
        ("::b::Capitale ?{=Paris}", "short-answer"),
        ("::b::Texte sans réponse", "description"),
        ("::b::Accolade {=a ~b", "unbalanced"),
        ("::b::Q ?{~%33%a ~%67%b ~c}", "grade 33"),
        ("::b::Q ?{=a ~%50%b ~c}", "partial credit"),
        ("::b::Q ?{~%50%a ~%-50%b ~c}", "add up to 100"),
        ("::b::Q ?{~a}", "at least two"),
    ],
)
def test_gift_errors_name_the_line(block, words):
    text = (
        GOOD
        + "\n// a comment\n// [id:T02-002] [tag:boussole-lang-fr] [tag:boussole-level-1]\n"
        + block
        + "\n"
    )
    with pytest.raises(FormatError) as caught:
        gift.import_(text)
    assert caught.value.line == 6
    assert words in caught.value.message
    assert str(caught.value).startswith("line 6: ")


def test_gift_answers_report_their_own_line():
    text = GOOD + f"\n// [id:T02-002] {TAGS}\n::b::Q ?{{\n=a\n~%42%b\n~c\n}}\n"
    with pytest.raises(FormatError) as caught:
        gift.import_(text)
    assert caught.value.line == 7


@pytest.mark.parametrize(
    ("comment", "words"),
    [
        ("// [tag:boussole-lang-fr] [tag:boussole-level-1]", "[id:"),
        ("// [id:T02-002] [tag:boussole-level-1]", "language"),
        ("// [id:T02-002] [tag:boussole-lang-fr]", "level"),
        ("// [id:T02-002] [tag:boussole-lang-fr] [tag:boussole-level-x]", "bad value"),
        (
            f"// [id:T02-002] {TAGS} [tag:boussole-colour-red]",
            "unknown Boussole tag",
        ),
        (
            f"// [id:T02-002] {TAGS} [tag:boussole-type-multiple]",
            "tagged multiple",
        ),
        ("// [id:T02-002] [tag:boussole-lang-fr] [tag:boussole-level-9]", "level"),
        (
            f"// [id:T02-002] {TAGS}\n// boussole-meta: {{nope",
            "boussole-meta",
        ),
    ],
)
def test_gift_metadata_errors_name_the_line(comment, words):
    text = GOOD + "\n" + comment + "\n::b::Q ?{=a ~b ~c}\n"
    with pytest.raises(FormatError) as caught:
        gift.import_(text)
    assert caught.value.line == text.splitlines().index("::b::Q ?{=a ~b ~c}") + 1
    assert words in caught.value.message


def test_gift_must_be_utf8():
    with pytest.raises(FormatError, match="UTF-8"):
        gift.import_("::a::Qu'est-ce ?{=é ~b ~c}".encode("latin-1"))


def test_json_syntax_errors_name_the_line():
    with pytest.raises(FormatError) as caught:
        json_format.import_('{\n  "items": [\n    {"id": "T02-001",}\n  ]\n}\n')
    assert caught.value.line == 3


def test_json_item_errors_name_the_line_of_the_item():
    good = json_format.export([make_item(1), make_item(2)])
    bad = good.replace('"level": 3', '"level": 7')  # item 2 has level 3
    with pytest.raises(FormatError) as caught:
        json_format.import_(bad)
    assert (
        caught.value.line
        == good.splitlines().index("    {", good.splitlines().index("    {") + 1) + 1
    )
    assert "T02-002: level:" in caught.value.message


def test_moodle_xml_malformed_names_the_line():
    with pytest.raises(FormatError) as caught:
        moodle_xml.import_(
            '<?xml version="1.0"?>\n<quiz>\n  <question type="multichoice">\n</quiz>\n'
        )
    assert caught.value.line == 4


def xml_with(question: str) -> str:
    good = moodle_xml.export([make_item(1)])
    return good.replace("</quiz>", question + "</quiz>")


@pytest.mark.parametrize(
    ("question", "element", "words"),
    [
        ('<question type="essay"><idnumber>T02-009</idnumber></question>',
         "quiz/question[3] (T02-009)", "essay"),
        ('<question type="multichoice"><questiontext><text>q</text></questiontext>'
         '<answer fraction="100"><text>a</text></answer>'
         '<answer fraction="0"><text>b</text></answer>'
         "</question>", "quiz/question[3]", "idnumber"),
        ('<question type="multichoice"><idnumber>T02-009</idnumber>'
         '<answer fraction="42"><text>a</text></answer><answer fraction="0"><text>b</text></answer>'
         "</question>", "quiz/question[3] (T02-009)/answer[1]", "grade 42"),
    ],
)  # fmt: skip
def test_moodle_xml_errors_name_the_element(question, element, words):
    with pytest.raises(FormatError) as caught:
        moodle_xml.import_(xml_with(question))
    assert caught.value.element == element
    assert words in caught.value.message


@pytest.mark.parametrize(
    "payload",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>\n'
        "<quiz>&b;</quiz>",
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        "<quiz>&x;</quiz>",
    ],
)
def test_xml_entities_and_dtds_are_refused(payload):
    with pytest.raises(FormatError, match="refused"):
        moodle_xml.import_(payload)


def qti_package(**replace: bytes | None) -> bytes:
    original = qti.export([make_item(1), make_item(2)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = replace.get(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def test_qti_missing_item_names_the_element():
    with pytest.raises(FormatError) as caught:
        qti.import_(qti_package(**{"items/fr/T02-002.xml": None}))
    assert caught.value.element == "items/fr/T02-002.xml"


def test_qti_bad_metadata_names_the_element():
    original = qti.export([make_item(1)])
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        manifest = archive.read("imsmanifest.xml").replace(b'level="2"', b'level="two"')
    with pytest.raises(FormatError) as caught:
        qti.import_(qti_package(**{"imsmanifest.xml": manifest}))
    assert caught.value.element == "imsmanifest.xml: resources/resource[1]/bsl:item/@level"


def test_qti_unsupported_interaction_names_the_element():
    item = (
        b'<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x">'
        b"<qti-item-body><qti-extended-text-interaction/></qti-item-body></qti-assessment-item>"
    )
    with pytest.raises(FormatError) as caught:
        qti.import_(qti_package(**{"items/fr/T02-001.xml": item}))
    assert caught.value.element == "items/fr/T02-001.xml: qti-item-body"


def test_qti_is_a_zip():
    with pytest.raises(FormatError, match="zip"):
        qti.import_(b"not a zip")


def test_read_names_the_file(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(GOOD + "\n// [id:T02-002]\n::b::Expliquez.{}\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        read(path)
    assert str(caught.value).startswith(f"{path}: line 5: ")
