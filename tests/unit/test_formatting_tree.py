"""Times, durations, numbers, and the bounded JSON tree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from viewer.config import Settings
from viewer.runs.model import Moment
from viewer.web.formatting import (
    absolute_time,
    duration_between,
    format_number,
    format_seconds,
    relative_time,
)
from viewer.web.jsontree import MAX_NODES, build_tree

AT = datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)


@pytest.fixture
def paris() -> Flask:
    app = Flask(__name__)
    app.config["VIEWER_SETTINGS"] = Settings(timezone="Europe/Paris")
    return app


def test_absolute_time_shows_its_zone(paris: Flask) -> None:
    with paris.app_context():
        assert absolute_time(Moment(AT)) == "2026-11-20 15:02:11 CET"
        assert absolute_time(Moment(None, "junk")) == "unknown"


def test_relative_time() -> None:
    now = AT + timedelta(hours=3, minutes=5)
    assert relative_time(Moment(AT), now) == "3 hours ago"
    assert relative_time(Moment(AT + timedelta(minutes=5)), AT) == "in 5 minutes"
    assert relative_time(Moment(AT), AT) == "just now"
    assert relative_time(Moment(None)) == ""


def test_durations() -> None:
    end = Moment(AT + timedelta(seconds=13))
    assert duration_between(Moment(AT), end) == "13 s"
    assert duration_between(Moment(AT), Moment(None), AT + timedelta(minutes=4, seconds=5)) == (
        "4 min 05 s"
    )
    assert duration_between(end, Moment(AT)) == "unknown (ends before it starts)"
    assert duration_between(Moment(None), end) == ""
    assert format_seconds(0.25) == "250 ms"
    assert format_seconds(2 * 86400 + 3600) == "2 d 1 h"


def test_numbers() -> None:
    assert format_number(1840) == "1,840"
    assert format_number(1234.5) == "1,234.5"
    assert format_number(None) == "unknown"


def test_tree_caps_nodes_and_depth() -> None:
    deep: object = 1
    for _ in range(100):
        deep = [deep]
    tree = build_tree({"wide": list(range(10_000)), "deep": deep})
    assert tree.truncated
    wide = tree.root.children[0]
    assert wide.size == 10_000
    assert len(wide.children) < MAX_NODES
    assert wide.hidden_children == 10_000 - len(wide.children)


def test_tree_folds_long_text() -> None:
    tree = build_tree({"s": "x" * 1000, "short": "ok", "n": None, "b": True})
    long, short, null, boolean = tree.root.children
    assert long.full_text == "x" * 1000
    assert long.text.endswith("…")
    assert short.full_text is None
    assert (null.text, boolean.text) == ("null", "true")
    assert not tree.truncated
