"""GIFT text with its escapes, kept as tokens that remember where they came from.

Moodle's reader (``qformat_gift::escapedchar_pre``) first turns ``\\\\`` into a backslash, then
``\\:`` ``\\#`` ``\\=`` ``\\{`` ``\\}`` ``\\~`` into literal characters and ``\\n`` into a newline,
before it looks for the question's structure. A :class:`Chars` does the same, but keeps for every
character whether it was escaped (escaped characters never count as syntax) and its offset in the
file, so that errors can name their line.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

_ESCAPES = {":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n"}
#: PHP's ``trim`` characters.
PHP_SPACE = " \t\n\r\0\x0b"


def php_trim(text: str) -> str:
    return text.strip(PHP_SPACE)


@dataclass(frozen=True)
class Chars:
    chars: str
    escaped: tuple[bool, ...]
    offsets: tuple[int, ...]

    @classmethod
    def parse(cls, raw: str, base: int = 0) -> Chars:
        chars: list[str] = []
        escaped: list[bool] = []
        offsets: list[int] = []
        i = 0
        while i < len(raw):
            char = raw[i]
            if char == "\\" and i + 1 < len(raw):
                following = raw[i + 1]
                if following == "\\":
                    chars.append("\\")
                elif following in _ESCAPES:
                    chars.append(_ESCAPES[following])
                else:
                    chars.append(char)
                    escaped.append(False)
                    offsets.append(base + i)
                    i += 1
                    continue
                escaped.append(True)
                offsets.append(base + i)
                i += 2
                continue
            chars.append(char)
            escaped.append(False)
            offsets.append(base + i)
            i += 1
        return cls("".join(chars), tuple(escaped), tuple(offsets))

    def __len__(self) -> int:
        return len(self.chars)

    def __getitem__(self, key: slice) -> Chars:
        return Chars(self.chars[key], self.escaped[key], self.offsets[key])

    @property
    def text(self) -> str:
        return self.chars

    def offset(self, default: int = 0) -> int:
        return self.offsets[0] if self.offsets else default

    def find(self, syntax: str, start: int = 0) -> int:
        """Index of the first unescaped occurrence of ``syntax``, or -1."""
        index = self.chars.find(syntax, start)
        while index != -1:
            if not any(self.escaped[index : index + len(syntax)]):
                return index
            index = self.chars.find(syntax, index + 1)
        return -1

    def rfind(self, syntax: str) -> int:
        index = self.chars.rfind(syntax)
        while index != -1:
            if not any(self.escaped[index : index + len(syntax)]):
                return index
            index = self.chars.rfind(syntax, 0, index + len(syntax) - 1)
        return -1

    def startswith(self, syntax: str) -> bool:
        return self.find(syntax) == 0 if self.chars.startswith(syntax) else False

    def strip(self) -> Chars:
        """PHP ``trim`` of the unescaped whitespace at both ends."""
        start, end = 0, len(self.chars)
        while start < end and self.chars[start] in PHP_SPACE and not self.escaped[start]:
            start += 1
        while end > start and self.chars[end - 1] in PHP_SPACE and not self.escaped[end - 1]:
            end -= 1
        return self[start:end]

    def split(self, separator: str, limit: int = 0) -> list[Chars]:
        """``explode`` on unescaped ``separator`` (at most ``limit`` parts if given)."""
        parts: list[Chars] = []
        start = 0
        while limit == 0 or len(parts) < limit - 1:
            index = self.find(separator, start)
            if index == -1:
                break
            parts.append(self[start:index])
            start = index + len(separator)
        parts.append(self[start:])
        return parts

    def split_answers(self) -> list[Chars]:
        """Moodle's ``explode('~', str_replace('=', '~=', $answertext))``: a new answer starts
        at each unescaped ``~`` (dropped) or ``=`` (kept)."""
        parts: list[Chars] = []
        start = 0
        for index, (char, escaped) in enumerate(zip(self.chars, self.escaped, strict=True)):
            if escaped:
                continue
            if char == "~":
                parts.append(self[start:index])
                start = index + 1
            elif char == "=":
                parts.append(self[start:index])
                start = index
        parts.append(self[start:])
        return parts


class LineMap:
    """Offsets in a block's joined text → line numbers in the file."""

    def __init__(self, starts: Sequence[int], numbers: Sequence[int]) -> None:
        self.starts = list(starts)
        self.numbers = list(numbers)

    def line(self, offset: int) -> int:
        index = max(0, bisect.bisect_right(self.starts, offset) - 1)
        return self.numbers[index]
