"""Hypothesis strategies: items whose texts are full of what exchange formats must escape."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import strategies as st

from item_bank._fields import normalize_text
from item_bank.schema import Item

#: GIFT syntax, XML and HTML specials, Moodle placeholders, JSON-in-comment hazards, unicode.
SPECIALS = [
    "~", "=", "#", "{", "}", ":", "\\", "[", "]", "%", "<", ">", "&", '"', "'", "*", "/",
    "\n", "\t", "]]>", "--", "-->", "<!--", "[tag:x]", "[id:y]", "####", "**", "&amp;",
    "<br />", "\\n", "\\:", "$CATEGORY:", "//", "->", "[html]", "[plain]", "%50%", "%-100%",
    "&&058;", "\u00a0", "\u202f", "é", "Œ", "😀", "中文", "\u2028", "0", "T", "FALSE",
]  # fmt: skip

_PLAIN = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff")


def texts(*, required: bool = True) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.sampled_from(SPECIALS), st.text(_PLAIN, max_size=6))
    raw = st.lists(pieces, min_size=1 if required else 0, max_size=8).map("".join)
    cleaned = raw.map(normalize_text)
    return cleaned.filter(bool) if required else cleaned


tags = (
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzéà0123456789-_ .:"), min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda t: bool(t) and not t.lower().startswith("boussole-"))
)
floats = st.floats(min_value=-3.5, max_value=3.5, allow_nan=False, allow_infinity=False)


@st.composite
def options(draw: st.DrawFn, kind: str) -> list[dict[str, Any]]:
    count = 2 if kind == "truefalse" else draw(st.integers(3, 5))
    if kind == "multiple":
        keys = draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=count))
    else:
        keys = {draw(st.integers(0, count - 1))}
    return [
        {
            "text": draw(texts()),
            "correct": index in keys,
            "feedback": draw(texts(required=False)),
        }
        for index in range(count)
    ]


@st.composite
def irt_params(draw: st.DrawFn) -> dict[str, Any]:
    model = draw(st.sampled_from(["1PL", "2PL", "3PL"]))
    data: dict[str, Any] = {
        "model": model,
        "a": draw(st.floats(min_value=0.05, max_value=4.0, allow_nan=False)),
        "b": draw(floats),
        "c": draw(st.floats(min_value=0.0, max_value=0.4)) if model == "3PL" else 0.0,
    }
    for key in ("se_a", "se_b"):
        if draw(st.booleans()):
            data[key] = draw(st.floats(min_value=0.0, max_value=2.0))
    if draw(st.booleans()):
        data["n"] = draw(st.integers(0, 100_000))
    return data


@st.composite
def items(draw: st.DrawFn, *, language: str | None = None, number: int = 1) -> Item:
    language = language or draw(st.sampled_from(["fr", "en"]))
    topic = f"T{draw(st.integers(1, 14)):02d}"
    kind = draw(st.sampled_from(["single", "multiple", "truefalse"]))
    status = draw(st.sampled_from(["draft", "reviewed", "piloted", "calibrated", "retired"]))
    data: dict[str, Any] = {
        "id": f"{topic}-{number:03d}",
        "version": draw(st.integers(1, 9)),
        "status": status,
        "type": kind,
        "level": draw(st.integers(1, 3)),
        "objective": draw(texts(required=False)),
        "difficulty_prior": draw(floats),
        "stem": draw(texts()),
        "options": draw(options(kind)),
        "general_feedback": draw(texts(required=False)),
        "sources": [
            {
                "title": draw(texts(required=False)),
                "publisher": draw(texts(required=False)),
                "date": draw(st.sampled_from(["", "2024", "2025-06", "2025-06-30"])),
                "section": draw(texts(required=False)),
                "url": draw(
                    st.sampled_from(["", "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"])
                ),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "author": draw(texts(required=False)),
        "reviewers": draw(st.lists(texts(), max_size=2)),
        "reviews": [
            {
                "by": draw(texts()),
                "role": draw(st.sampled_from(["legal", "pedagogy", "language", "bias", "subject"])),
                **({"date": "2026-07-02"} if draw(st.booleans()) else {}),
                **({"version": draw(st.integers(1, 9))} if draw(st.booleans()) else {}),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "enemies": draw(
            st.lists(st.sampled_from(["T01-900", "T05-901", "T14-902"]), max_size=2, unique=True)
        ),
        "tags": draw(st.lists(tags, max_size=3, unique_by=str.lower)),
    }
    if draw(st.booleans()):
        data["recheck_by"] = draw(st.dates(date(2024, 1, 1), date(2035, 12, 31))).isoformat()
    if status == "calibrated" or draw(st.booleans()):
        data["irt"] = draw(irt_params())
    return Item.from_dict(data, file="hypothesis", language=language, topic=topic)


@st.composite
def item_lists(draw: st.DrawFn) -> list[Item]:
    """A few items with distinct (id, language)."""
    count = draw(st.integers(1, 4))
    return [draw(items(number=n)) for n in range(1, count + 1)]
