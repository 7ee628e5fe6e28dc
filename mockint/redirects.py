"""Where a `next` parameter may send a user: only to a path on this site."""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_NEXT_LENGTH = 2000


def _looks_local(path: str) -> bool:
    if not path.startswith("/") or path.startswith("//"):
        return False
    if "//" in path or "\\" in path:
        return False
    # Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"),
    # and headers cannot carry control characters at all.
    if any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in path):
        return False
    parts = urlsplit(path)
    return not parts.scheme and not parts.netloc


def local_path(target: object) -> str | None:
    """The target if it is a plain path on this site, else None."""
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return None
    # Check the value as given and once decoded, so that an encoded "//" or
    # backslash cannot slip through to a browser or proxy that decodes it.
    if _looks_local(target) and _looks_local(unquote(target)):
        return target
    return None
