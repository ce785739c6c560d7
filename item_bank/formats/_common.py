"""What the exchange formats share: rich text, Moodle tags, categories, grade fractions.

Texts of the master copy are plain text in which ``**…**`` marks emphasis (the bold negation of a
negative stem) and line breaks are kept. Moodle and QTI get HTML: escaped text, ``<strong>`` and
``<br />``; :func:`html_to_text` is the exact inverse on what :func:`text_to_html` writes, and a
reasonable reading of other HTML.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

from item_bank.errors import FormatError
from item_bank.loader import Topic, load_topics
from item_bank.schema import Item, ItemType, SchemaError

# -- rich text ------------------------------------------------------------------------------
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BLOCKS = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})
_SKIPPED = frozenset({"script", "style"})


def text_to_html(text: str) -> str:
    """Escape, then ``**x**`` → ``<strong>x</strong>`` and newline → ``<br />``."""
    escaped = html.escape(text, quote=False)
    return _BOLD.sub(r"<strong>\1</strong>", escaped).replace("\n", "<br />")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in ("strong", "b"):
            self.parts.append("**")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("strong", "b"):
            self.parts.append("**")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Plain text (with ``**`` emphasis) from Moodle/QTI HTML."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts).strip()


# -- what an export needs to know about items -----------------------------------------------
def check_exportable(item: Item) -> None:
    """Moodle and QTI need a well-formed question: refuse what they would reject."""
    keys = len(item.key_indices)
    problem = ""
    if len(item.options) < 2:
        problem = "needs at least two options"
    elif item.type is ItemType.MULTIPLE and keys < 1:
        problem = "a multiple item needs at least one correct option"
    elif item.type is not ItemType.MULTIPLE and keys != 1:
        problem = f"a {item.type.value} item needs exactly one correct option"
    elif item.type is ItemType.TRUEFALSE and len(item.options) != 2:
        problem = "a truefalse item has exactly two options"
    if problem:
        raise FormatError(f"{item.language} {item.id}: cannot be exported: {problem}")


def sort_for_export(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda i: (i.language, i.topic, i.level, i.id))


def topic_names(topics: Mapping[str, Topic] | None) -> Mapping[str, Topic]:
    if topics is not None:
        return topics
    try:
        return load_topics()
    except SchemaError:
        return {}


# -- Moodle categories ----------------------------------------------------------------------
CATEGORY_ROOT = "$course$/Boussole"
LEVEL_WORDS = {"fr": "Niveau", "en": "Level"}
_CATEGORY_TOPIC = re.compile(r"^(T\d{2})\b")
_CATEGORY_LEVEL = re.compile(r"^(Niveau|Level)\s+([123])$")


def category_path(item: Item, topics: Mapping[str, Topic]) -> str:
    """``$course$/Boussole/T02 Hallucinations et vérification/Niveau 1``, escaped as Moodle's
    ``assemble_category_path`` does (``/`` in a name is written ``//``)."""
    topic = topics.get(item.topic)
    topic_label = f"{item.topic} {topic.name(item.language)}" if topic else item.topic
    level = f"{LEVEL_WORDS.get(item.language, 'Level')} {item.level}"
    return "/".join([CATEGORY_ROOT, _escape_category(topic_label), _escape_category(level)])


def _escape_category(name: str) -> str:
    escaped = name.replace("/", "//")
    if escaped.startswith("/"):
        escaped = " " + escaped
    if escaped.endswith("/"):
        escaped += " "
    return escaped


def split_category(path: str) -> list[str]:
    """Moodle's ``split_category_path``: ``/`` separates, ``//`` is a slash in a name."""
    return [part.replace("//", "/").strip() for part in re.split(r"(?<!/)/(?!/)", path)]


def category_hints(path: str) -> dict[str, Any]:
    """Topic, level and language guessed from a category written by :func:`category_path`."""
    hints: dict[str, Any] = {}
    for part in split_category(path):
        topic = _CATEGORY_TOPIC.match(part)
        if topic:
            hints["topic"] = topic.group(1)
        level = _CATEGORY_LEVEL.match(part)
        if level:
            hints["level"] = int(level.group(2))
            hints["language"] = "fr" if level.group(1) == "Niveau" else "en"
    return hints


# -- Moodle grade fractions -----------------------------------------------------------------
#: ``question_bank::fraction_options_full()``: Moodle refuses any other grade on import.
_RAW_FRACTIONS = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05,
)  # fmt: skip
VALID_FRACTIONS: tuple[float, ...] = (0.0, *_RAW_FRACTIONS, *(-f for f in _RAW_FRACTIONS))


def is_valid_fraction(fraction: float) -> bool:
    """``match_grade_options($options, $grade, 'error')``: within 0.00001 of a listed grade."""
    return any(abs(fraction - valid) < 0.00001 for valid in VALID_FRACTIONS)


def percent(value: float) -> str:
    """A grade in percent as Moodle writes it: 100, 50, 33.33333, -100."""
    text = f"{round(value, 5):.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def option_percents(item: Item) -> list[str]:
    """Grades of each option: 100 for the key of a single item; for a multiple item, the keys
    share 100 % and the wrong options share -100 % (so ticking everything scores 0)."""
    keys = set(item.key_indices)
    if item.type is not ItemType.MULTIPLE:
        return ["100" if i in keys else "0" for i in range(len(item.options))]
    wrong = len(item.options) - len(keys)
    result = []
    for index in range(len(item.options)):
        fraction = 1 / len(keys) if index in keys else -1 / wrong
        if not is_valid_fraction(round(fraction, 7)):
            raise FormatError(f"{item.id}: grade {fraction:.2%} is not one Moodle accepts")
        result.append(percent(100 * fraction))
    return result


