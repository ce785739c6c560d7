"""Moodle XML, as ``qformat_xml`` writes and reads it.

Export: a ``<question type="category">`` per topic and level, then one ``multichoice`` question
per item with ``<idnumber>``, HTML texts (CDATA where Moodle uses it), per-answer feedback, valid
grade fractions (``single`` false and negative grades for wrong options of multiple-answer items)
and ``<tags>`` carrying level, topic, version, status and IRT parameters. A ``boussole-meta``
comment, which Moodle ignores, keeps objective, sources, author and reviewers.

Import reads Moodle's ``multichoice`` and ``truefalse`` questions; any other type, or a grade
Moodle would refuse, is a :class:`FormatError` naming the element, and nothing is imported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from item_bank.errors import FormatError
from item_bank.formats._common import (
    META_MARK,
    build_item,
    category_hints,
    category_path,
    check_exportable,
    comment_meta,
    html_to_text,
    is_valid_fraction,
    moodle_tags,
    option_percents,
    parse_meta,
    read_tags,
    sort_for_export,
    text_to_html,
    topic_names,
)
from item_bank.formats._xml import ET, cdata, escape, is_comment, local, parse
from item_bank.loader import Topic
from item_bank.schema import Item, ItemType

NAME = "moodle-xml"
EXTENSION = ".xml"
_PLAIN_FORMATS = {"plain_text", "markdown", "wiki_like"}
_TF_LABELS = {"fr": ("Vrai", "Faux"), "en": ("True", "False")}


# -- export ---------------------------------------------------------------------------------
def _text(markup: str, indent: int) -> str:
    return f"{'  ' * indent}<text>{cdata(markup)}</text>\n"


def _rich(tag: str, text: str, indent: int) -> str:
    pad = "  " * indent
    return f'{pad}<{tag} format="html">\n{_text(text_to_html(text), indent + 1)}{pad}</{tag}>\n'


def export(items: Sequence[Item], *, topics: Mapping[str, Topic] | None = None) -> str:
    names = topic_names(topics)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    category = None
    for item in sort_for_export(items):
        check_exportable(item)
        path = category_path(item, names)
        if path != category:
            out.append(_category(path))
            category = path
        out.append(_question(item))
    out.append("</quiz>\n")
    return "".join(out)


def _category(path: str) -> str:
    return (
        "<!-- question: 0  -->\n"
        '  <question type="category">\n'
        "    <category>\n"
        f"{_text(path, 3)}"
        "    </category>\n"
        '    <info format="moodle_auto_format">\n'
        f"{_text('Boussole', 3)}"
        "    </info>\n"
        "  </question>\n\n"
    )


def _question(item: Item) -> str:
    single = item.type is not ItemType.MULTIPLE
    parts = [
        f"<!-- question: {escape(item.id)}  -->\n",
        '  <question type="multichoice">\n',
        f"    <!-- {comment_meta(item)} -->\n",
        f"    <name>\n{_text(item.id, 3)}    </name>\n",
        _rich("questiontext", item.stem, 2),
        _rich("generalfeedback", item.general_feedback, 2),
        "    <defaultgrade>1</defaultgrade>\n",
        "    <penalty>0.3333333</penalty>\n",
        "    <hidden>0</hidden>\n",
        f"    <idnumber>{escape(item.id)}</idnumber>\n",
        f"    <single>{'true' if single else 'false'}</single>\n",
        f"    <shuffleanswers>{'false' if item.type is ItemType.TRUEFALSE else 'true'}"
        "</shuffleanswers>\n",
        "    <answernumbering>abc</answernumbering>\n",
        f"    <showstandardinstruction>{0 if single else 1}</showstandardinstruction>\n",
        _rich("correctfeedback", "", 2),
        _rich("partiallycorrectfeedback", "", 2),
        _rich("incorrectfeedback", "", 2),
    ]
    for option, grade in zip(item.options, option_percents(item), strict=True):
        parts.append(
            f'    <answer fraction="{grade}" format="html">\n'
            f"{_text(text_to_html(option.text), 3)}"
            f"{_rich('feedback', option.feedback, 3)}"
            "    </answer>\n"
        )
    parts.append("    <tags>\n")
    parts.extend(f"      <tag>{_text(tag, 0).rstrip()}</tag>\n" for tag in moodle_tags(item))
    parts.append("    </tags>\n  </question>\n\n")
    return "".join(parts)


# -- import ---------------------------------------------------------------------------------
def import_(data: str | bytes) -> list[Item]:
    """Items of a Moodle XML file; :class:`FormatError` naming the element of the first
    question Boussole cannot hold."""
    root = parse(data)
    if local(root.tag) != "quiz":
        raise FormatError(f"the root element is <{local(root.tag)}>, not <quiz>", element="/")
    items: list[Item] = []
    hints: dict[str, Any] = {}
    index = 0
    for child in root:
        if local(child.tag) != "question":
            continue
        index += 1
        where = f"quiz/question[{index}]"
        kind = child.get("type", "")
        if kind == "category":
            category = child.find("category")
            path = _field_text(category) if category is not None else ""
            hints = category_hints(path)
            continue
        items.append(_read_question(child, kind, where, hints))
    return items


def _field_text(element: ET.Element | None) -> str:
    """``<x><text>…</text></x>`` (or, in old files, ``<x>…</x>``), trimmed as Moodle does."""
    if element is None:
        return ""
    text = element.find("text")
    raw = (text.text if text is not None else element.text) or ""
    return raw.strip()


def _rich_text(element: ET.Element | None, default_format: str) -> str:
    if element is None:
        return ""
    text_format = element.get("format", default_format)
    raw = _field_text(element)
    return raw if text_format in _PLAIN_FORMATS else html_to_text(raw)


def _read_question(question: ET.Element, kind: str, where: str, hints: Mapping[str, Any]) -> Item:
    item_id = (question.findtext("idnumber") or "").strip()
    if item_id:
        where = f"{where} ({item_id})"
    if kind not in ("multichoice", "truefalse"):
        raise FormatError(f"{kind or 'untyped'} questions are not supported", element=where)
    if not item_id:
        raise FormatError("no <idnumber>: Boussole needs the item's id", element=where)
    stem_element = question.find("questiontext")
    stem_format = stem_element.get("format", "html") if stem_element is not None else "html"
    data: dict[str, Any] = {
        "id": item_id,
        "stem": _rich_text(stem_element, "html"),
        "general_feedback": _rich_text(question.find("generalfeedback"), stem_format),
    }
    tags = [_field_text(tag) for tag in question.iterfind("tags/tag")]
    meta, free_tags = read_tags(tags, f"{where}/tags")
    if free_tags:
        data["tags"] = free_tags
    for node in question:
        if is_comment(node) and META_MARK in (node.text or ""):
            data.update(parse_meta(node.text or "", f"{where}/comment"))

    answers = question.findall("answer")
    if kind == "truefalse":
        options, structure = _truefalse(answers, stem_format, meta, hints, where), "truefalse"
    else:
        single = question.findtext("single", "true").strip() not in ("false", "", "0")
        options = _multichoice(answers, stem_format, single, where)
        structure = "single" if single else "multiple"
    tagged = meta.get("type", structure)
    if (tagged == "multiple") != (structure == "multiple") or (
        structure == "truefalse" and tagged != "truefalse"
    ):
        raise FormatError(f"tagged {tagged} but written as {structure}", element=where)
    data["options"], data["type"] = options, tagged

    merged = {**hints, "status": "draft", "version": 1, **meta}
    for key in ("level", "version", "status", "difficulty_prior", "recheck_by", "irt"):
        if key in merged:
            data[key] = merged[key]
    data["language"], data["topic"] = merged.get("language"), merged.get("topic")
    if "level" not in data:
        raise FormatError("cannot tell the item's level (no boussole-level tag)", element=where)
    return build_item(data, source="Moodle XML", element=where)


def _fraction(answer: ET.Element, where: str) -> float:
    raw = answer.get("fraction", "0")
    try:
        fraction = float(raw) / 100
    except ValueError:
        raise FormatError(f"fraction {raw!r} is not a number", element=where) from None
    if not is_valid_fraction(fraction):
        raise FormatError(f"grade {raw} % is not one Moodle accepts", element=where)
    return fraction


def _multichoice(
    answers: list[ET.Element], stem_format: str, single: bool, where: str
) -> list[dict[str, Any]]:
    if len(answers) < 2:
        raise FormatError("a multiple-choice question needs at least two answers", element=where)
    options, fractions = [], []
    for index, answer in enumerate(answers, start=1):
        here = f"{where}/answer[{index}]"
        fraction = _fraction(answer, here)
        if single and 0 < fraction < 1:
            raise FormatError("partial credit is not supported", element=here)
        fractions.append(fraction)
        options.append(
            {
                "text": _rich_text(answer, stem_format),
                "correct": fraction > 0,
                "feedback": _rich_text(answer.find("feedback"), stem_format),
            }
        )
    if single and fractions.count(1.0) != 1:
        raise FormatError("a single-answer question needs one answer at 100 %", element=where)
    if not single and abs(sum(f for f in fractions if f > 0) - 1.0) > 0.001:
        raise FormatError("the grades of the correct answers must add up to 100 %", element=where)
    return options


def _truefalse(
    answers: list[ET.Element],
    stem_format: str,
    meta: Mapping[str, Any],
    hints: Mapping[str, Any],
    where: str,
) -> list[dict[str, Any]]:
    by_value: dict[str, ET.Element] = {}
    for index, answer in enumerate(answers):
        value = _field_text(answer).lower()
        if value not in ("true", "false"):  # old files: true first, then false
            value = "true" if index == 0 else "false"
        by_value[value] = answer
    if set(by_value) != {"true", "false"}:
        raise FormatError("a true/false question needs a true and a false answer", element=where)
    language = meta.get("language") or hints.get("language") or "fr"
    labels = _TF_LABELS.get(language, _TF_LABELS["fr"])
    return [
        {
            "text": label,
            "correct": _fraction(by_value[value], where) == 1.0,
            "feedback": _rich_text(by_value[value].find("feedback"), stem_format),
        }
        for label, value in zip(labels, ("true", "false"), strict=True)
    ]
