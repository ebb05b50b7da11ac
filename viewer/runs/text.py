"""Small, safe conversions of upstream values into text fit to show."""

from __future__ import annotations

import re
from datetime import UTC, datetime

CONTROL_CHARACTERS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
MAX_LABEL = 300
NAME_FIELDS = ("name", "label", "title")


def clean_text(value: object, limit: int = MAX_LABEL) -> str | None:
    """A short string with control and bidi-override characters made visible, or None."""
    if not isinstance(value, str):
        return None
    text = CONTROL_CHARACTERS.sub("\ufffd", value).strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(value: object, limit: int) -> str | None:
    """clean_text with runs of white space folded to one space; plain text (the usual case)
    is taken as it is, quickly."""
    if (
        isinstance(value, str)
        and 0 < len(value) <= limit
        and value.isprintable()
        and value[0] != " " != value[-1]
        and "  " not in value
    ):
        return value
    text = clean_text(value, limit)
    return " ".join(text.split()) if text else None


def step_label(step_id: str, node: object, limit: int = 200) -> str:
    """What to call a step: its name, label or title; else its type; else its id."""
    if isinstance(node, dict):
        for key in (*NAME_FIELDS, "type"):
            text = one_line(node.get(key), limit)
            if text:
                return text
    return one_line(step_id, limit) or "(step without a name)"


def parse_moment(value: object) -> datetime | None:
    """An aware datetime from RFC 3339 text or epoch seconds or milliseconds, else None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            seconds = value / 1000 if value > 10**11 else value
            return datetime.fromtimestamp(seconds, tz=UTC)
        if isinstance(value, str) and 0 < len(value) <= 64:
            text = value.strip()
            if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
                return parse_moment(float(text))
            parsed = datetime.fromisoformat(text.replace("z", "Z"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def as_number(value: object) -> float | None:
    """A finite number, or None (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if value == value and abs(value) != float("inf") else None


def as_whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value) < 20:
        return int(value)
    return None
