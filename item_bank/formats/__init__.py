"""Exchange formats: GIFT, Moodle XML, QTI 3.0 and JSON.

Each format module has ``export(items) -> str | bytes`` and ``import_(data) -> list[Item]``;
:data:`FORMATS` lists them. :func:`read` opens a file in any of them (or a master YAML file),
choosing by extension and content; :func:`read_items` is what ``bank import`` calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import yaml

from item_bank.errors import FormatError
from item_bank.formats import gift, json_format, moodle_xml, qti
from item_bank.loader import load_bank, load_file
from item_bank.schema import Item

__all__ = [
    "FORMATS",
    "MAX_ITEMS",
    "Format",
    "FormatError",
    "detect",
    "export",
    "read",
    "read_items",
]

#: The most items one imported file may hold (the whole bank is well under it).
MAX_ITEMS = 10_000


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    binary: bool
    export: Callable[[Sequence[Item]], str | bytes]
    import_: Callable[[str | bytes], list[Item]]


FORMATS: dict[str, Format] = {
    "gift": Format("gift", gift.EXTENSION, False, gift.export, gift.import_),
    "moodle-xml": Format(
        "moodle-xml", moodle_xml.EXTENSION, False, moodle_xml.export, moodle_xml.import_
    ),
    "qti": Format("qti", qti.EXTENSION, True, qti.export, qti.import_),
    "json": Format("json", json_format.EXTENSION, False, json_format.export, json_format.import_),
}


def export(items: Sequence[Item], fmt: str) -> str | bytes:
    """``items`` written in format ``fmt`` (a key of :data:`FORMATS`)."""
    try:
        chosen = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(FORMATS)}") from None
    return chosen.export(items)


def detect(data: bytes, filename: str = "") -> str:
    """The format of a file: ``yaml`` for a master file, else a key of :data:`FORMATS`."""
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"PK"):
        return "qti"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:2048]
    if head.startswith(b"<"):
        return "qti" if b"qti-assessment-item" in head else "moodle-xml"
    if head.startswith((b"{", b"[")) and not head.startswith(b"[html]"):
        return "json"
    if suffix == ".json":
        return "json"
    if suffix == ".xml":
        return "moodle-xml"
    return "gift"


def read(path: str | PathLike[str]) -> list[Item]:
    """Parse a file in any format; :class:`FormatError` (naming the file and where in it)
    if anything in it cannot be read, in which case nothing is returned."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FormatError(f"cannot be read: {error.strerror}", source=str(path)) from None
    fmt = detect(data, path.name)
    try:
        items = _read_as(fmt, path, data)
    except FormatError as error:
        raise error.located(str(path)) from None
    except RecursionError:  # deeply nested JSON, XML or YAML
        raise FormatError("nested too deeply", source=str(path)) from None
    if len(items) > MAX_ITEMS:
        raise FormatError(f"holds more than {MAX_ITEMS} items", source=str(path))
    return items


def _read_as(fmt: str, path: Path, data: bytes) -> list[Item]:
    if fmt != "yaml":
        return FORMATS[fmt].import_(data)
    _refuse_yaml_aliases(data)
    items, errors = load_file(path)
    if errors:
        raise FormatError(
            "; ".join(f"{e.item or '-'}: {e.field or '-'}: {e.message}" for e in errors),
            source=str(path),
        )
    return items


def _refuse_yaml_aliases(data: bytes) -> None:
    """A file given to import may not use YAML aliases: a few nested ones expand to gigabytes
    once the items are walked ("billion laughs"). The shipped master files use none."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        for event in yaml.parse(data, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise FormatError("YAML aliases (*name) are not accepted in an imported file")
    except yaml.YAMLError:
        return  # load_file reports the syntax error with its line


def read_items(path: str | PathLike[str] | None) -> list[Item]:
    """Items to import: ``None`` is the shipped master copy, a folder is a content root, a
    file is read with :func:`read`. Raises :class:`FormatError` or ``BankLoadError``."""
    if path is None:
        return list(load_bank())
    path = Path(path)
    if path.is_dir():
        return list(load_bank(path))
    return read(path)
