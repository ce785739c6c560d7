"""``next=`` targets: only a path on this site, as strict as Django's
``url_has_allowed_host_and_scheme`` with no allowed host (browsers read ``/\\evil``, ``/%09/evil``
and ``//evil`` as another site)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

#: A path and query of RFC 3986 characters only: no whitespace, control, backslash or non-ASCII.
_PATH_AND_QUERY = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*")
_MAX_LENGTH = 2048


def is_same_site_path(target: str | None) -> bool:
    if not target or len(target) > _MAX_LENGTH or not _PATH_AND_QUERY.fullmatch(target):
        return False
    parts = urlsplit(target)
    if target.startswith("//") or parts.scheme or parts.netloc:
        return False
    # A proxy or browser may decode the path once more: it must still be a plain local path.
    decoded = unquote(parts.path)
    if decoded.startswith(("//", "/\\")) or "\\" in decoded:
        return False
    return not any(ord(char) < 0x20 or ord(char) == 0x7F for char in decoded)
