"""The item bank's data model: items, options, sources, IRT parameters and the bank.

Items are frozen dataclasses built by :meth:`Item.from_dict` from the master YAML files (see
``docs/item-format.md``) or from an exchange format; :meth:`Item.to_dict` is the inverse. Every
validation error is a :class:`SchemaError` naming the file, the item id and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from item_bank._fields import FieldReader
from item_bank.errors import SchemaError

__all__ = [
    "DEFAULT_PRIOR",
    "LANGUAGES",
    "LEVELS",
    "Bank",
    "IrtModel",
    "IrtParams",
    "Item",
    "ItemType",
    "Option",
    "Review",
    "ReviewRole",
    "SchemaError",
    "Source",
    "Status",
]

LANGUAGES: tuple[str, ...] = ("fr", "en")
LEVELS: tuple[int, ...] = (1, 2, 3)
#: Difficulty prior (b on the θ scale) of each CAIRE level, before the writer's adjustment.
DEFAULT_PRIOR: Mapping[int, float] = {1: -1.0, 2: 0.0, 3: 1.0}
#: Free tags may not use this prefix: exports use it for the item's own metadata.
RESERVED_TAG_PREFIX = "boussole-"
MAX_TAG_LENGTH = 50  # Moodle's TAG_MAX_LENGTH

_TOPIC = re.compile(r"^T\d{2}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_TAG_FORBIDDEN = re.compile(r"[<>`\[\],\n\t]")

_ITEM_FIELDS = (
    "id",
    "language",
    "topic",
    "version",
    "status",
    "type",
    "level",
    "objective",
    "difficulty_prior",
    "stem",
    "options",
    "general_feedback",
    "sources",
    "author",
    "reviewers",
    "reviews",
    "recheck_by",
    "tags",
    "enemies",
    "irt",
)


class Status(StrEnum):
    """Life cycle of an item."""

    DRAFT = "draft"
    REVIEWED = "reviewed"
    PILOTED = "piloted"
    CALIBRATED = "calibrated"
    RETIRED = "retired"


OPERATIONAL: frozenset[Status] = frozenset({Status.REVIEWED, Status.PILOTED, Status.CALIBRATED})


class ItemType(StrEnum):
    """single: exactly one key; multiple: one or more keys; truefalse: two options, one key."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUEFALSE = "truefalse"


class ReviewRole(StrEnum):
    """What a reviewer checked: the law, the teaching, the language, bias, or the subject."""

    LEGAL = "legal"
    PEDAGOGY = "pedagogy"
    LANGUAGE = "language"
    BIAS = "bias"
    SUBJECT = "subject"


class IrtModel(StrEnum):
    """The logistic models of ``item_bank.irt.models`` (kept here to stay free of numpy)."""

    ONE_PL = "1PL"
    TWO_PL = "2PL"
    THREE_PL = "3PL"


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool
    feedback: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "correct": self.correct, "feedback": self.feedback}


@dataclass(frozen=True)
class Source:
    title: str = ""
    publisher: str = ""
    date: str = ""
    section: str = ""
    url: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = {"title": self.title, "publisher": self.publisher}
        data.update({k: v for k, v in self._optional().items() if v})
        return data

    def _optional(self) -> dict[str, str]:
        return {"date": self.date, "section": self.section, "url": self.url}


@dataclass(frozen=True)
class Review:
    """One review of an item: who, in what role, when, and which version they read."""

    by: str
    role: ReviewRole
    date: date | None = None
    #: The item version reviewed; a review of an older version no longer counts.
    version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"by": self.by, "role": self.role.value}
        if self.date is not None:
            data["date"] = self.date.isoformat()
        if self.version is not None:
            data["version"] = self.version
        return data


