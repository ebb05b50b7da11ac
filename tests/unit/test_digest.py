"""content_digest: equal parsed JSON gives equal digests, any difference another."""

from __future__ import annotations

import json

from viewer.runs.digest import content_digest


def test_equal_content_equal_digest_and_every_difference_shows() -> None:
    value = {"nodes": {"a": {"children": ["b"], "cu": 1, "ok": True, "x": None, "f": 1.5}}}
    again = json.loads(json.dumps(value))
    assert content_digest(value) == content_digest(again)
    for changed in (
        {"nodes": {"a": {"children": ["b"], "cu": 1.0, "ok": True, "x": None, "f": 1.5}}},
        {"nodes": {"a": {"children": ["b"], "cu": True, "ok": True, "x": None, "f": 1.5}}},
        {"nodes": {"a": {"children": ["b", ""], "cu": 1, "ok": True, "x": None, "f": 1.5}}},
        {"nodes": {"a": {"children": "b", "cu": 1, "ok": True, "x": None, "f": 1.5}}},
    ):
        assert content_digest(changed) != content_digest(value)
    # Strings are not confused by where one ends and the next begins.
    assert content_digest(["ab", "c"]) != content_digest(["a", "bc"])


def test_what_is_not_plain_json_has_no_digest() -> None:
    assert content_digest({"a": object()}) is None
    deep: list = []
    inner = deep
    for _ in range(5000):
        inner.append([])
        inner = inner[0]
    assert content_digest(deep) is None
