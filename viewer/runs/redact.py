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


def _detectable(pattern: str) -> str:
    """A rule's pattern as one branch of the combined search, matching wherever the rule does
    (and a little more): leading flags scoped to it, named groups plain (the branches share
    names), a leading `\\b` dropped so the engine can skip to the branch's first character."""
    if "(?P=" in pattern:
        raise ValueError(f"a redaction rule may not refer back to a group: {pattern}")
    flags = re.match(r"\(\?([aiLmsux]+)\)", pattern)
    body = pattern[flags.end() :] if flags else pattern
    body = re.sub(r"\(\?P<\w+>", "(?:", body.removeprefix(r"\b"))
    return f"(?{flags.group(1)}:{body})" if flags else body


# One search that finds wherever any step of `redact_text` could change a string: a URL (plain,
# JSON-escaped or percent-encoded), an endpoint host (by the part from its first dot: a superset),
# every [[text]] and [[scheme]] rule. A string it does not match, and whose folded text holds no
# secret field name's word (for `name=value` pairs), comes back unchanged from every step.
MAY_HOLD_SECRET = re.compile(
    "|".join(
        [r":(?://|\\/\\/)", r"(?i:%3A%2F%2F)"]
        + [
            r"\.(?i:"
            + "|".join(sorted({re.escape(s.split(".", 1)[1]) for s in ENDPOINT_SUFFIXES}))
            + ")"
        ]
        + [_detectable(rule["pattern"]) for rule in RULES["text"] + RULES["scheme"]]
    )
)
LABEL_WORDS = re.compile(
    "|".join(
        re.escape(word)
        for rule in RULES["field"]
        for kind in ("exact", "contains", "suffix")
        for word in rule.get(kind, ())
    )
)


# Strings no rule can match, checked in one pass of the engine: numbers and times (no rule
# matches without a "/", "%" or a letter other than T and Z), and hex (nor without one of
# ":._-" or a letter past f). tests/unit/test_redaction_rules.py feeds every example through.
PLAIN = re.compile(r"[0-9.:+\-TZ ]*|[0-9a-fA-Fx]*")


def may_hold_secret(text: str) -> bool:
    """False when no rule could change `text` (most strings: times, amounts, hashes, names)."""
    if PLAIN.fullmatch(text) is not None:
        return False
    if MAY_HOLD_SECRET.search(text) is not None:
        return True
    if "=" not in text and ":" not in text:
        return False
    return LABEL_WORDS.search(FOLD.sub("", text.lower())) is not None


@lru_cache(maxsize=8192)
def is_secret_key(name: str) -> bool:
    """True when a field name says its value is a secret (privateKey, seedWords, githubToken).
    Cached: the same few hundred field names recur across every step of every run."""
    return SECRET_FIELD.search(FOLD.sub("", name.lower())) is not None


@lru_cache(maxsize=4096)
def is_endpoint_key(name: str) -> bool:
    """True when a field name says it holds an RPC or websocket endpoint (rpcUrl, wsUrl...)."""
    return ENDPOINT_FIELD.fullmatch(FOLD.sub("", name.lower())) is not None


KEEP, HIDE, HIDE_UNLESS_TOKEN = 0, 1, 2  # what a field name does to its value


@lru_cache(maxsize=8192)
def _hide_rule(name: str) -> int:
    """KEEP, HIDE, or HIDE_UNLESS_TOKEN for names that usually hold an ERC-20 token (they keep
    a ticker or an address)."""
    if not is_secret_key(name):
        return KEEP
    folded = FOLD.sub("", name.lower())
    if folded.endswith("token") and folded[: -len("token")] in ERC20_PREFIXES:
        return HIDE_UNLESS_TOKEN
    return HIDE


def _hides(key: object, item: Any) -> bool:
    """Hide a field's whole value when its name marks it secret and it holds data.
    Names that usually hold an ERC-20 token keep a ticker or an address, and an object or a
    list there (`{"symbol": "USDC", "address": …}`) is walked like any other."""
    rule = _hide_rule(key) if isinstance(key, str) else KEEP
    return rule != KEEP and _hidden_by(rule, item)


def _hidden_by(rule: int, item: Any) -> bool:
    if item is None or isinstance(item, bool) or item in ("", [], {}):
        return False
    if rule == HIDE_UNLESS_TOKEN:
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
    return run_every_rule(text) if may_hold_secret(text) else text


