"""Workflow definitions known again by their text, so an answer carrying one is parsed without it.

Every `nodeIds` answer (a step panel) carries the whole workflow definition: most of the body,
and the same text each time. The reader finds the text of `data.workflowDefinition` in the
body; when a definition of the same length and SHA-256 was read before, the rest of the body
is parsed alone, with a placeholder where the definition was, and the definition kept
(redacted, by the runs service) is used: nothing of it is parsed, digested or redacted again.
A definition seen for the first time is parsed on its own, its text's digest noted, and the
rest parsed around a placeholder the same way.

The placeholder carries a random token of this process; it must come back as exactly the value
of `data.workflowDefinition`, or the text was not where it seemed (the key spelled inside a
string, a repeated key, escapes) and the caller parses the whole body as before. A value
parsed in place of a placeholder is the value its text stands for, so both ways give the same
answer.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Any

from viewer.runs.cache import ANSWER_BYTES_PER_JSON_BYTE, kept_bytes

PLACEHOLDER = f"workflow definition {secrets.token_hex(16)}"
_PLACEHOLDER_JSON = json.dumps(PLACEHOLDER)
_KEY = re.compile(r'"workflowDefinition"\s*:\s*')
CANDIDATES = 2  # places tried where the key is spelled, before parsing the whole body
EDGE = 48  # characters at each end of a text compared before hashing it
_decoder = json.JSONDecoder()


@dataclass(frozen=True, slots=True)
class DefinitionText:
    """Where an answer's definition came from: its text's digest and length, and the redacted
    definition kept for that text (None: seen for the first time; the answer carries it
    parsed, not yet redacted)."""

    key: str
    size: int
    edges: str  # its first and last characters: known texts are hashed only when these match
    kept: dict[str, Any] | None


class KnownDefinitions:
    """Redacted definitions by the digest of the text they came in, most recently used kept,
    within `max_bytes` (estimated as for answers) and `max_entries`."""

    def __init__(self, max_bytes: int, max_entries: int = 16) -> None:
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.bytes = 0
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[dict[str, Any], int, tuple[int, str]]] = OrderedDict()
        self._shapes: dict[tuple[int, str], int] = {}  # (length, edges) -> texts kept so

    def read(self, body: bytes) -> tuple[dict[str, Any], DefinitionText] | None:
        """The body's JSON envelope with its `data.workflowDefinition` read apart (the kept
        redacted one, or else parsed now), and where it came from; None when that cannot be
        done safely (not UTF-8, no such key, not where it seems, malformed or too deep):
        parse the body whole then."""
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        for found in islice(_KEY.finditer(text), CANDIDATES):
            start = found.end()
            read = self._known(text, start) or _parsed(text, start)
            if read is None:
                continue
            value, definition = read
            envelope = _around(text, start, start + definition.size)
            if envelope is not None:
                envelope["data"]["workflowDefinition"] = value
                return envelope, definition
        return None

    def keep(self, definition: DefinitionText, redacted: dict[str, Any]) -> None:
        """Keep the redacted definition read from this text."""
        cost = kept_bytes(definition.size, ANSWER_BYTES_PER_JSON_BYTE)
        if cost > self.max_bytes:
            return
        shape = (definition.size, definition.edges)
        with self._lock:
            if definition.key in self._kept:
                return
            self._kept[definition.key] = (redacted, cost, shape)
            self._shapes[shape] = self._shapes.get(shape, 0) + 1
            self.bytes += cost
            while len(self._kept) > self.max_entries or self.bytes > self.max_bytes:
                _, (_, dropped, gone) = self._kept.popitem(last=False)
                self.bytes -= dropped
                self._shapes[gone] -= 1
                if not self._shapes[gone]:
                    del self._shapes[gone]

    def _known(self, text: str, start: int) -> tuple[dict[str, Any], DefinitionText] | None:
        """The kept definition whose text starts at `start`, if any."""
        with self._lock:
            shapes = list(self._shapes)
        for size, edges in shapes:
            if start + size > len(text) or _edges(text, start, size) != edges:
                continue
            key = _key(text, start, size)
            with self._lock:
                found = self._kept.get(key)
                if found is not None:
                    self._kept.move_to_end(key)
                    return found[0], DefinitionText(key, size, edges, found[0])
        return None

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)


def _parsed(text: str, start: int) -> tuple[dict[str, Any], DefinitionText] | None:
    """The object whose text starts at `start`, parsed alone, and its text's digest."""
    try:
        value, end = _decoder.raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    size = end - start
    return value, DefinitionText(_key(text, start, size), size, _edges(text, start, size), None)


def _key(text: str, start: int, size: int) -> str:
    digest = hashlib.sha256(text[start : start + size].encode()).hexdigest()
    return f"{size}:{digest}"


def _edges(text: str, start: int, size: int) -> str:
    return (
        text[start : start + min(size, EDGE)] + text[max(start, start + size - EDGE) : start + size]
    )


def _around(text: str, start: int, end: int) -> dict[str, Any] | None:
    """The envelope parsed with a placeholder for text[start:end], when the placeholder comes
    back as exactly `data.workflowDefinition`; else None."""
    try:
        envelope = json.loads(text[:start] + _PLACEHOLDER_JSON + text[end:])
    except (ValueError, RecursionError):
        return None
    data = envelope.get("data") if isinstance(envelope, dict) else None
    if not isinstance(data, dict):
        return None
    placed = data.get("workflowDefinition")
    return envelope if isinstance(placed, str) and placed == PLACEHOLDER else None
