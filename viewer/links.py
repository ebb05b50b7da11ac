"""URLs from upstream data become links only when they are plain http(s)."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_link(url: object) -> str | None:
    """The URL when it is an absolute http or https address, else None (never a link)."""
    if not isinstance(url, str) or len(url) > 2000:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def is_local_path(target: object) -> bool:
    """True for a path on this site ("/runs/x?node=y"), never "//host", "/\\host" or a scheme."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return False
    if target.startswith(("//", "/\\")) or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
