"""A step's log entries, read tolerantly: plain lines or structured {level, message, time}."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from viewer.runs.model import Moment
from viewer.runs.text import CONTROL_CHARACTERS

# Terminal escape sequences (colours, cursor moves, titles) that a log line may carry.
TERMINAL_CODES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")
WARNING_PREFIX = re.compile(r"(?i)\s*\[?(warn|warning)\]?\s*[:\-\]]")
MESSAGE_KEYS = ("message", "msg", "text")
LEVEL_KEYS = ("level", "severity", "lvl")
TIME_KEYS = ("time", "timestamp", "ts", "at")
LEVEL_NAMES = {"warn": "warning", "err": "error", "fatal": "error", "critical": "error"}
KNOWN_LEVELS = frozenset({"debug", "info", "warning", "error"})
MAX_TEXT = 4000
MAX_FIELD = 500
MAX_ENTRIES = 500


@dataclass(frozen=True)
class LogEntry:
    """One log entry: its level as given, its time, its message and any other fields."""

    level: str | None
    time: Moment
    text: str
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def severity(self) -> str:
        """debug, info, warning, error or other: the level as a known word (for styling)."""
        if self.level is None:
            return "info"
        word = self.level.lower()
        word = LEVEL_NAMES.get(word, word)
        return word if word in KNOWN_LEVELS else "other"

    @property
    def is_warning(self) -> bool:
        return self.severity == "warning"


def plain_text(value: str, limit: int = MAX_TEXT) -> str:
    """Text without terminal codes, with other control characters made visible."""
    text = CONTROL_CHARACTERS.sub("\ufffd", TERMINAL_CODES.sub("", value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def log_entries(logs: list[object]) -> list[LogEntry]:
    """The first MAX_ENTRIES entries, each read as a LogEntry."""
    return [log_entry(value) for value in logs[:MAX_ENTRIES]]


def warnings_in(logs: list[object]) -> list[LogEntry]:
    """The entries of these logs that are warnings."""
    return [entry for entry in log_entries(logs) if entry.is_warning]


def log_entry(value: object) -> LogEntry:
    """A plain line, a structured entry (its level, message and time taken out, the other
    fields kept as text), or anything else shown as its JSON text."""
    if isinstance(value, str):
        text = plain_text(value)
        return LogEntry("warning" if WARNING_PREFIX.match(text) else None, Moment(None), text)
    if isinstance(value, dict):
        level = _first(value, LEVEL_KEYS)
        message = _first(value, MESSAGE_KEYS)
        moment = _first(value, TIME_KEYS)
        named = {*LEVEL_KEYS, *MESSAGE_KEYS, *TIME_KEYS}
        fields = tuple(
            (plain_text(str(key), 80), _field_text(item))
            for key, item in list(value.items())[:20]
            if key not in named
        )
        return LogEntry(
            level=plain_text(level, 20) if isinstance(level, str) and level.strip() else None,
            time=Moment.of(moment),
            text=plain_text(message) if isinstance(message, str) else _field_text(message, ""),
            fields=fields,
        )
    return LogEntry(None, Moment(None), _field_text(value, "(empty log entry)"))


def _first(entry: dict[object, object], keys: tuple[str, ...]) -> object:
    return next((entry[key] for key in keys if entry.get(key) not in (None, "")), None)


def _field_text(value: object, empty: str = "—") -> str:
    if value is None:
        return empty
    if isinstance(value, str):
        return plain_text(value, MAX_FIELD)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(type(value).__name__)
    return plain_text(text, MAX_FIELD)
