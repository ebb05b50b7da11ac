"""Logging, set up in one place: text or JSON lines on stderr, one record per line, always.

Values that come from requests or the upstream (paths, run ids, requestIds, emails) can hold
newlines and other control characters; both formats escape them, so no value can start a
line of its own and pass for a record the viewer did not write (issue 10).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
# The C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_QUOTES = re.compile(r'[\s="]')
# Libraries whose own INFO lines repeat ours (httpx logs every request; viewer.upstream
# already writes one line per upstream call, with the request ids).
QUIET_LOGGERS = ("httpx", "httpcore")


def escape(text: str) -> str:
    """`text` with every control character written as a visible escape (\\n, \\x1b, \\u2028)."""
    return _CONTROL.sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def logfmt_value(value: object) -> str:
    """One `key=value` value: escaped, and quoted when it holds spaces, quotes or `=`."""
    text = "-" if value is None else str(value)
    if text and not _NEEDS_QUOTES.search(text):
        return escape(text)
    return '"' + escape(text.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def record_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields a record carries (`extra={"fields": {...}}`), if any."""
    fields = getattr(record, "fields", None)
    return fields if isinstance(fields, dict) else {}


class TextFormatter(logging.Formatter):
    """`time LEVEL logger message key=value ...`; tracebacks follow on lines starting `  | `."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape(record.getMessage())
        record.asctime = self.formatTime(record, self.datefmt)
        line = self.formatMessage(record)
        fields = record_fields(record)
        if fields:
            line += "".join(f" {key}={logfmt_value(value)}" for key, value in fields.items())
        for block in (_exception_text(self, record), record.stack_info):
            if block:
                line += "".join(f"\n  | {escape(part)}" for part in block.splitlines())
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, the record's fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(record_fields(record))
        exception = _exception_text(self, record)
        if exception:
            entry["exc"] = exception
        if record.stack_info:
            entry["stack"] = record.stack_info
        # ensure_ascii escapes every control character and line separator inside strings.
        return json.dumps(entry, ensure_ascii=True, default=str, separators=(",", ":"))


def _exception_text(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    return record.exc_text or None


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time of each record."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """The stream is always the current sys.stderr; assignments are ignored."""


def formatter_for(log_format: str) -> logging.Formatter:
    """The formatter for VIEWER_LOG_FORMAT (`text` or `json`)."""
    return JsonFormatter() if log_format == "json" else TextFormatter()


def configure(log_format: str) -> None:
    """Send INFO and above to stderr in `log_format`, replacing the viewer's earlier handler.

    Handlers that others installed (a test's log capture, a host application's) stay.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(formatter_for(log_format))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
