"""Answers read whatever their depth; what is cut says so; errors name the real cause."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream
from tests.unit.test_upstream import make_api
from viewer.errors import UnexpectedAnswer
from viewer.runs.jsonparse import (
    MAX_DEPTH,
    SHALLOW,
    NotJson,
    depth_note,
    parse_deep,
    parse_json,
)
from viewer.runs.model import Run
from viewer.runs.redact import redact_payload
from viewer.web.jsontree import MAX_DEPTH as TREE_DEPTH
from viewer.web.jsontree import build_tree


def nested(depth: int, inner: str = '"bottom"') -> bytes:
    """`{"k": [{"k": [ ... inner ... ]}]}`, `depth` containers deep."""
    pairs = depth // 2
    return (b'{"k":[' * pairs + inner.encode() + b"]}" * pairs) or inner.encode()


DEEP, UNDEEP = b"[" * 3_000, b"]" * 3_000


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
    deep = "[" * 20 + "]" * 20  # deeper than SHALLOW past the limit: cut here
    shallow = "[[1]]"  # within SHALLOW levels past the limit: kept, the redaction walk cuts it
    text = f'[[{deep}, {shallow}], [], {{}}, {{"a": {deep}}}]'
    assert parse_deep(text, max_depth=2) == [
        [depth_note(2), [[1]]],
        [],
        {},
        {"a": depth_note(2)},
    ]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
)
any_json = st.recursive(  # NaN and the infinities too, as the standard parser reads them
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
)


@settings(max_examples=300)
@given(json_values, st.sampled_from([None, 2]))
def test_the_deep_parser_reads_what_the_standard_parser_reads(value: Any, indent: Any) -> None:
    text = json.dumps(value, indent=indent)
    assert parse_deep(text) == json.loads(text)


def visible(value: Any, limit: int = MAX_DEPTH) -> Any:
    """A value as a person sees it: every container deeper than `limit` is the note."""
    root: list[Any] = [None]
    work: list[tuple[Any, Any, Any, int]] = [(root, 0, value, 1)]
    while work:
        parent, slot, item, depth = work.pop()
        if isinstance(item, dict | list) and depth > limit:
            parent[slot] = depth_note(limit)
        elif isinstance(item, list):
            parent[slot] = copied = [None] * len(item)
            work += [(copied, index, child, depth + 1) for index, child in enumerate(item)]
        elif isinstance(item, dict):
            parent[slot] = copied = dict.fromkeys(item)
            work += [(copied, key, child, depth + 1) for key, child in item.items()]
        else:
            parent[slot] = item
    return root[0]


def deepest(value: Any) -> int:
    most = 0
    work = [(value, 1)]
    while work:
        item, depth = work.pop()
        if isinstance(item, dict | list):
            most = max(most, depth)
            work += [
                (child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)
            ]
    return most


# Hostile shapes: one repetition's opening and closing text, and the value it wraps around.
SHAPES: dict[str, tuple[str, str, Any]] = {
    "brackets": ("[", "]", lambda inner: [inner]),
    "objects and arrays": ('{"a":[', "]}", lambda inner: {"a": [inner]}),
    "a scalar before": ("[1,", "]", lambda inner: [1, inner]),
    "empty siblings": ("[[],{},", "]", lambda inner: [[], {}, inner]),
    "a deeper sibling": ("[[[]],", "]", lambda inner: [[[]], inner]),
    "a sibling past the shallow depth": (
        "[" + "[" * 9 + "]" * 9 + ",",
        "]",
        lambda inner: [visible_nine(), inner],
    ),
    "strings with brackets": ('["[{\\"]}\\\\",', "]", lambda inner: ['[{"]}\\', inner]),
    "keys with brackets": ('{"]\\"[":[', "]}", lambda inner: {']"[': [inner]}),
    "siblings after": ("[", ',"x"]', lambda inner: [inner, "x"]),
    "spaces": (" [ \n", " ] ", lambda inner: [inner]),
}


def visible_nine() -> Any:
    value: Any = []
    for _ in range(8):
        value = [value]
    return value


def shape(name: str, repeats: int) -> tuple[bytes, Any]:
    """The body of `repeats` repetitions of a shape around `true`, and its value."""
    opening, closing, wrap = SHAPES[name]
    value: Any = True
    for _ in range(repeats):
        value = wrap(value)
    return (opening * repeats + "true" + closing * repeats).encode(), value


@pytest.mark.parametrize("name", SHAPES)
@pytest.mark.parametrize("repeats", [150, 3_000])
def test_hostile_shapes_read_as_a_person_should_see_them(name: str, repeats: int) -> None:
    body, value = shape(name, repeats)
    parsed = parse_json(body)
    assert visible(parsed) == visible(value)
    if repeats > 1_000:  # past what the standard parser reads: cut where the scan cut it
        assert deepest(parsed) <= MAX_DEPTH + SHALLOW + 1


@settings(max_examples=200)
@given(json_values, st.sampled_from([(None, True), (2, True), (None, False)]))
def test_a_deep_answer_keeps_every_other_value_as_the_standard_parser_reads_it(
    value: Any, form: tuple[Any, bool]
) -> None:
    indent, ascii_only = form
    text = json.dumps(value, indent=indent, ensure_ascii=ascii_only)
    body = f'{{"deep": {nested(3_000).decode()}, "value": {text}, "after": [{text}]}}'
    parsed = parse_json(body.encode())
    assert json.dumps(parsed["value"]) == json.dumps(json.loads(text))
    assert json.dumps(parsed["after"]) == json.dumps([json.loads(text)])


@settings(max_examples=200)
@given(any_json, st.booleans())
def test_an_ordinary_answer_reads_as_the_standard_parser_reads_it(
    value: Any, ascii_only: bool
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)  # NaN and Infinity too
    assert json.dumps(parse_json(text.encode())) == json.dumps(json.loads(text))


def calls_to_parse(body: bytes) -> int:
    """How many Python and C functions reading `body` calls: the work, whatever the clock."""
    calls = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        calls += event in ("call", "c_call")

    sys.setprofile(count)
    try:
        parse_json(body)
    except NotJson:
        pass
    finally:
        sys.setprofile(None)
    return calls


BOMBS = {
    **{name: lambda size, name=name: shape(name, size // 8)[0] for name in SHAPES},
    "nothing but [": lambda size: b"[" * size,
    "brackets that do not match": lambda size: b"[" * (size // 2) + b"}" * (size // 2),
    "siblings at the bottom": lambda size: b"[" * 300 + b"[],{}," * (size // 6) + b"]" * 300,
}


@pytest.mark.parametrize("name", BOMBS)
def test_deep_bodies_cost_work_linear_in_their_size(name: str) -> None:
    calls_to_parse(BOMBS[name](4_000))  # the patterns of the scan are made once
    small, large = BOMBS[name](100_000), BOMBS[name](400_000)
    assert calls_to_parse(large) <= 4.4 * calls_to_parse(small)  # linear
    assert calls_to_parse(large) <= len(large)  # under a call a byte (the old parser: several)


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
        # deep bodies: the first error, where it is, however deep
        (DEEP + b"tru" + UNDEEP, "malformed JSON (Expecting value at line 1, column 3001)"),
        (DEEP + b"}" * 3_000, "malformed JSON (Expecting value at line 1, column 3001)"),
        (DEEP + UNDEEP[:-1] + b"}", "(Expecting ',' delimiter at line 1, column 6000)"),
        (DEEP + UNDEEP + b"]", "malformed JSON (Extra data at line 1, column 6001)"),
        (DEEP + b'"\x01"' + UNDEEP, "(Invalid control character at line 1, column 3002)"),
        (DEEP + b'"\\q"' + UNDEEP, "malformed JSON (Invalid \\escape at line 1, column 3002)"),
        (DEEP + b'"no end', "(Unterminated string starting at line 1, column 3001)"),
        (DEEP + b"1 2" + UNDEEP, "(Expecting ',' delimiter at line 1, column 3003)"),
        (DEEP + b"{1:2}" + UNDEEP, "(Expecting property name enclosed in double quotes at line 1"),
        (b"\n" * 5 + DEEP + b"x" + UNDEEP, "(Expecting value at line 6, column 3001)"),
        (b'{"a": ' + DEEP + UNDEEP + b', "b": tru}', "(Expecting value at line 1, column 6014)"),
        (DEEP + UNDEEP + DEEP + UNDEEP, "malformed JSON (Extra data at line 1, column 6001)"),
        (DEEP + b"9" * 5_000 + UNDEEP, "malformed JSON (Exceeds the limit (4300 digits)"),
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


json_bits = st.text(alphabet='[]{}",:\\ \n0123456789.-eEtruefalsnNI\x01u', max_size=40) | st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            ["[", "]", "{", "}", '"a"', '"[\\""', ",", ":", "1", " ", '"k":', "[]", "-", "true"]
        ),
        max_size=30,
    ),
)


@settings(max_examples=1_000, deadline=None)
@given(json_bits, st.integers(0, 30), st.sampled_from([1, 2, 3, 5, MAX_DEPTH]))
def test_on_any_text_the_deep_parser_agrees_with_the_standard_one(
    text: str, around: int, limit: int
) -> None:
    """Whatever the text, cut in pieces every `limit` levels: what a person sees of the standard
    parser's value, or an error naming the same cause at the same place."""
    text = "[" * around + text + "]" * around
    try:
        expected: Any = visible(json.loads(text), limit)
    except json.JSONDecodeError as error:
        expected = _where_expected(error.msg, text, error.pos)
    except ValueError:
        return  # a number too long: named without a place
    try:
        found: Any = visible(parse_deep(text, max_depth=limit), limit)
    except NotJson as error:
        found = str(error)
    # NaN is not equal to itself: the same value written out reads the same
    assert found == expected or repr(found) == repr(expected)


def _where_expected(message: str, text: str, pos: int) -> str:
    if pos >= len(text):
        return "JSON that ends before it is complete"
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"malformed JSON ({message.removesuffix(' at')} at line {line}, column {column})"
