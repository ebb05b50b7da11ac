"""JSON answers read whatever their depth: values nested past MAX_DEPTH become a visible note.

The C parser of the standard library reads every answer first. It recurses, so an answer nested
deeper than it goes is read in pieces: one scan finds every container that opens a new window of
`max_depth` levels (regexes that consume whole runs of brackets, strings and shallow values at a
time, never one character per step), then the C parser reads each piece with its deeper pieces
replaced by a placeholder. That checks every byte and names the first error; the top piece is the
value, with the note in place of each value nested too deep. Time and memory stay linear in the
body whatever its shape (bench/parse.py)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

MAX_DEPTH = 200  # levels of objects and arrays kept, counted from the run object itself
SHALLOW = 8  # containers at most this deep are skipped whole by the scan (and kept: see below)

_STRING = r'"(?:[^"\\]++|\\.)*+"'  # a string literal, escaped quotes and all (checked later)
_ATOM = r'(?:[^\[\]{}"]++|' + _STRING + ")"  # anything but brackets, strings skipped whole
_container = r"[\[{]" + _ATOM + r"*+[\]}]"
for _ in range(SHALLOW - 1):
    _container = r"[\[{](?:" + _ATOM + "|" + _container + r")*+[\]}]"
# What lies between two brackets that change the depth: text, strings, shallow containers.
FILLER = "(?:" + _ATOM + "|" + _container + ")*+"
_FILLER = re.compile(FILLER)
_SPAN = re.compile('(?:[^"]++|' + _STRING + ")*+")  # text and whole strings, any brackets
_STRINGS = re.compile(_STRING)
JUMP = 8  # the least room (levels to a boundary) worth a jump


class NotJson(ValueError):
    """Why a body could not be read as JSON, in words a person can act on."""


def depth_note(limit: int = MAX_DEPTH) -> str:
    """What stands in for a value nested deeper than the viewer keeps."""
    return f"[cut: nested deeper than {limit} levels]"


def parse_json(body: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of an answer body; NotJson names what is wrong with a body that is not.

    Values nested deeper than `max_depth` are not cut here when the C parser could read them
    (redaction walks everything anyway and cuts them); see parse_deep for the others."""
    if not body.strip():
        raise NotJson("an empty body")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise NotJson(f"bytes that are not UTF-8 text (at byte {error.start})") from None
    if text.lstrip()[:1] == "<":
        raise NotJson("an HTML or XML page, not JSON (perhaps a proxy's error page)")
    try:
        return _loads(text)
    except RecursionError:
        return parse_deep(text, max_depth=max_depth)
    except json.JSONDecodeError as error:
        raise NotJson(_where(error.msg, text, error.pos)) from None