@dataclass(frozen=True)
class IrtParams:
    """Calibrated parameters with their standard errors and the calibration sample size."""

    b: float
    a: float = 1.0
    c: float = 0.0
    model: IrtModel = IrtModel.TWO_PL
    se_a: float | None = None
    se_b: float | None = None
    n: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"model": self.model.value, "a": self.a, "b": self.b, "c": self.c}
        for key in ("se_a", "se_b", "n"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        return data


@dataclass(frozen=True)
class Item:
    """One question in one language, with all the metadata of ``docs/item-format.md``."""

    id: str
    language: str
    topic: str
    version: int
    status: Status
    type: ItemType
    level: int
    stem: str
    options: tuple[Option, ...]
    objective: str = ""
    difficulty_prior: float = 0.0
    general_feedback: str = ""
    sources: tuple[Source, ...] = ()
    author: str = ""
    #: Names only (the older form); ``reviews`` says who reviewed in which role.
    reviewers: tuple[str, ...] = ()
    reviews: tuple[Review, ...] = ()
    recheck_by: date | None = None
    tags: tuple[str, ...] = ()
    #: Ids of items that test the same idea: an attempt never holds two of them.
    enemies: tuple[str, ...] = ()
    irt: IrtParams | None = None

    # -- derived ----------------------------------------------------------------------------
    @property
    def key_indices(self) -> tuple[int, ...]:
        """0-based positions of the correct options."""
        return tuple(i for i, option in enumerate(self.options) if option.correct)

    @property
    def is_operational(self) -> bool:
        """Whether the item may be delivered to learners (reviewed, piloted or calibrated)."""
        return self.status in OPERATIONAL

    def content_hash(self) -> str:
        """A stable hash of what learners read; when it changes, the version must change."""
        payload = {
            "type": self.type.value,
            "stem": self.stem,
            "options": [option.to_dict() for option in self.options],
            "general_feedback": self.general_feedback,
        }
        raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    # -- conversion -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The item as written in a master file (language and topic live at file level)."""
        data: dict[str, Any] = {
            "id": self.id,
            "version": self.version,
            "status": self.status.value,
            "type": self.type.value,
            "level": self.level,
            "objective": self.objective,
            "difficulty_prior": self.difficulty_prior,
            "stem": self.stem,
            "options": [option.to_dict() for option in self.options],
            "general_feedback": self.general_feedback,
            "sources": [source.to_dict() for source in self.sources],
            "author": self.author,
            "reviewers": list(self.reviewers),
        }
        if self.reviews:
            data["reviews"] = [review.to_dict() for review in self.reviews]
        if self.recheck_by is not None:
            data["recheck_by"] = self.recheck_by.isoformat()
        if self.tags:
            data["tags"] = list(self.tags)
        if self.enemies:
            data["enemies"] = list(self.enemies)
        if self.irt is not None:
            data["irt"] = self.irt.to_dict()
        return data

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        file: str,
        language: str,
        topic: str,
        label: str = "?",
    ) -> Item:
        """Validate one item of a master file; raise :class:`SchemaError` naming what is wrong.

        ``language`` and ``topic`` come from the file; if the mapping carries them too (as in
        the JSON exchange format) they must agree. ``label`` names the item in errors when it
        has no usable id (e.g. ``items[3]``).
        """
        raw_id = data.get("id")
        name = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else label
        reader = FieldReader(data, file=file, item=name)
        item = _read_item(reader, language=language, topic=topic)
        if reader.errors or item is None:
            first = reader.errors[0]
            raise SchemaError(
                first.message,
                file=first.file,
                item=first.item,
                field=first.field,
                errors=reader.errors,
            )
        return item


