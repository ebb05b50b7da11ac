"""Secrets out of a run before anything keeps, shows or logs it: one policy, its rules as data.

The rules live in redaction_rules.toml: field names whose value is hidden, fields and hosts that
are RPC or websocket endpoints (only scheme and host shown), query parameters, path segments,
credential shapes in free text, `name=value` pairs and authorization schemes. The run service
applies `redact_payload` once to every answer; `redact_text` serves error messages and logs."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from viewer.runs.jsonparse import MAX_DEPTH, depth_note

REDACTED = "[redacted]"
RULES: dict[str, Any] = tomllib.loads(
    Path(__file__).with_name("redaction_rules.toml").read_text(encoding="utf-8")
)
FOLD = re.compile(r"[-_. ]")
# Every [[field]] rule as one pattern over a folded name: exact names, words inside, endings.
SECRET_FIELD = re.compile(
    "|".join(
        [f"^{re.escape(word)}$" for rule in RULES["field"] for word in rule.get("exact", ())]
        + [re.escape(word) for rule in RULES["field"] for word in rule.get("contains", ())]
        + [f"{re.escape(word)}$" for rule in RULES["field"] for word in rule.get("suffix", ())]
    )
)
ERC20_NAME = re.compile(RULES["erc20"]["pattern"])
ERC20_PREFIXES = frozenset(RULES["erc20"]["prefixes"])
ENDPOINT_FIELD = re.compile(RULES["endpoint_field"][0]["pattern"])
ENDPOINT_SUFFIXES = tuple(RULES["endpoint_hosts"]["suffixes"])
ENDPOINT_SCHEMES = frozenset(RULES["endpoint_hosts"]["schemes"])
QUERY_NAMES = frozenset(RULES["query"]["exact"])
QUERY_SUFFIXES = tuple(RULES["query"]["suffix"])
PATH_RULES = tuple(re.compile(rule["pattern"]) for rule in RULES["path"])
TEXT_RULES = tuple(re.compile(rule["pattern"]) for rule in RULES["text"])
SCHEME_RULES = tuple(re.compile(rule["pattern"]) for rule in RULES["scheme"])
LABELLED = re.compile(RULES["labelled"]["pattern"])

SCHEME = r"\b[A-Za-z][A-Za-z0-9+.-]{0,20}"
URL_IN_TEXT = re.compile(SCHEME + r"://[^\s\"'<>\\]+")
ESCAPED_URL = re.compile(SCHEME + r":\\/\\/(?:\\/|[^\s\"'<>\\])+")  # JSON-escaped: https:\/\/…
ENCODED_URL = re.compile(SCHEME + r"%3A%2F%2F[^\s\"'<>&]*", re.IGNORECASE)
BARE_ENDPOINT = re.compile(
    r"(?<![\w./:@-])((?:[A-Za-z0-9-]+\.)*(?:"
    + "|".join(re.escape(suffix) for suffix in ENDPOINT_SUFFIXES)
    + r"))(?::\d+)?(?=[/?#])[^\s\"'<>]*",
    re.IGNORECASE,
)


# Every rule above needs one of these in the text; a string without any is left as it is.
MAY_HOLD_SECRET = re.compile(
    r"[:=%.\\@]|gh[pousr]_|github_pat_|xox|AKIA|ASIA|k_live_|k_test_|eyJ|prv|-----BEGIN"
    r"|(?i:bearer|basic|digest|token|bot|apikey|api-key)\s"
)


@lru_cache(maxsize=8192)
def is_secret_key(name: str) -> bool:
    """True when a field name says its value is a secret (privateKey, seedWords, githubToken).
    Cached: the same few hundred field names recur across every step of every run."""
    return SECRET_FIELD.search(FOLD.sub("", name.lower())) is not None


@lru_cache(maxsize=4096)
def is_endpoint_key(name: str) -> bool:
    """True when a field name says it holds an RPC or websocket endpoint (rpcUrl, wsUrl...)."""
    return ENDPOINT_FIELD.fullmatch(FOLD.sub("", name.lower())) is not None


def _hides(key: object, item: Any) -> bool:
    """Hide a field's whole value when its name marks it secret and it holds data.
    Names that usually hold an ERC-20 token keep a ticker or an address, and an object or a
    list there (`{"symbol": "USDC", "address": …}`) is walked like any other."""
    if not isinstance(key, str) or not is_secret_key(key):
        return False
    if item is None or isinstance(item, bool) or item in ("", [], {}):
        return False
    folded = FOLD.sub("", key.lower())
    if folded.endswith("token") and folded[: -len("token")] in ERC20_PREFIXES:
        return isinstance(item, str) and not ERC20_NAME.fullmatch(item)
    return True


def endpoint_only(url: str) -> str:
    """Scheme and host of an endpoint URL (`wss://eth-mainnet.g.alchemy.com`), nothing else;
    a scheme-less `host/path` keeps only its host."""
    text = url.strip()
    has_scheme = "://" in text
    try:
        parts = urlsplit(text if has_scheme else f"//{text}")
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return REDACTED
    if not host:
        return REDACTED if text else text
    netloc = (f"[{host}]" if ":" in host else host) + (f":{port}" if port else "")
    return f"{parts.scheme}://{netloc}" if has_scheme else netloc


def _is_endpoint_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return any(host == suffix or host.endswith("." + suffix) for suffix in ENDPOINT_SUFFIXES)


def redact_url(url: str) -> str:
    """Hide what grants access in one URL of any scheme: userinfo, key-like path segments,
    secret query values (URLs inside them too), the fragment; endpoints keep scheme and host.
    Idempotent: a URL this function already redacted comes back unchanged."""
    if "://" not in url and BARE_ENDPOINT.match(url):
        return endpoint_only(url)
    url = url.replace(f"//{REDACTED}@", "//redacted@", 1)
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return REDACTED
    if parts.scheme.lower() in ENDPOINT_SCHEMES or _is_endpoint_host(host):
        return endpoint_only(url)
    netloc = host if ":" not in host else f"[{host}]"
    if port:
        netloc += f":{port}"
    if parts.username or parts.password:
        netloc = f"{REDACTED}@{netloc}"
    path = "/".join(_segment(segment) for segment in parts.path.split("/"))
    query = urlencode(
        [(name, _query_value(name, value)) for name, value in parse_qsl(parts.query, True)],
        safe="[]",
    )
    return urlunsplit((parts.scheme, netloc, quote(path, safe="/[]%:@-._~"), query, ""))


def _segment(segment: str) -> str:
    plain = unquote(segment)
    return REDACTED if any(rule.fullmatch(plain) for rule in PATH_RULES) else segment


def _query_value(name: str, value: str) -> str:
    """Secret names (and signatures of pre-signed links) hide the value; others are text."""
    lowered = name.lower()
    if lowered in QUERY_NAMES or lowered.endswith(QUERY_SUFFIXES) or is_secret_key(name):
        return REDACTED
    return redact_text(value)


def redact_text(text: str) -> str:
    """Redact URLs (plain, JSON-escaped or percent-encoded), endpoints without a scheme,
    credentials by their shape, `secret=value` pairs and authorization schemes in free text."""
    if not MAY_HOLD_SECRET.search(text):
        return text
    if "\\/" in text:
        text = ESCAPED_URL.sub(
            lambda m: redact_url(m.group(0).replace("\\/", "/")).replace("/", "\\/"), text
        )
    if "%" in text:
        text = ENCODED_URL.sub(lambda m: quote(redact_url(unquote(m.group(0))), safe=""), text)
    text = URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)
    text = BARE_ENDPOINT.sub(lambda m: m.group(1), text)
    for rule in TEXT_RULES:
        text = rule.sub(REDACTED, text)
    text = _redact_labelled(text)
    for rule in SCHEME_RULES:
        text = rule.sub(lambda m: f"{m.group('name')} {REDACTED}", text)
    return text


_redact_short = lru_cache(maxsize=16384)(redact_text)  # keys and short values recur


def _redact_labelled(text: str) -> str:
    """`secret=value` pairs; after an ordinary `name: ` the search goes on inside its value,
    so `failed: privateKey=…` is found too."""
    out: list[str] = []
    pos = 0
    while (match := LABELLED.search(text, pos)) is not None:
        if _hides(match.group("name"), match.group("value")):
            out.append(f"{text[pos : match.start('value')]}{REDACTED}")
            pos = match.end()
        else:
            out.append(text[pos : match.start("value")])
            pos = match.start("value")
    out.append(text[pos:])
    return "".join(out)


def redact_payload(data: dict[str, Any]) -> dict[str, Any]:
    """The whole run with the full policy applied; the run service calls it once per answer."""
    redacted = redact_value(data)
    return redacted if isinstance(redacted, dict) else {}


def redact_value(value: Any) -> Any:
    """A copy of a JSON value with secrets replaced in values and keys, and values nested past
    MAX_DEPTH replaced by a note. Iterative: any depth costs no recursion."""
    root: list[Any] = [None]
    # (parent container, key or index in it, value to copy, depth of the value, field name)
    work: list[tuple[Any, Any, Any, int, str | None]] = [(root, 0, value, 1, None)]
    while work:
        parent, slot, item, depth, name = work.pop()
        parent[slot] = _copy(item, depth, name, work)
    return root[0]


def _copy(item: Any, depth: int, name: str | None, work: list[Any]) -> Any:
    """One value's redacted copy; its children are queued on `work` to be filled in."""
    if isinstance(item, dict | list) and depth > MAX_DEPTH:
        return depth_note()
    if isinstance(item, dict):
        copied: dict[str, Any] = {}
        for key, child in item.items():
            shown = _unique(_redact_short(key) if isinstance(key, str) else key, copied)
            if _hides(key, child):
                copied[shown] = REDACTED
            else:
                copied[shown] = None
                work.append((copied, shown, child, depth + 1, key))
        return copied
    if isinstance(item, list):
        listed: list[Any] = [None] * len(item)
        work.extend((listed, i, child, depth + 1, name) for i, child in enumerate(item))
        return listed
    if isinstance(item, str):
        if name is not None and is_endpoint_key(name) and _looks_like_endpoint(item):
            return endpoint_only(item)
        return _redact_short(item) if len(item) < 200 else redact_text(item)
    return item


def _looks_like_endpoint(text: str) -> bool:
    return "://" in text or ("." in text and " " not in text.strip())


def _unique(key: Any, taken: dict[str, Any]) -> Any:
    """Two keys redacted alike stay two keys: the second becomes `… (2)`."""
    if key not in taken:
        return key
    n = 2
    while f"{key} ({n})" in taken:
        n += 1
    return f"{key} ({n})"
