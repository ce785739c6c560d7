"""GIFT, as Moodle's ``qformat_gift`` reads and writes it.

Export: one ``$CATEGORY:`` per topic and level, then per item a comment line with
``[id:T02-001]`` and ``[tag:...]`` (Moodle ≥ 3.6 reads them as idnumber and tags), a
``boussole-meta`` comment (Moodle ignores it; it keeps objective, sources, author, reviewers),
and the question in ``[html]`` with per-answer feedback and ``####`` general feedback.
Multiple-answer items use ``~%50%``-style grades from Moodle's list of valid fractions.

Import follows ``qformat_gift::readquestion`` step by step; anything Boussole cannot hold
(essay, matching, numerical, short answer, partial credit) is a :class:`FormatError` naming its
line, and then nothing is imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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
from item_bank.formats._gift_text import Chars, LineMap, php_trim
from item_bank.loader import Topic
from item_bank.schema import Item, ItemType

NAME = "gift"
EXTENSION = ".txt"

_RESERVED = {"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{", "}": "\\}", ":": "\\:"}
_WEIGHT = re.compile(r"^%-*([0-9]{1,2})\.?([0-9]*)%")
_ID = re.compile(r"\[id:((?:\\\]|[^\[\]\x00-\x1f\x7f])+)\]")
_TAGS = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")
_FORMATS = {"moodle", "html", "plain", "markdown"}
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_TF_LABELS = {"fr": ("Vrai", "Faux"), "en": ("True", "False")}

HEADER = (
    "// Boussole item bank: GIFT for Moodle (Question bank > Import > GIFT).\n"
    "// Level, topic, version, status and IRT parameters travel as tags; objective, sources,\n"
    "// author and reviewers in the boussole-meta comment, which Moodle ignores.\n"
)


# -- export ---------------------------------------------------------------------------------
def escape(text: str) -> str:
    """``qformat_gift::repchar``: escape ``\\ # = ~ { } :`` and write line breaks as ``\\n``."""
    out = "".join(_RESERVED.get(char, char) for char in text)
    return out.replace("\r", "").replace("\n", "\\n")


def _rich(text: str, *, explicit: bool = False) -> str:
    """HTML for a text field. The ``[html]`` prefix is written when asked, and whenever the text
    starts with ``[`` or ``%`` (Moodle would read those as a format or a grade)."""
    body = escape(text_to_html(text))
    return f"[html]{body}" if explicit or body[:1] in ("[", "%") else body


def _moodle_tag(tag: str) -> str:
    return "[tag:" + tag.replace("]", "\\]") + "]"


def export(items: Sequence[Item], *, topics: Mapping[str, Topic] | None = None) -> str:
    names = topic_names(topics)
    out = [HEADER]
    category = None
    for item in sort_for_export(items):
        check_exportable(item)
        path = category_path(item, names)
        if path != category:
            out.append(f"\n$CATEGORY: {path}\n")
            category = path
        out.append("\n" + _question(item))
    return "".join(out)


