"""Malformed requests for every route of ``app.url_map``, read at run time (routes added later
are covered without touching this file)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter, PathConverter, Rule

#: Names the tool's forms and links use, so that many requests reach past the first check.
KNOWN_KEYS = (
    "lt lang next page q topic level language status format version iss login_hint "
    "lti_message_hint client_id target_link_uri lti_deployment_id id_token state "
    "registration_token lti_storage_target choice position item csrf_token username "
    "password to_status from_status note model min_pilot_responses max_se platform subject "
    "confirm max_items min_items topics feedback attempts counts se_target title deployment_id "
    "name issuer auth_login_url auth_token_url key_set_url active current_password "
    "new_password keep_status invitation score comment"
).split()

#: Values that broke or nearly broke something once. No URL names a host off this machine:
#: a fuzzed value must never make the tool call out (127.0.0.1:1 is a closed loopback port).
SPECIAL = [
    "",
    "\x00",
    "a\x00b",
    "%00",
    "0",
    "1",
    "-1",
    "2147483647",
    "2147483648",
    "99999999999",
    "9" * 40,
    "1e309",
    "NaN",
    "-0.0",
    "../../etc/passwd",
    "//127.0.0.1:1/x",
    "/%09/127.0.0.1:1",
    "\\\\127.0.0.1:1",
    "https://127.0.0.1:1/x",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '{"a": [1, {"b": null}]}',
    "[" * 3000,
    "é" * 200,
    "a" * 5000,
    "\r\nX-Injected: 1",
    "\ud7ff\ue000\uffff",
    "T01-001",
    "fr",
    "en",
    "reviewed",
    "calibrated",
    "json",
    "qti",
    "2PL",
]

_SAFE_TEXT = st.text(max_size=20).filter(lambda v: "://" not in v)
VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    _SAFE_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
KEYS = st.one_of(st.sampled_from(KNOWN_KEYS), _SAFE_TEXT.filter(bool))
PAIRS = st.lists(st.tuples(KEYS, VALUES), max_size=5)
METHODS_EXTRA = ("PUT", "DELETE", "PATCH")


@dataclass
class FuzzRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    body_kind: str
    pairs: list[tuple[str, str]] = field(default_factory=list)
    raw: bytes = b""
    content_type: str = ""

    def describe(self) -> str:
        return f"{self.method} {self.path} query={self.query!r} {self.body_kind} {self.pairs!r}"[
            :600
        ]


def _segment(converter: Any) -> st.SearchStrategy[str]:
    if isinstance(converter, IntegerConverter):
        numbers = st.integers(min_value=0, max_value=12).map(str)
        return st.one_of(numbers, numbers, st.sampled_from(SPECIAL), _SAFE_TEXT.filter(bool))
    return st.one_of(st.sampled_from(SPECIAL).filter(bool), _SAFE_TEXT.filter(bool))


def _path(rule: Rule, values: dict[str, str]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        safe = "/" if isinstance(rule._converters[name], PathConverter) else ""  # noqa: SLF001
        return quote(values[name], safe=safe)

    return re.sub(r"<([^>]+)>", fill, rule.rule)


def _raw_body() -> st.SearchStrategy[tuple[bytes, str]]:
    deep = "[" * 100_000 + "]" * 100_000
    return st.one_of(
        st.tuples(st.binary(max_size=200), st.sampled_from(["application/octet-stream", ""])),
        st.tuples(st.just(deep.encode()), st.just("application/json")),
        st.tuples(st.binary(max_size=200), st.just("multipart/form-data; boundary=x")),
        st.tuples(st.binary(max_size=200), st.just("application/x-www-form-urlencoded")),
    )


@st.composite
def fuzz_requests(draw: st.DrawFn, rules: list[Rule], token: str | None) -> FuzzRequest:
    rule = draw(st.sampled_from(rules))
    values = {name: draw(_segment(conv)) for name, conv in rule._converters.items()}  # noqa: SLF001
    methods = sorted((rule.methods or set()) - {"OPTIONS"})
    method = draw(
        st.sampled_from(methods) if draw(st.integers(0, 9)) else st.sampled_from(METHODS_EXTRA)
    )
    query = draw(PAIRS)
    pairs = draw(PAIRS) if method != "GET" else []
    if token is not None and draw(st.integers(0, 9)):
        # Mostly the real token (so the views run), sometimes in the form, sometimes twice.
        (pairs if pairs and draw(st.booleans()) else query).append(("lt", token))
    kind = (
        draw(st.sampled_from(["form", "form", "multipart", "raw"])) if method != "GET" else "none"
    )
    request = FuzzRequest(method, _path(rule, values), query, kind, pairs)
    if kind == "raw":
        request.raw, request.content_type = draw(_raw_body())
    elif kind == "multipart":
        request.raw = draw(st.binary(max_size=300))
    return request
