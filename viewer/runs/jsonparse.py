"""JSON answers read whatever their depth: values nested past MAX_DEPTH become a visible note.

The C parser of the standard library is used first (fast); it recurses, so an answer nested
deeper than Python's recursion limit is read again by an iterative parser that keeps nothing
below MAX_DEPTH (a body of 16 MiB of `[` costs a counter, not 16 million lists)."""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

MAX_DEPTH = 200  # levels of objects and arrays kept, counted from the run object itself
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
SPACE = re.compile(r"[ \t\n\r]*")
# as the standard parser reads them (NaN and the infinities too)
LITERALS = {
    "true": True,
    "false": False,
    "null": None,
    "NaN": float("nan"),
    "Infinity": float("inf"),
    "-Infinity": float("-inf"),
}


class NotJson(ValueError):
    """Why a body could not be read as JSON, in words a person can act on."""


def depth_note(limit: int = MAX_DEPTH) -> str:
    """What stands in for a value nested deeper than the viewer keeps."""
    return f"[cut: nested deeper than {limit} levels]"


def parse_json(body: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of an answer body; NotJson names what is wrong with a body that is not.

    Values nested deeper than `max_depth` are not cut here when the fast parser could read them
    (redaction walks everything anyway and cuts them); the slow parser cuts as it reads."""
    if not body.strip():
        raise NotJson("an empty body")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotJson(f"bytes that are not UTF-8 text (at byte {error.start})") from None
    if text.lstrip()[:1] == "<":
        raise NotJson("an HTML or XML page, not JSON (perhaps a proxy's error page)")
    try:
        return json.loads(text)
    except RecursionError:
        return parse_deep(text, max_depth=max_depth)
    except json.JSONDecodeError as error:
        raise NotJson(_where(error.msg, text, error.pos)) from None
    except ValueError as error:  # a number past Python's int digit limit
        raise NotJson(f"malformed JSON ({str(error).split(':')[0]})") from None


def parse_deep(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON without recursion; containers nested deeper than `max_depth` are read and
    checked but not kept: the deepest kept level holds depth_note() in their place."""
    note = depth_note(max_depth)
    # One frame per open container: [container (None when cut), pending object key].
    stack: list[list[Any]] = []
    pos = _skip(text, 0)
    while True:
        value, pos, opened = _value(text, pos, stack, max_depth, note)
        if opened:
            continue
        while True:
            pos = _skip(text, pos)
            if not stack:
                if pos != len(text):
                    raise NotJson(_where("Extra data after the JSON value", text, pos))
                return value
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                container.append(value)
            elif container is not None:
                container[frame[1]] = value
            closing = "]" if isinstance(container, list) or frame[1] is _ARRAY else "}"
            char = text[pos : pos + 1]
            if char == ",":
                pos = _skip(text, pos + 1)
                if closing == "}":
                    frame[1], pos = _key(text, pos)
                break
            if char != closing:
                raise NotJson(_where(f"Expecting ',' or '{closing}'", text, pos))
            pos += 1
            stack.pop()
            value = container if container is not None else _cut(stack, note)


_ARRAY = object()  # the pending-key slot of a cut array frame, so it still knows it is one


def _cut(stack: list[list[Any]], note: str) -> str | None:
    """What a container too deep to keep leaves in its parent: the note, once, at the edge."""
    return note if not stack or stack[-1][0] is not None else None


def _value(
    text: str, pos: int, stack: list[list[Any]], max_depth: int, note: str
) -> tuple[Any, int, bool]:
    """Read one value at `pos`: a scalar (returned), or the opening of a container (pushed)."""
    char = text[pos : pos + 1]
    if char in ("{", "["):
        kept = len(stack) < max_depth and (not stack or stack[-1][0] is not None)
        is_array = char == "["
        container: Any = ([] if is_array else {}) if kept else None
        pos = _skip(text, pos + 1)
        closing = "]" if is_array else "}"
        if text[pos : pos + 1] == closing:
            return (container if kept else _cut(stack, note)), pos + 1, False
        frame = [container, _ARRAY if is_array else None]
        stack.append(frame)
        if not is_array:
            frame[1], pos = _key(text, pos)
        return None, pos, True
    if char == '"':
        try:
            string, end = scanstring(text, pos + 1)
        except json.JSONDecodeError as error:
            raise NotJson(_where(error.msg, text, error.pos)) from None
        return string, end, False
    for word, literal in LITERALS.items():
        if text.startswith(word, pos):
            return literal, pos + len(word), False
    match = NUMBER.match(text, pos)
    if match is None or not match.group(0):
        raise NotJson(_where("Expecting value", text, pos))
    number = match.group(0)
    try:
        parsed = float(number) if match.group(1) or match.group(2) else int(number)
    except ValueError:
        raise NotJson(_where("a number too long to read", text, pos)) from None
    return parsed, match.end(), False


def _key(text: str, pos: int) -> tuple[str, int]:
    """An object key and its colon; returns the position of the value after it."""
    if text[pos : pos + 1] != '"':
        raise NotJson(_where("Expecting property name enclosed in double quotes", text, pos))
    try:
        key, pos = scanstring(text, pos + 1)
    except json.JSONDecodeError as error:
        raise NotJson(_where(error.msg, text, error.pos)) from None
    pos = _skip(text, pos)
    if text[pos : pos + 1] != ":":
        raise NotJson(_where("Expecting ':' delimiter", text, pos))
    return key, _skip(text, pos + 1)


def _skip(text: str, pos: int) -> int:
    return SPACE.match(text, pos).end()  # type: ignore[union-attr]


def _where(message: str, text: str, pos: int) -> str:
    """`malformed JSON (…) at line L, column C`, or `JSON that ends early` at the end."""
    if pos >= len(text):
        return "JSON that ends before it is complete"
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"malformed JSON ({message} at line {line}, column {column})"