def _read_item(reader: FieldReader, *, language: str, topic: str) -> Item | None:
    reader.only(_ITEM_FIELDS)
    for name, expected in (("language", language), ("topic", topic)):
        if reader.has(name) and reader.data.get(name) != expected:
            reader.error(name, f"is {reader.data.get(name)!r} but the file says {expected!r}")
    if language not in LANGUAGES:
        reader.error("language", f"must be one of {', '.join(LANGUAGES)}, not {language!r}")
    if not _TOPIC.match(topic):
        reader.error("topic", f"must look like T01, not {topic!r}")

    item_id = reader.text("id", required=True)
    if item_id and not _ID.match(item_id):
        reader.error("id", f"must be letters, digits, '-', '_' or '.', not {item_id!r}")
    version = reader.integer("version", required=True, default=1)
    if version < 1:
        reader.error("version", "must be 1 or more")
    status = reader.choice("status", Status, required=True)
    item_type = reader.choice("type", ItemType, required=True)
    level = reader.integer("level", required=True, default=1)
    if level not in LEVELS:
        reader.error("level", f"must be 1, 2 or 3, not {level}")
    prior = reader.number("difficulty_prior", default=DEFAULT_PRIOR.get(level, 0.0))
    if not -4.0 <= prior <= 4.0:
        reader.error("difficulty_prior", "must lie between -4 and 4 on the θ scale")

    options = tuple(_read_options(reader))
    irt = _read_irt(reader)
    if status is Status.CALIBRATED and irt is None:
        reader.error("irt", "is required once the item is calibrated")
    tags = reader.texts("tags")
    for index, tag in enumerate(tags):
        _check_tag(reader, f"tags[{index}]", tag)
    enemies = reader.texts("enemies")
    for index, enemy in enumerate(enemies):
        if not _ID.match(enemy):
            reader.error(f"enemies[{index}]", f"must be an item id, not {enemy!r}")
        elif enemy == item_id:
            reader.error(f"enemies[{index}]", "an item cannot be its own enemy")
    stem = reader.text("stem", required=True)
    objective = reader.text("objective")
    general_feedback = reader.text("general_feedback")
    sources = tuple(_read_sources(reader))
    author = reader.text("author")
    reviewers = reader.texts("reviewers")
    reviews = tuple(_read_reviews(reader))
    recheck_by = reader.day("recheck_by")

    if status is None or item_type is None:
        return None
    return Item(
        id=item_id,
        language=language,
        topic=topic,
        version=version,
        status=status,
        type=item_type,
        level=level,
        stem=stem,
        options=options,
        objective=objective,
        difficulty_prior=prior,
        general_feedback=general_feedback,
        sources=sources,
        author=author,
        reviewers=reviewers,
        reviews=reviews,
        recheck_by=recheck_by,
        tags=tags,
        enemies=enemies,
        irt=irt,
    )


def _read_options(reader: FieldReader) -> Iterator[Option]:
    raw = reader.items("options", required=True)
    if reader.has("options") and not raw:
        reader.error("options", "must list at least one option")
    for index, value in enumerate(raw):
        sub = reader.child(value, f"options[{index}]")
        if sub is None:
            continue
        sub.only(("text", "correct", "feedback"))
        yield Option(
            text=sub.text("text", required=True),
            correct=sub.boolean("correct", required=True),
            feedback=sub.text("feedback"),
        )


def _read_sources(reader: FieldReader) -> Iterator[Source]:
    for index, value in enumerate(reader.items("sources")):
        sub = reader.child(value, f"sources[{index}]")
        if sub is None:
            continue
        sub.only(("title", "publisher", "date", "section", "url"))
        url = sub.text("url")
        problem = url_problem(url) if url else None
        if problem:
            sub.error("url", problem)
        yield Source(
            title=sub.text("title"),
            publisher=sub.text("publisher"),
            date=sub.loose_date("date"),
            section=sub.text("section"),
            url=url,
        )


