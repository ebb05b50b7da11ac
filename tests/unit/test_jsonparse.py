"""Answers read whatever their depth; what is cut says so; errors name the real cause."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream
from tests.unit.test_upstream import make_api
from viewer.errors import UnexpectedAnswer
from viewer.runs.jsonparse import MAX_DEPTH, NotJson, depth_note, parse_deep, parse_json
from viewer.runs.model import Run
from viewer.runs.redact import redact_payload
from viewer.web.jsontree import MAX_DEPTH as TREE_DEPTH
from viewer.web.jsontree import build_tree


def nested(depth: int, inner: str = '"bottom"') -> bytes:
    """`{"k": [{"k": [ ... inner ... ]}]}`, `depth` containers deep."""
    pairs = depth // 2
    return (b'{"k":[' * pairs + inner.encode() + b"]}" * pairs) or inner.encode()


def depth_of(value: Any) -> int:
    depth = 0
    while isinstance(value, dict | list):
        depth += 1
        value = value["k"] if isinstance(value, dict) else value[0]
    return depth


@pytest.mark.parametrize("depth", [3_000, 100_000])
def test_deep_answers_are_read_and_cut_with_a_note(depth: int) -> None:
    value = parse_json(nested(depth))
    assert depth_of(value) == MAX_DEPTH
    bottom = value
    while isinstance(bottom, dict | list):
        bottom = bottom["k"] if isinstance(bottom, dict) else bottom[0]
    assert bottom == depth_note()
    json.dumps(value)  # the cut value can be written out again


def test_a_cut_keeps_the_siblings_of_the_deep_value() -> None:
    body = b'{"deep": ' + nested(5_000) + b', "after": [1, 2.5, true, null, "x"], "e": {}}'
    value = parse_json(body)
    assert value["after"] == [1, 2.5, True, None, "x"]
    assert value["e"] == {}


def test_the_deep_parser_cuts_at_its_limit() -> None:
    assert parse_deep('[[[[1]]], [], {}, {"a": [[]]}]', max_depth=2) == [
        [depth_note(2)],
        [],
        {},
        {"a": depth_note(2)},
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
)


@settings(max_examples=300)
@given(json_values, st.sampled_from([None, 2]))
def test_the_deep_parser_reads_what_the_standard_parser_reads(value: Any, indent: Any) -> None:
    text = json.dumps(value, indent=indent)
    assert parse_deep(text, max_depth=10_000) == json.loads(text)


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (b"", "an empty body"),
        (b"  \n", "an empty body"),
        (b"<html><body>502 Bad Gateway</body></html>", "HTML or XML page, not JSON"),
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b'{"a": 1,}', "(Expecting property name enclosed in double quotes at line 1"),
        (b'{"a":\n 1 2}', "malformed JSON (Expecting ',' delimiter at line 2, column 4)"),
        (b"[1] trailing", "malformed JSON (Extra data at line 1, column 5)"),
        (b'{"data": {"id": "run_1"', "JSON that ends before it is complete"),
        (b"[" * 100_000, "JSON that ends before it is complete"),
        (nested(3_000, "tru"), "malformed JSON (Expecting value at line 1"),
        (b"[" + b"9" * 5_000 + b"]", "malformed JSON (Exceeds the limit (4300 digits)"),
    ],
)
def test_what_is_not_json_is_named(body: bytes, cause: str) -> None:
    with pytest.raises(NotJson) as raised:
        parse_json(body)
    assert str(raised.value).startswith(cause) or cause in str(raised.value)


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (b"<html>proxy</html>", "an HTML or XML page, not JSON"),
        (b"[1, 2]", "JSON that is not an object (a list)"),
        (b'{"data": [1', "JSON that ends before it is complete"),
        (b'{"code": 200, "data": "nope"}', "without the run in its `data` field"),
    ],
)
def test_the_client_names_the_cause(scripted: ScriptedUpstream, body: bytes, cause: str) -> None:
    scripted.script(Reply(200, body))
    with pytest.raises(UnexpectedAnswer) as raised:
        make_api(scripted.url).get_run("run_1")
    assert cause in str(raised.value)


def test_the_client_reads_a_deep_answer(scripted: ScriptedUpstream) -> None:
    run = {"id": "run_1", "status": "success", "deep": "@DEEP@"}
    scripted.script(Reply(200, envelope(run).replace(b'"@DEEP@"', nested(3_000))))
    answer = make_api(scripted.url).get_run("run_1")
    assert answer.data["status"] == "success"
    assert depth_of(answer.data["deep"]) < MAX_DEPTH


def deep_value(depth: int) -> Any:
    value: Any = {"password": "hunter2"}
    for _ in range(depth):
        value = {"k": [value]}
    return value


def test_redaction_and_the_model_survive_any_depth() -> None:
    payload = {"id": "run_1", "status": "success", "propValues": {"deep": deep_value(50_000)}}
    redacted = redact_payload(payload)
    assert "hunter2" not in json.dumps(redacted)
    assert depth_note() in json.dumps(redacted)
    run = Run.from_payload(redacted, "run_1")
    assert run.inputs[0].value == redacted["propValues"]["deep"]


def test_the_tree_survives_any_depth_and_says_it_cut() -> None:
    tree = build_tree(deep_value(50_000))
    assert tree.too_deep and tree.truncated
    node = tree.root
    for _ in range(TREE_DEPTH):
        node = node.children[0]
    assert node.too_deep and node.hidden_children == 1
