"""Log entries: terminal codes stripped, structured fields kept, warnings found."""

from __future__ import annotations

from viewer.runs.logs import log_entry, warnings_in


def test_terminal_codes_are_stripped_and_other_controls_made_visible() -> None:
    entry = log_entry("\x1b[32mok\x1b[0m \x1b]0;title\x07done\x00")
    assert entry.text == "ok done\ufffd"
    assert entry.level is None and entry.severity == "info"


def test_a_structured_entry_is_read_as_fields() -> None:
    entry = log_entry({"level": "WARN", "time": 1795525203, "message": "low", "tx": {"n": 1}})
    assert (entry.level, entry.severity, entry.is_warning, entry.text) == (
        "WARN",
        "warning",
        True,
        "low",
    )
    assert entry.time.at is not None
    assert entry.fields == (("tx", '{"n": 1}'),)
    bare = log_entry({"level": "weird-level", "time": "not a time"})
    assert (bare.text, bare.severity, bare.time.raw) == ("", "other", "not a time")


def test_other_values_and_warnings() -> None:
    assert log_entry(None).text == "(empty log entry)"
    assert log_entry(42).text == "42"
    assert log_entry("WARNING: gas is high").is_warning
    found = warnings_in(["fine", {"level": "warning", "message": "careful"}, {"level": "error"}])
    assert [entry.text for entry in found] == ["careful"]
