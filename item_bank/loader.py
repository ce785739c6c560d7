"""Read the master copy of the bank: ``content/{fr,en}/Txx.yaml`` and ``content/topics.yaml``.

:func:`read_bank` collects every error (file, item, field) and returns what it could read;
:func:`load_bank` raises :class:`BankLoadError` unless the whole bank is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from item_bank.errors import BankLoadError, SchemaError
from item_bank.schema import LANGUAGES, Bank, Item

__all__ = [
    "CONTENT_ROOT",
    "LoadResult",
    "Topic",
    "load_bank",
    "load_file",
    "load_topics",
    "read_bank",
]

#: The shipped master copy.
CONTENT_ROOT = Path(__file__).resolve().parent / "content"
TOPICS_FILE = "topics.yaml"
# yaml.safe_load's loader, in C when libyaml is there (same safe constructors, 5-10x faster).
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FILE_FIELDS = ("topic", "language", "items")


@dataclass(frozen=True)
class Topic:
    id: str
    names: Mapping[str, str]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("fr") or self.id


@dataclass(frozen=True)
class LoadResult:
    bank: Bank
    errors: tuple[SchemaError, ...]


def load_bank(root: Path | None = None) -> Bank:
    """The whole bank, or :class:`BankLoadError` listing every error."""
    result = read_bank(root)
    if result.errors:
        raise BankLoadError(result.errors)
    return result.bank


def read_bank(root: Path | None = None) -> LoadResult:
    """Read every master file under ``root``; keep the valid items and collect the errors."""
    root = CONTENT_ROOT if root is None else Path(root)
    errors: list[SchemaError] = []
    topics: Mapping[str, Topic] | None = None
    if (root / TOPICS_FILE).exists():
        try:
            topics = load_topics(root)
        except SchemaError as error:
            errors.extend(error.errors)
    items: list[Item] = []
    for language in LANGUAGES:
        folder = root / language
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".yaml", ".yml") or not path.is_file():
                continue
            file_items, file_errors = load_file(
                path, name=f"{language}/{path.name}", language=language, topics=topics
            )
            items.extend(file_items)
            errors.extend(file_errors)
    return LoadResult(Bank(tuple(items)), tuple(errors))


def load_file(
    path: Path,
    *,
    name: str | None = None,
    language: str | None = None,
    topics: Mapping[str, Topic] | None = None,
) -> tuple[list[Item], list[SchemaError]]:
    """Items of one master file and the errors found in it.

    ``language`` is the folder's language (checked against the file's own ``language``); the
    topic must match the file name (``T02.yaml`` holds ``topic: T02``).
    """
    name = name or path.name
    errors: list[SchemaError] = []

    def fail(message: str, field: str = "") -> tuple[list[Item], list[SchemaError]]:
        errors.append(SchemaError(message, file=name, field=field))
        return [], errors

    try:
        data = _safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return fail("is not UTF-8 text")
    except yaml.YAMLError as error:
        return fail(f"is not valid YAML: {_yaml_message(error)}")
    if data is None:
        return fail("is empty")
    if not isinstance(data, Mapping):
        return fail("must be a mapping with topic, language and items")
    for key in data:
        if key not in _FILE_FIELDS:
            errors.append(SchemaError("unknown field", file=name, field=str(key)))
    topic, file_language = data.get("topic"), data.get("language")
    if not isinstance(topic, str) or topic != path.stem:
        return fail(f"must be {path.stem!r} (the file's name), not {topic!r}", "topic")
    if topics is not None and topic not in topics:
        return fail(f"{topic!r} is not listed in {TOPICS_FILE}", "topic")
    if not isinstance(file_language, str) or file_language not in LANGUAGES:
        return fail(f"must be one of {', '.join(LANGUAGES)}, not {file_language!r}", "language")
    if language is not None and file_language != language:
        return fail(f"is {file_language!r} but the file sits in {language}/", "language")
    raw_items = data.get("items")
    if not isinstance(raw_items, list):
        return fail("must be a list of items", "items")

    items: list[Item] = []
    for index, raw in enumerate(raw_items):
        label = f"items[{index}]"
        if not isinstance(raw, Mapping):
            errors.append(SchemaError("must be a mapping", file=name, item=label))
            continue
        try:
            items.append(
                Item.from_dict(raw, file=name, language=file_language, topic=topic, label=label)
            )
        except SchemaError as error:
            errors.extend(error.errors)
    return items, errors


def load_topics(root: Path | None = None) -> dict[str, Topic]:
    """Topic names in both languages, by id (``T01`` ...)."""
    root = CONTENT_ROOT if root is None else Path(root)
    path = root / TOPICS_FILE
    try:
        data: Any = _safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise SchemaError(f"cannot be read: {error}", file=TOPICS_FILE) from error
    if not isinstance(data, Mapping):
        raise SchemaError("must map topic ids to names", file=TOPICS_FILE)
    topics: dict[str, Topic] = {}
    for topic_id, names in data.items():
        if not isinstance(names, Mapping) or not all(
            isinstance(names.get(lang), str) and names.get(lang) for lang in LANGUAGES
        ):
            raise SchemaError(
                "must give a name in fr and en", file=TOPICS_FILE, field=str(topic_id)
            )
        topics[str(topic_id)] = Topic(str(topic_id), {lang: names[lang] for lang in LANGUAGES})
    return topics


def _safe_load(text: str) -> Any:
    """``yaml.safe_load`` (plain data only: no Python objects can be built from the file)."""
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a SafeLoader


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem}"
    return str(problem)
