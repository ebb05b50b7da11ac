"""Log formatting: one record per line whatever the values hold; JSON keeps them exactly."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from viewer import logs


def record(message: str, *args: object, fields: dict | None = None, exc: bool = False):
    exc_info = None
    if exc:
        try:
            raise ValueError("bad id\n2026-12-01 00:00:00,000 INFO forged")
        except ValueError:
            exc_info = sys.exc_info()
    entry = logging.LogRecord("viewer.test", logging.INFO, __file__, 1, message, args, exc_info)
    if fields is not None:
        entry.fields = fields
    return entry


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("tab\there", "tab\\there"),
        ("esc\x1b[31m", "esc\\x1b[31m"),
        ("del\x7f nel\x85", "del\\x7f nel\\x85"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("plain é ✓", "plain é ✓"),
    ],
)
def test_escape_control_characters(raw: str, shown: str) -> None:
    assert logs.escape(raw) == shown


def test_text_record_is_one_line_with_fields() -> None:
    text = logs.TextFormatter().format(
        record("run=%s", "x\ny", fields={"who": "a b", "upstream_request_id": None, "n": 3})
    )
    assert "\n" not in text
    assert text.endswith(' run=x\\ny who="a b" upstream_request_id=- n=3')


def test_text_traceback_lines_cannot_pass_for_records() -> None:
    text = logs.TextFormatter().format(record("failed", exc=True))
    first, *rest = text.split("\n")
    assert first.endswith("INFO viewer.test failed")
    assert rest
    assert all(line.startswith("  | ") for line in rest)
    assert any("bad id\\n2026-12-01" in line for line in rest)


def test_json_record_is_one_line_and_round_trips() -> None:
    hostile = "req\n\r\u2028\x00\"'</script>"
    text = logs.JsonFormatter().format(
        record("upstream %s", hostile, fields={"upstream_request_id": hostile, "ms": 1.5}, exc=True)
    )
    assert len(text.splitlines()) == 1
    entry = json.loads(text)
    assert entry["msg"] == f"upstream {hostile}"
    assert entry["upstream_request_id"] == hostile
    assert entry["ms"] == 1.5
    assert entry["level"] == "INFO"
    assert entry["logger"] == "viewer.test"
    assert "bad id\n2026" in entry["exc"]


def test_configure_replaces_its_own_handler_and_quiets_httpx() -> None:
    root = logging.getLogger()
    before = [h for h in root.handlers if not isinstance(h, logs.StderrHandler)]
    logs.configure("json")
    logs.configure("text")
    ours = [h for h in root.handlers if isinstance(h, logs.StderrHandler)]
    assert len(ours) == 1
    assert isinstance(ours[0].formatter, logs.TextFormatter)
    assert [h for h in root.handlers if not isinstance(h, logs.StderrHandler)] == before
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("viewer.upstream").getEffectiveLevel() == logging.INFO


def test_stderr_handler_writes_to_the_current_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    handler = logs.StderrHandler()
    handler.setFormatter(logs.TextFormatter())
    handler.emit(record("hello\nworld"))
    assert capsys.readouterr().err.endswith("hello\\nworld\n")
