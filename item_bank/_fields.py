"""Typed readers for the plain dicts that YAML and JSON give us.

A :class:`FieldReader` reads one mapping (an item, an option, a source...), records a
:class:`~item_bank.schema.SchemaError` naming the file, the item and the field for every bad value,
and keeps going so that one pass reports every problem of an item.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from item_bank.errors import SchemaError

E = TypeVar("E", bound=Enum)

#: Characters no export format can carry (XML 1.0 forbids them); tab and newline are fine.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalize_text(value: str) -> str:
    """Unify line ends and trim, so that every format sees the same text."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class FieldReader:
    """Reads fields of one mapping and collects errors instead of stopping at the first."""

    def __init__(
        self,
        data: Mapping[str, Any],
        *,
        file: str,
        item: str,
        prefix: str = "",
        errors: list[SchemaError] | None = None,
    ) -> None:
        self.data = data
        self.file = file
        self.item = item
        self.prefix = prefix
        self.errors: list[SchemaError] = [] if errors is None else errors

    # -- plumbing ---------------------------------------------------------------------------
    def path(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def error(self, name: str, message: str) -> None:
        self.errors.append(
            SchemaError(message, file=self.file, item=self.item, field=self.path(name))
        )

    def child(self, value: Any, name: str) -> FieldReader | None:
        """A reader for a nested mapping, or ``None`` (with an error) if it is not one."""
        if not isinstance(value, Mapping):
            self.error(name, f"must be a mapping, not {_kind(value)}")
            return None
        return FieldReader(
            value, file=self.file, item=self.item, prefix=self.path(name) + ".", errors=self.errors
        )

    def only(self, allowed: Sequence[str]) -> None:
        """Reject unknown keys: a typo such as ``feedbak`` must not be silently dropped."""
        for key in self.data:
            if key not in allowed:
                self.error(str(key), f"unknown field (expected one of: {', '.join(allowed)})")

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    # -- scalars ----------------------------------------------------------------------------
    def text(self, name: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(name)
        if value is None:
            if required:
                self.error(name, "is required")
            return default
        if not isinstance(value, str):
            self.error(
                name,
                f"must be text, not {_kind(value)} (quote it: YAML reads yes/no/true/false "
                "and numbers as non-text)",
            )
            return default
        return self.check_text(name, value, required=required)

    def check_text(self, name: str, value: str, *, required: bool = False) -> str:
        text = normalize_text(value)
        bad = _FORBIDDEN.search(text)
        if bad:
            self.error(name, f"contains the control character U+{ord(bad.group()):04X}")
        if required and not text:
            self.error(name, "must not be empty")
        return text

    def integer(self, name: str, *, required: bool = False, default: int = 0) -> int:
        value = self.data.get(name)
        if value is None:
            if required:
                self.error(name, "is required")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(name, f"must be a whole number, not {_kind(value)}")
            return default
        return value

    def number(self, name: str, *, required: bool = False, default: float = 0.0) -> float:
        value = self.data.get(name)
        if value is None:
            if required:
                self.error(name, "is required")
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(name, f"must be a number, not {_kind(value)}")
            return default
        if not math.isfinite(value):
            self.error(name, "must be a finite number")
            return default
        return float(value)

    def optional_number(self, name: str) -> float | None:
        return self.number(name) if self.has(name) else None

    def boolean(self, name: str, *, required: bool = False, default: bool = False) -> bool:
        value = self.data.get(name)
        if value is None:
            if required:
                self.error(name, "is required")
            return default
        if not isinstance(value, bool):
            self.error(name, f"must be true or false, not {_kind(value)}")
            return default
        return value

    def choice(self, name: str, enum: type[E], *, required: bool = False) -> E | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.error(name, "is required")
            return None
        for member in enum:
            if value == member.value:
                return member
        allowed = ", ".join(str(m.value) for m in enum)
        self.error(name, f"must be one of {allowed}, not {value!r}")
        return None

    def day(self, name: str) -> date | None:
        """A calendar date: YAML gives a ``date`` for ``2027-06-30``, JSON a string."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(name, f"must be a date written YYYY-MM-DD, not {value!r}")
        return None

    def loose_date(self, name: str) -> str:
        """A source date: ``2025``, ``2025-06`` or ``2025-06-30`` (kept as text)."""
        value = self.data.get(name)
        if value is None:
            return ""
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            return self.check_text(name, value)
        self.error(name, f"must be a date or text, not {_kind(value)}")
        return ""

    # -- collections ------------------------------------------------------------------------
    def items(self, name: str, *, required: bool = False) -> list[Any]:
        value = self.data.get(name)
        if value is None:
            if required:
                self.error(name, "is required")
            return []
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.error(name, f"must be a list, not {_kind(value)}")
            return []
        return list(value)

    def texts(self, name: str) -> tuple[str, ...]:
        result: list[str] = []
        for index, value in enumerate(self.items(name)):
            label = f"{name}[{index}]"
            if not isinstance(value, str):
                self.error(label, f"must be text, not {_kind(value)}")
                continue
            text = self.check_text(label, value, required=True)
            if text:
                result.append(text)
        return tuple(result)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    return type(value).__name__