MAX_URL_LENGTH = 2000


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a source's link (None if it can): https only, with a host, no
    spaces, no user name or password."""
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    if any(c.isspace() for c in url):
        return "must not contain spaces (write them %20)"
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"must start with https:// (a secure link), not {url!r}"
    if not parts.hostname or "." not in parts.hostname or "@" in parts.netloc:
        return f"must name a web host (https://host/...), not {url!r}"
    return None


def _read_reviews(reader: FieldReader) -> Iterator[Review]:
    for index, value in enumerate(reader.items("reviews")):
        sub = reader.child(value, f"reviews[{index}]")
        if sub is None:
            continue
        sub.only(("by", "role", "date", "version"))
        by = sub.text("by", required=True)
        role = sub.choice("role", ReviewRole, required=True)
        day = sub.day("date")
        version = sub.integer("version") if sub.has("version") else None
        if version is not None and version < 1:
            sub.error("version", "must be 1 or more")
        if role is not None:
            yield Review(by=by, role=role, date=day, version=version)


def _read_irt(reader: FieldReader) -> IrtParams | None:
    if not reader.has("irt"):
        return None
    sub = reader.child(reader.data["irt"], "irt")
    if sub is None:
        return None
    sub.only(("model", "a", "b", "c", "se_a", "se_b", "n"))
    model = sub.choice("model", IrtModel) or IrtModel.TWO_PL
    a = sub.number("a", default=1.0)
    b = sub.number("b", required=True)
    c = sub.number("c", default=0.0)
    if not 0.0 < a <= 10.0:
        sub.error("a", "must be above 0 and at most 10")
    if not -10.0 <= b <= 10.0:
        sub.error("b", "must lie between -10 and 10")
    if not 0.0 <= c < 1.0:
        sub.error("c", "must lie in [0, 1)")
    if model is not IrtModel.THREE_PL and c != 0.0:
        sub.error("c", f"must be 0 for a {model.value} item")
    se_a, se_b = sub.optional_number("se_a"), sub.optional_number("se_b")
    for name, value in (("se_a", se_a), ("se_b", se_b)):
        if value is not None and value < 0:
            sub.error(name, "must not be negative")
    n = sub.integer("n") if sub.has("n") else None
    if n is not None and n < 0:
        sub.error("n", "must not be negative")
    return IrtParams(b=b, a=a, c=c, model=model, se_a=se_a, se_b=se_b, n=n)


def _check_tag(reader: FieldReader, name: str, tag: str) -> None:
    if tag.lower().startswith(RESERVED_TAG_PREFIX):
        reader.error(name, f"the prefix {RESERVED_TAG_PREFIX!r} is reserved for exports")
    if len(tag) > MAX_TAG_LENGTH:
        reader.error(name, f"must be at most {MAX_TAG_LENGTH} characters (Moodle's limit)")
    if _TAG_FORBIDDEN.search(tag):
        reader.error(name, "must not contain < > ` [ ] , tabs or line breaks")


@dataclass(frozen=True)
class Bank:
    """A set of items in both languages, with lookups by id and language."""

    items: tuple[Item, ...] = ()
    _index: dict[tuple[str, str], Item] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for item in self.items:
            self._index.setdefault((item.id, item.language), item)

    def __iter__(self) -> Iterator[Item]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, item_id: str, language: str) -> Item | None:
        return self._index.get((item_id, language))

    def by_id(self, item_id: str) -> dict[str, Item]:
        """The versions of one item, by language."""
        return {lang: item for (iid, lang), item in self._index.items() if iid == item_id}

    def in_language(self, language: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.language == language)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({item.language for item in self.items}))

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted({item.topic for item in self.items}))

    def pairs(self) -> list[tuple[Item, Item]]:
        """(French, English) versions of every id present in both languages."""
        result = []
        for item in self.items:
            if item.language == "fr":
                english = self.get(item.id, "en")
                if english is not None and self.get(item.id, "fr") is item:
                    result.append((item, english))
        return result

    def filter(
        self,
        *,
        language: str | None = None,
        topics: frozenset[str] | None = None,
        operational: bool = False,
    ) -> Bank:
        return Bank(
            tuple(
                item
                for item in self.items
                if (language is None or item.language == language)
                and (topics is None or item.topic in topics)
                and (not operational or item.is_operational)
            )
        )