def _question(item: Item) -> str:
    tags = " ".join(_moodle_tag(tag) for tag in moodle_tags(item))
    lines = [
        f"// [id:{item.id}] {tags}",
        f"// {comment_meta(item)}",
        f"::{escape(item.id)}::{_rich(item.stem, explicit=True)}{{",
    ]
    single = item.type is not ItemType.MULTIPLE
    for option, grade in zip(item.options, option_percents(item), strict=True):
        if single:
            mark = "=" if option.correct else "~"
        else:
            mark = f"~%{grade}%"
        line = f"\t{mark}{_rich(option.text)}"
        if option.feedback:
            line += f"#{_rich(option.feedback)}"
        lines.append(line)
    if item.general_feedback:
        lines.append(f"\t####{_rich(item.general_feedback)}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- import ---------------------------------------------------------------------------------
def import_(data: str | bytes) -> list[Item]:
    """Items of a GIFT file; :class:`FormatError` (with its line) if any question is not one
    Boussole can hold."""
    text = _decode(data)
    items: list[Item] = []
    hints: dict[str, Any] = {}
    for block in _blocks(text):
        result = _read_block(block, hints)
        if isinstance(result, dict):
            hints = result
        elif result is not None:
            items.append(result)
    return items


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FormatError("is not UTF-8 text (Moodle needs UTF-8)", line=1) from error
    return data.removeprefix("\ufeff")


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    """Questions are separated by blank lines (``qformat_default::readquestions``); each line
    comes with its number in the file."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = php_trim(raw)
        if line in ("", "0"):  # PHP's empty() is true for "0" too
            if current:
                blocks.append(current)
                current = []
        else:
            current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _read_block(
    block: list[tuple[int, str]], hints: dict[str, Any]
) -> Item | dict[str, Any] | None:
    comments = [line for _, line in block if line.startswith("//")]
    # Moodle blanks comment lines out, then joins the lines of the question.
    kept = [(n, " " if line.startswith("//") else line) for n, line in block]
    starts, offset = [], 0
    for _, line in kept:
        starts.append(offset)
        offset += len(line) + 1
    lines = LineMap(starts, [n for n, _ in kept])
    chars = Chars.parse("\n".join(line for _, line in kept)).strip()
    if not len(chars):
        return None
    if chars.text.startswith("$CATEGORY:"):
        return category_hints(php_trim(chars.text[len("$CATEGORY:") :]))
    first = lines.line(chars.offset())
    whole = chars

    def fail(message: str, at: Chars | None = None) -> FormatError:
        anchor = at if at is not None and len(at) else whole
        return FormatError(message, line=lines.line(anchor.offset()))

    if chars.startswith("::"):
        rest = chars[2:]
        end = rest.find("::")
        chars = rest[end + 2 :].strip() if end != -1 else rest
    start, finish = chars.find("{"), chars.find("}")
    if start == -1 and finish == -1:
        raise fail("a description or text without answers: Boussole items are multiple choice")
    if start == -1 or finish == -1 or finish < start:
        raise fail("unbalanced braces { }", chars)
    answer = chars[start + 1 : finish].strip()
    stem_chars = chars[:start]
    if finish + 1 < len(chars):  # missing-word format: the blank stays in the stem
        stem_chars = Chars.parse(stem_chars.text + "_____" + chars[finish + 1 :].text)
    general = ""
    separator = answer.rfind("####")
    if separator != -1:
        general = answer[separator + 4 :].text
        answer = answer[:separator].strip()

    stem_format, stem = _with_format(stem_chars.text, "moodle")
    data: dict[str, Any] = {"stem": _plain(stem, stem_format)}
    general_format, general_text = _with_format(general, stem_format)
    data["general_feedback"] = _plain(general_text, general_format)

    if not len(answer) or answer.text[0] == "#":
        raise fail("essay and numerical questions are not supported", answer)
    comment = "\n".join(comments)
    tags = [php_trim(tag.replace("\\]", "]")) for tag in _TAGS.findall(comment)]
    try:
        meta, free_tags = read_tags(tags, "tags")
    except FormatError as error:
        raise fail(error.message) from None
    language = meta.get("language") or hints.get("language")
    if answer.find("~") != -1:
        options, single = _multichoice(answer, stem_format, fail)
        structure = "single" if single else "multiple"
    elif answer.find("=") != -1 and "->" in answer.text:
        raise fail("matching questions are not supported", answer)
    else:
        truefalse = _truefalse(answer, stem_format, language)
        if truefalse is None:
            raise fail("short-answer questions are not supported", answer)
        options, structure = truefalse, "truefalse"
    kind = meta.get("type", structure)
    if (kind == "multiple") != (structure == "multiple") or (
        structure == "truefalse" and kind != "truefalse"
    ):
        raise fail(f"tagged {kind} but written as a {structure} question", answer)

    item_id = _ID.search(comment)
    if not item_id:
        raise fail("no [id:...] comment: Boussole needs the item's id (e.g. // [id:T02-001])")
    data["id"] = php_trim(item_id.group(1).replace("\\]", "]"))
    for line in comments:
        if META_MARK in line:
            data.update(parse_meta(line, f"item {data['id']}", line=first))
    if free_tags:
        data["tags"] = free_tags
    data["options"] = options
    data["type"] = kind
    merged = {**hints, "status": "draft", "version": 1, **meta}
    for key in ("level", "version", "status", "difficulty_prior", "recheck_by", "irt"):
        if key in merged:
            data[key] = merged[key]
    data["language"], data["topic"] = language, merged.get("topic")
    if "level" not in data:
        raise fail("cannot tell the item's level (no boussole-level tag or Niveau category)")
    return build_item(data, source="GIFT", line=first)


def _with_format(text: str, default: str) -> tuple[str, str]:
    """``parse_text_with_format``: a leading ``[html]``/``[moodle]``/... names the format."""
    if text.startswith("["):
        end = text.find("]")
        name = text[1:end] if end != -1 else ""
        if name in _FORMATS:
            return name, php_trim(text[end + 1 :])
    return default, php_trim(text)


def _plain(text: str, text_format: str) -> str:
    return html_to_text(text) if text_format in ("html", "moodle") else text


def _multichoice(
    answer: Chars, stem_format: str, fail: Callable[..., FormatError]
) -> tuple[list[dict[str, Any]], bool]:
    single = answer.find("=") != -1
    parts = answer.split_answers()
    if parts and not len(parts[0].strip()):
        parts = parts[1:]
    weights: list[float] = []
    if len(parts) < 2:
        raise fail("a multiple-choice question needs at least two answers", answer)
    options = []
    for part in parts:
        part = part.strip()
        if part.text.startswith("=") and not part.escaped[0]:
            weight, part = 1.0, part[1:]
        else:
            match = _WEIGHT.match(part.text)
            weight = 0.0
            if match:  # answerweightparser: the text between the two % signs, over 100
                try:
                    weight = float(match.group(0)[1:-1]) / 100
                except ValueError:
                    raise fail(f"bad grade {match.group(0)}", part) from None
                part = part[match.end() :]
        if not is_valid_fraction(weight):
            raise fail(f"grade {weight:.5%} is not one Moodle accepts", part)
        if single and 0 < weight < 1:
            raise fail("partial credit is not supported: use a multiple-answer question", part)
        bits = part.split("#", 2)
        text_format, text = _with_format(php_trim(bits[0].text), stem_format)
        feedback = ""
        if len(bits) > 1:
            feedback_format, feedback_text = _with_format(php_trim(bits[1].text), stem_format)
            feedback = _plain(feedback_text, feedback_format)
        options.append(
            {"text": _plain(text, text_format), "correct": weight > 0, "feedback": feedback}
        )
        weights.append(weight)
    _check_grades(weights, single, lambda message: fail(message, answer))
    return options, single


def _check_grades(weights: Sequence[float], single: bool, fail: Callable[[str], Exception]) -> None:
    """What Moodle's multichoice question type refuses when it saves the question."""
    if single and sum(1 for w in weights if w == 1.0) != 1:
        raise fail("a single-answer question needs exactly one answer at 100 %")
    if not single and abs(sum(w for w in weights if w > 0) - 1.0) > 0.001:
        raise fail("the grades of the correct answers must add up to 100 %")


def _truefalse(
    answer: Chars, stem_format: str, language: str | None
) -> list[dict[str, Any]] | None:
    bits = answer.split("#", 3)
    value = php_trim(bits[0].text)
    if value not in _TRUE_FALSE:
        return None
    feedback = []
    for bit in bits[1:3]:
        bit_format, bit_text = _with_format(php_trim(bit.text), stem_format)
        feedback.append(_plain(bit_text, bit_format))
    wrong, right = (feedback + ["", ""])[:2]
    truth = _TRUE_FALSE[value]
    true_label, false_label = _TF_LABELS.get(language or "fr", _TF_LABELS["fr"])
    return [
        {"text": true_label, "correct": truth, "feedback": right if truth else wrong},
        {"text": false_label, "correct": not truth, "feedback": wrong if truth else right},
    ]