def parse_deep(text: str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON nested however deep. Every container that opens at a multiple of `max_depth`
    levels and goes on more than SHALLOW levels starts a piece, read on its own; in the value,
    each such container nested past `max_depth` is depth_note(). (A container past the limit
    that ends within SHALLOW levels is kept: the redaction walk cuts it to the same note.)"""
    if not 0 < max_depth <= 2 * MAX_DEPTH:  # a piece must stay within the C parser's reach
        raise ValueError(f"max_depth must be between 1 and {2 * MAX_DEPTH}")
    pieces = _pieces(text, max_depth)
    errors: list[tuple[int, str]] = []
    for piece in pieces:
        # Each piece is checked with a number where its deeper pieces were: valid wherever a
        # container is, and invalid where one is (a string would pass for an object's key);
        # spaced, so that it never joins a number or word before or after it.
        parts = _parts(text, piece, " 0 ")
        try:
            _loads("".join(parts))
        except json.JSONDecodeError as error:
            errors.append((_origin(parts, piece, error.pos), error.msg))
        except RecursionError:  # a piece is at most max_depth + SHALLOW levels deep
            raise NotJson("JSON nested too deep to read") from None
    if errors:
        position, message = min(errors)
        raise NotJson(_where(message, text, position))
    # Then the top piece once more, with the note where each deeper piece was.
    return _loads("".join(_parts(text, pieces[0], json.dumps(depth_note(max_depth)))))


def _loads(text: str) -> Any:
    """json.loads; a number past Python's int digit limit is named as such."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError as error:
        raise NotJson(f"malformed JSON ({str(error).split(':')[0]})") from None


class Piece:
    """A stretch of the text from a container's opening to its closing (or the text's end), and
    the deeper pieces cut out of it."""

    __slots__ = ("end", "holes", "start")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end
        self.holes: list[Piece] = []


def _pieces(text: str, window: int) -> list[Piece]:
    """The top piece (the whole text), then every container that opens at depth k * window + 1
    and does not end within SHALLOW levels, each a piece reaching to its matching bracket by
    count (the C parser checks that the kinds match). A piece never closed reaches to the end,
    and so does every piece open where the scan meets what is no JSON (the parser names it)."""
    end = len(text)
    pieces = [Piece(0, end)]
    open_pieces = [(pieces[0], 0)]  # with the depth outside each
    depth = pos = 0
    while True:
        pos = _FILLER.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= end:
            break
        outside = open_pieces[-1][1]
        up = window - depth % window if depth % window else 0  # openers before a boundary
        if min(up, depth - outside - 1) >= JUMP:
            jumped = _jump(text, pos, up, depth - outside - 1)
            if jumped is not None:
                pos, change = jumped
                depth += change
                continue
        char = text[pos]
        if char in "[{":
            if depth and depth % window == 0:
                piece = Piece(pos, end)
                open_pieces[-1][0].holes.append(piece)
                open_pieces.append((piece, depth))
                pieces.append(piece)
            pos, count = _advance(_opening, text, pos, window - depth % window)
            depth += count
        elif char in "]}":
            piece = open_pieces[-1][0]
            if depth == outside:  # a closing bracket with nothing open: extra data
                break
            pos, count = _advance(_closing, text, pos, depth - outside)
            depth -= count
            if depth == outside and len(open_pieces) > 1:
                piece.end = pos
                open_pieces.pop()
        else:  # a quote that starts no string literal
            break
    return pieces


def _jump(text: str, pos: int, up: int, down: int) -> tuple[int, int] | None:
    """Far from any boundary (`up` openers, `down` closers away), step over a whole stretch of
    the text at once, whatever its brackets, when counting them shows it crosses none: a
    stretch four times the room, then shorter ones (one as long as the room always fits).
    Returns the new position and the change of depth."""
    room = min(up, down)
    length = 4 * room
    while length >= room:
        span = _SPAN.match(text, pos, pos + length).end()  # type: ignore[union-attr]
        if span == pos:
            return None
        stretch = text[pos:span]
        if '"' in stretch:
            stretch = _STRINGS.sub("", stretch)
        opening = stretch.count("[") + stretch.count("{")
        closing = stretch.count("]") + stretch.count("}")
        if opening <= up and closing <= down:
            return span, opening - closing
        length //= 2
    return None


def _advance(runs: Any, text: str, pos: int, most: int) -> tuple[int, int]:
    """Step over up to `most` opening (or closing) brackets from `pos`, and what lies between
    them: the largest run that fits if there is one (a bomb), else runs of 1, 2, 4... while
    they last; then smaller ones. Returns the position after the last one, and how many."""
    count = 0
    power = most.bit_length() - 1
    match = runs(power).match(text, pos)
    if match:
        pos, count = match.end(), 1 << power
    else:
        top, power = power, 0
        while power < top and (match := runs(power).match(text, pos)):
            pos, count, power = match.end(), count + (1 << power), power + 1
    while power > 0:
        power -= 1
        if count + (1 << power) <= most and (match := runs(power).match(text, pos)):
            pos, count = match.end(), count + (1 << power)
    return pos, count


def _brackets(kind: str, power: int) -> re.Pattern[str]:
    """2**power brackets of a kind: bare (a bomb of `[`, read fast), or each after text,
    strings and flat containers (`[1,[1,[`, `{"a":[{"a":[`, `[[],[],[`)."""
    n = "{" + str(1 << power) + "}"
    return re.compile(kind + n + "|(?:" + _UNIT_FILLER + kind + ")" + n)


# Between two brackets of one run: text, strings and containers without containers inside.
_UNIT_FILLER = "(?:" + _ATOM + r"|[\[{]" + _ATOM + r"*+[\]}])*+"


@lru_cache(maxsize=32)
def _opening(power: int) -> re.Pattern[str]:
    return _brackets(r"[\[{]", power)


@lru_cache(maxsize=32)
def _closing(power: int) -> re.Pattern[str]:
    return _brackets(r"[\]}]", power)


def _parts(text: str, piece: Piece, placeholder: str) -> list[str]:
    """The piece's text as parts: stretches of the body, and the placeholder for each hole."""
    parts = []
    at = piece.start
    for hole in piece.holes:
        parts += (text[at : hole.start], placeholder)
        at = hole.end
    parts.append(text[at : piece.end])
    return parts


def _origin(parts: list[str], piece: Piece, pos: int) -> int:
    """Where position `pos` of a piece's joined parts lies in the body (in a placeholder:
    where the hole it stands for starts)."""
    seen = 0
    for index, part in enumerate(parts):
        if pos < seen + len(part) or index == len(parts) - 1:
            if index % 2:
                return piece.holes[index // 2].start
            start = piece.start if index == 0 else piece.holes[index // 2 - 1].end
            return start + min(pos - seen, len(part))
        seen += len(part)
    return piece.end


def _where(message: str, text: str, pos: int) -> str:
    """`malformed JSON (… at line L, column C)`, or `JSON that ends early` at the end."""
    if pos >= len(text):
        return "JSON that ends before it is complete"
    message = message.removesuffix(" at")  # "Invalid control character at"
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"malformed JSON ({message} at line {line}, column {column})"
