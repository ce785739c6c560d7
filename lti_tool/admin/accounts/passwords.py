"""The admin password policy, used by every way a password is set (CLI and admin page).

Long enough, not a common password (the 20,000 of ``common-passwords.txt.gz``, also with the
digits and signs people add around a word), not the account name or close to it, not a few
characters repeated (``aaaaaaaaaaaa``, ``abcabcabcabc``).
"""

from __future__ import annotations

import gzip
import re
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
#: scrypt cost grows with the input; no one types more than this.
MAX_LENGTH = 256
MIN_DISTINCT = 5
_LIST = Path(__file__).with_name("common-passwords.txt.gz")
_AROUND_A_WORD = re.compile(r"^[\W\d_]*(.*?)[\W\d_]*$")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(_LIST, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def _is_common(password: str) -> bool:
    lowered = password.lower().strip()
    core = _AROUND_A_WORD.match(lowered)
    candidates = {lowered, lowered.replace(" ", ""), core.group(1) if core else lowered}
    return any(c in common_passwords() for c in candidates)


def _near_username(password: str, username: str) -> bool:
    name, lowered = username.lower().strip(), password.lower()
    if len(name) < 3:
        return False
    if name in lowered or lowered in name:
        return True
    return SequenceMatcher(a=lowered, b=name).quick_ratio() >= 0.7


def _repetitive(password: str) -> bool:
    return len(set(password)) < MIN_DISTINCT or re.fullmatch(r"(.+?)\1+", password) is not None


def problems(password: str, username: str) -> list[Any]:
    """What is wrong with this password for this account (empty: it is accepted)."""
    found: list[Any] = []
    if len(password) < MIN_LENGTH:
        found.append(_l("The password must have at least %(num)s characters.", num=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        found.append(_l("The password must have at most %(num)s characters.", num=MAX_LENGTH))
    if _repetitive(password):
        found.append(_l("The password repeats too few characters."))
    if _is_common(password):
        found.append(_l("This password is among the most common ones: choose another."))
    if _near_username(password, username):
        found.append(_l("The password is too close to the account name."))
    return found
