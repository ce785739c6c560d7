"""JSON: every field of the master copy, one object per item with its language and topic.

``{"format": "boussole-items", "version": 1, "items": [...]}`` (a bare list of items is read
too). Errors name the line of the item (or of the syntax error) in the file.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from item_bank.errors import FormatError, SchemaError
from item_bank.formats._common import sort_for_export
from item_bank.schema import Item

NAME = "json"
EXTENSION = ".json"
FORMAT_ID = "boussole-items"
FORMAT_VERSION = 1


def export(items: Sequence[Item]) -> str:
    rows = [
        {"language": item.language, "topic": item.topic, **item.to_dict()}
        for item in sort_for_export(items)
    ]
    document = {"format": FORMAT_ID, "version": FORMAT_VERSION, "items": rows}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def import_(data: str | bytes) -> list[Item]:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FormatError("is not UTF-8 text", line=1) from error
    text = data.removeprefix("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(f"not valid JSON: {error.msg}", line=error.lineno) from None
    if isinstance(document, dict):
        if document.get("format", FORMAT_ID) != FORMAT_ID:
            raise FormatError(f"not a {FORMAT_ID} document", line=1)
        rows = document.get("items")
    else:
        rows = document
    if not isinstance(rows, list):
        raise FormatError("expected a list of items under 'items'", line=1)
    lines = _item_lines(text, len(rows))
    items = []
    for index, row in enumerate(rows):
        line = lines[index] if index < len(lines) else None
        if not isinstance(row, dict):
            raise FormatError(f"items[{index}] is not an object", line=line)
        language, topic = row.get("language"), row.get("topic")
        if not isinstance(language, str) or not isinstance(topic, str):
            raise FormatError(f"items[{index}] needs a language and a topic", line=line)
        try:
            items.append(
                Item.from_dict(
                    row, file="JSON", language=language, topic=topic, label=f"items[{index}]"
                )
            )
        except SchemaError as error:
            detail = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
            raise FormatError(f"{error.item}: {detail}", line=line) from None
    return items


def _item_lines(text: str, count: int) -> list[int]:
    """Line where each element of the item list starts (JSON parsers do not say)."""
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if text.startswith("{", position):
        position = _find_items(text, decoder, position)
        if position < 0:
            return []
    if not text.startswith("[", position):
        return []
    position = _skip(text, position + 1)
    starts: list[int] = []
    while len(starts) < count and position < len(text) and text[position] != "]":
        starts.append(text.count("\n", 0, position) + 1)
        _value, position = decoder.raw_decode(text, position)
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
    return starts


def _find_items(text: str, decoder: json.JSONDecoder, position: int) -> int:
    """Position of the value of the top-level ``"items"`` key, or -1."""
    position = _skip(text, position + 1)
    while position < len(text) and text[position] != "}":
        key: Any
        key, position = decoder.raw_decode(text, position)
        position = _skip(text, _skip(text, position) + 1)  # past the colon
        if key == "items":
            return position
        _value, position = decoder.raw_decode(text, position)
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
    return -1


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
