"""Serving, logging and metrics settings: defaults, explicit conversion, clear refusals."""

from __future__ import annotations

import pytest

from viewer import metrics
from viewer.config import ConfigError, Settings


def test_defaults_suit_hundreds_of_tabs() -> None:
    settings = Settings.from_env({})
    assert settings.threads == 32
    assert settings.connection_limit == 1000
    assert settings.shutdown_grace_seconds == 20
    assert settings.log_format == "text"
    assert settings.metrics_token is None


def test_values_are_read() -> None:
    settings = Settings.from_env(
        {
            "VIEWER_THREADS": "8",
            "VIEWER_CONNECTION_LIMIT": "5000",
            "VIEWER_SHUTDOWN_GRACE_SECONDS": "2.5",
            "VIEWER_LOG_FORMAT": "JSON",
            "VIEWER_METRICS_TOKEN": "0123456789abcdef0123",
        }
    )
    assert (settings.threads, settings.connection_limit) == (8, 5000)
    assert settings.shutdown_grace_seconds == 2.5
    assert settings.log_format == "json"
    assert settings.metrics_token == "0123456789abcdef0123"
    assert "0123456789abcdef0123" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("VIEWER_THREADS", "0", "out of range"),
        ("VIEWER_THREADS", "eight", "not a whole number"),
        ("VIEWER_CONNECTION_LIMIT", "5", "out of range"),
        ("VIEWER_SHUTDOWN_GRACE_SECONDS", "-1", "out of range"),
        ("VIEWER_LOG_FORMAT", "xml", "use one of text, json"),
        ("VIEWER_METRICS_TOKEN", "short", "at least 16 characters"),
        ("VIEWER_METRICS_TOKEN", "has a space in it ok", "without spaces"),
    ],
)
def test_bad_values_are_refused_by_name(name: str, value: str, words: str) -> None:
    with pytest.raises(ConfigError, match=name) as raised:
        Settings.from_env({name: value})
    assert words in str(raised.value)
    if name == "VIEWER_METRICS_TOKEN":
        assert value not in str(raised.value), "a token is never echoed"


@pytest.mark.parametrize(
    ("outcome", "label"),
    [
        (200, "200"),
        (404, "404"),
        (429, "429"),
        (502, "5xx"),
        (418, "4xx"),
        ("ConnectError", "connect_error"),
        ("ConnectTimeout", "connect_error"),
        ("timeout", "timeout"),
        ("ReadTimeout", "timeout"),
        ("RemoteProtocolError", "transport_error"),
        ("breaker_open", "breaker_open"),
    ],
)
def test_upstream_outcomes_are_a_bounded_set(outcome: int | str, label: str) -> None:
    assert metrics.upstream_outcome(outcome) == label


def test_cache_lookup_words_are_checked() -> None:
    with pytest.raises(ValueError, match="hit"):
        metrics.cache_lookup("hot")
