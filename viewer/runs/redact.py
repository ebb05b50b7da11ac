"""Secrets out of URLs and values, for pages, raw JSON and logs."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

REDACTED = "[redacted]"
MAX_DEPTH = 200
SECRET_KEY_WORDS = (
    "privatekey",
    "secret",
    "password",
    "passwd",
    "apikey",
    "mnemonic",
    "seedphrase",
    "passphrase",
    "authorization",
    "credential",
    "signingkey",
    "cookie",
)
SECRET_KEY_NAMES = frozenset({"seed", "pk", "jwt", "auth"})
SECRET_TOKEN_PREFIXES = ("access", "auth", "api", "bearer", "refresh", "session", "id", "bot")
SECRET_QUERY_NAMES = frozenset(
    {"key", "apikey", "api_key", "api-key", "token", "access_token", "auth", "secret", "password"}
)
TOKEN_NAME = re.compile(r"[A-Z0-9.$]{1,11}|0x[0-9a-fA-F]{40}")
URL_IN_TEXT = re.compile(r"\b(?:https?|wss?)://[^\s\"'<>]+", re.IGNORECASE)
BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
KEYLIKE_SEGMENT = re.compile(
    r"(?!0x[0-9a-fA-F]+$)(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{16,}"
)


@lru_cache(maxsize=8192)
def is_secret_key(name: str) -> bool:
    """True when a field name says its value is a secret (privateKey, apiKey, seed, ...).
    Cached: the same few hundred field names recur across every step of every run."""
    folded = name.lower().replace("-", "").replace("_", "")
    if folded in SECRET_KEY_NAMES or any(word in folded for word in SECRET_KEY_WORDS):
        return True
    return any(folded == f"{prefix}token" for prefix in SECRET_TOKEN_PREFIXES)


def redact_url(url: str) -> str:
    """Hide userinfo, key-like path segments and secret query values of one URL.
    Idempotent: a URL this function already redacted comes back unchanged."""
    url = url.replace(f"//{REDACTED}@", "//redacted@", 1)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return REDACTED
    netloc = host if ":" not in host else f"[{host}]"
    if port:
        netloc += f":{port}"
    if parts.username or parts.password:
        netloc = f"{REDACTED}@{netloc}"
    path = "/".join(
        REDACTED if KEYLIKE_SEGMENT.fullmatch(unquote(segment)) else segment
        for segment in parts.path.split("/")
    )
    query = urlencode(
        [
            (name, REDACTED if _secret_query_name(name) else value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="[]",
    )
    return urlunsplit((parts.scheme, netloc, quote(path, safe="/[]%:@-._~"), query, ""))


def _secret_query_name(name: str) -> bool:
    """Secret names, and signatures that grant access (pre-signed S3 or GCS links)."""
    lowered = name.lower()
    return (
        lowered in SECRET_QUERY_NAMES
        or lowered == "sig"
        or lowered.endswith("signature")
        or is_secret_key(name)
    )


def redact_text(text: str) -> str:
    """Redact URLs and bearer credentials inside free text (messages, logs)."""
    text = URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
    return BEARER.sub(lambda match: f"{match.group(1)} {REDACTED}", text)


def redact_value(value: Any, depth: int = 0) -> Any:
    """A copy of a JSON value with secrets replaced; nesting past MAX_DEPTH is cut off."""
    if depth > MAX_DEPTH:
        return f"[cut: nested deeper than {MAX_DEPTH} levels]"
    if isinstance(value, dict):
        return {
            key: (REDACTED if _hides(key, item) else redact_value(item, depth + 1))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_value(item, depth + 1) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _hides(key: object, item: Any) -> bool:
    """Hide a field's whole value when its name marks it secret and it holds data.

    A bare `token` field usually names an ERC-20 token (a ticker or an address), so only a
    value that looks like neither is hidden there."""
    if not isinstance(key, str) or item in (None, "", [], {}):
        return False
    if key.lower() == "token" and isinstance(item, str):
        return not TOKEN_NAME.fullmatch(item)
    return is_secret_key(key)