def run_every_rule(text: str) -> str:
    """`redact_text` on a string `may_hold_secret` matched: every rule in turn."""
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
    """The JSON value with secrets replaced in values and keys, and values nested past MAX_DEPTH
    replaced by a note. `value` is never changed: a container with a change is copied, the
    rest is shared (most of a run holds nothing to hide). Recurses at most MAX_DEPTH deep."""
    return _copy(value, 1, False)


# What was decided about recent field names and short strings that hold nothing to hide (each
# emptied when full; what holds a secret is never kept): the same names and many of the same
# values recur in every step and in every read of a run.
MEMO_SIZE = 32_768
SHORT = 160  # strings remembered are shorter than this (so the memos stay a few MB)
_fields: dict[str, tuple[None, int, bool]] = {}  # name: (None, rule, endpoint)
_clean: set[str] = set()  # strings no rule changes
SCALARS = frozenset({int, float, bool, type(None)})


def forget() -> None:
    """Empty the memos (benchmarks measure a first read with it)."""
    _fields.clear()
    _clean.clear()
    for cached in (is_secret_key, is_endpoint_key, _hide_rule):
        cached.cache_clear()


def _copy(item: Any, depth: int, endpoint: bool) -> Any:
    """One value redacted; `endpoint` when the field holding it names an endpoint."""
    if isinstance(item, str):
        return _string(item, endpoint)
    if isinstance(item, dict | list) and depth > MAX_DEPTH:
        return depth_note()
    if isinstance(item, dict):
        return _dict(item, depth)
    if isinstance(item, list):
        return _list(item, depth, endpoint)
    return item


def _dict(item: dict[Any, Any], depth: int) -> dict[Any, Any]:
    copied: dict[Any, Any] | None = None  # made at the first change
    deeper = depth + 1
    for key, child in item.items():
        renamed, rule, endpoint = _fields.get(key) or _field(key)
        kind = child.__class__
        if rule and _hidden_by(rule, child):
            redacted: Any = REDACTED
        elif kind in SCALARS or (kind is str and not endpoint and child in _clean):
            redacted = child  # the common cases, without a call
        else:
            redacted = _copy(child, deeper, endpoint)
        if copied is None:
            if redacted is child and renamed is None:
                continue
            copied = _before(item, key)
        copied[_unique(key if renamed is None else renamed, copied)] = redacted
    return item if copied is None else copied


def _list(item: list[Any], depth: int, endpoint: bool) -> list[Any]:
    copied: list[Any] | None = None  # made at the first change
    deeper = depth + 1
    for index, child in enumerate(item):
        kind = child.__class__
        if kind in SCALARS or (kind is str and not endpoint and child in _clean):
            redacted = child
        else:
            redacted = _copy(child, deeper, endpoint)
        if copied is not None:
            copied.append(redacted)
        elif redacted is not child:
            copied = item[:index]
            copied.append(redacted)
    return item if copied is None else copied


def _before(item: dict[Any, Any], stop: Any) -> dict[Any, Any]:
    """The entries of `item` before the key `stop` (the first one that changes)."""
    copied = {}
    for key, value in item.items():
        if key is stop:
            break
        copied[key] = value
    return copied


def _field(name: Any) -> tuple[str | None, int, bool]:
    """A field name's redacted text (None when it is unchanged), what it does to its value,
    and whether it names an endpoint; remembered once per name."""
    if not isinstance(name, str):
        return None, KEEP, False
    shown = redact_text(name)
    if shown != name:
        return shown, _hide_rule(name), is_endpoint_key(name)
    decided = (None, _hide_rule(name), is_endpoint_key(name))
    if len(_fields) >= MEMO_SIZE:
        _fields.clear()
    _fields[name] = decided
    return decided


def _string(text: str, endpoint: bool) -> str:
    """A string redacted; the same object when nothing in it changes."""
    if endpoint and _looks_like_endpoint(text):
        return endpoint_only(text)
    if text in _clean:
        return text
    redacted = redact_text(text)
    if redacted != text:
        return redacted
    if len(text) < SHORT:
        if len(_clean) >= MEMO_SIZE:
            _clean.clear()
        _clean.add(text)
    return text


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