# -- Moodle tags ----------------------------------------------------------------------------
TAG = "boussole-"
_TAG_FIELDS: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    # (tag name, meta key, parser)
    ("lang", "language", str.lower),
    ("topic", "topic", str.upper),
    ("level", "level", int),
    ("type", "type", str.lower),
    ("version", "version", int),
    ("status", "status", str.lower),
    ("prior", "difficulty_prior", float),
    ("recheck", "recheck_by", str),
    ("irt-model", "irt.model", str.upper),
    ("irt-a", "irt.a", float),
    ("irt-b", "irt.b", float),
    ("irt-c", "irt.c", float),
    ("irt-se-a", "irt.se_a", float),
    ("irt-se-b", "irt.se_b", float),
    ("irt-n", "irt.n", int),
)


def moodle_tags(item: Item) -> list[str]:
    """The item's metadata as Moodle tags (``boussole-level-2``, ``boussole-irt-a-1.2`` ...),
    followed by its own tags."""
    values: dict[str, object] = {
        "lang": item.language,
        "topic": item.topic,
        "level": item.level,
        "type": item.type.value,
        "version": item.version,
        "status": item.status.value,
        "prior": item.difficulty_prior,
    }
    if item.recheck_by is not None:
        values["recheck"] = item.recheck_by.isoformat()
    if item.irt is not None:
        irt = item.irt
        values.update({"irt-model": irt.model.value, "irt-a": irt.a, "irt-b": irt.b})
        values["irt-c"] = irt.c
        for name, value in (("irt-se-a", irt.se_a), ("irt-se-b", irt.se_b), ("irt-n", irt.n)):
            if value is not None:
                values[name] = value
    tags = [f"{TAG}{name}-{_tag_value(value)}" for name, value in values.items()]
    return tags + list(item.tags)


def _tag_value(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def read_tags(tags: Sequence[str], where: str) -> tuple[dict[str, Any], list[str]]:
    """Split Moodle tags into item metadata (nested ``irt``) and the item's own tags."""
    meta: dict[str, Any] = {}
    free: list[str] = []
    # Longest names first: "irt-se-a" must win over "irt-a"... and "irt-a" over nothing.
    fields = sorted(_TAG_FIELDS, key=lambda f: -len(f[0]))
    for tag in tags:
        if not tag.lower().startswith(TAG):
            free.append(tag)
            continue
        body = tag[len(TAG) :]
        for name, key, parse in fields:
            if body.lower().startswith(name + "-"):
                raw = body[len(name) + 1 :]
                try:
                    value: Any = parse(raw)
                except ValueError:
                    raise FormatError(f"tag {tag!r}: bad value {raw!r}", element=where) from None
                if "." in key:
                    meta.setdefault("irt", {})[key.split(".", 1)[1]] = value
                else:
                    meta[key] = value
                break
        else:
            raise FormatError(f"unknown Boussole tag {tag!r}", element=where)
    return meta, free


# -- metadata Moodle cannot hold: carried in a comment, ignored by Moodle --------------------
META_MARK = "boussole-meta:"
META_KEYS = ("objective", "sources", "author", "reviewers", "reviews", "enemies")


def comment_meta(item: Item) -> str:
    """Objective, sources, author, reviewers (and reviews and enemies, when the item has them)
    as one-line JSON for a GIFT or XML comment.

    Safe in both: ``--`` (which would end an XML comment) and ``[id:`` / ``[tag:`` (which
    Moodle's GIFT reader would take for the question's idnumber or tags) can only occur inside
    JSON strings, where a ``\\u`` escape stands for the same character.
    """
    data = {
        "objective": item.objective,
        "sources": [source.to_dict() for source in item.sources],
        "author": item.author,
        "reviewers": list(item.reviewers),
    }
    if item.reviews:
        data["reviews"] = [review.to_dict() for review in item.reviews]
    if item.enemies:
        data["enemies"] = list(item.enemies)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    raw = (
        raw.replace("--", "-\\u002d").replace("[id:", "\\u005bid:").replace("[tag:", "\\u005btag:")
    )
    return f"{META_MARK} {raw}"


def parse_meta(text: str, where: str, line: int | None = None) -> dict[str, Any]:
    raw = text.split(META_MARK, 1)[1].strip()
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"unreadable {META_MARK} comment: {error.msg}", line=line, element=where
        ) from None
    if not isinstance(data, dict):
        raise FormatError(f"{META_MARK} must hold a JSON object", line=line, element=where)
    unknown = set(data) - set(META_KEYS)
    if unknown:
        raise FormatError(
            f"{META_MARK} holds unknown fields: {', '.join(sorted(unknown))}",
            line=line,
            element=where,
        )
    return data


# -- from parsed pieces to an Item ----------------------------------------------------------
def build_item(
    data: dict[str, Any],
    *,
    source: str,
    line: int | None = None,
    element: str | None = None,
) -> Item:
    """Validate an item read from an exchange format with the master schema."""
    language = data.pop("language", None)
    topic = data.pop("topic", None)
    item_id = data.get("id")
    if not topic and isinstance(item_id, str):
        match = re.match(r"^(T\d{2})-", item_id)
        topic = match.group(1) if match else None
    if not language:
        raise FormatError(
            "cannot tell the item's language (no boussole-lang tag)", line=line, element=element
        )
    if not topic:
        raise FormatError(
            "cannot tell the item's topic (no boussole-topic tag)", line=line, element=element
        )
    try:
        return Item.from_dict(data, file=source, language=str(language), topic=str(topic))
    except SchemaError as error:
        message = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
        raise FormatError(message, line=line, element=element) from None
