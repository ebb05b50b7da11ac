"""A definition read before is known by its text: the rest of the answer is parsed alone, and
whatever the body looks like, the answer read is the one the whole body says."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream
from tests.unit.test_service import RUN
from viewer.runs.cache import SingleFlightCache
from viewer.runs.definitions import KnownDefinitions
from viewer.runs.service import RunsService, What
from viewer.runs.upstream import RetryPolicy, RunsApi

DEFINITION = {"nodes": {"root": {"type": "manual", "children": ["b"]}, "b": {"type": "call"}}}


def known_after_first_read(body: bytes) -> KnownDefinitions:
    """A store that has seen (and kept) the definition of this body."""
    known = KnownDefinitions(1 << 20)
    read = known.read(body)
    assert read is not None
    known.keep(read[1], read[0]["data"]["workflowDefinition"])
    return known


def test_a_definition_seen_before_is_the_one_kept() -> None:
    body = envelope({"id": "run_1", "workflowDefinition": DEFINITION, "executionState": {}})
    known = known_after_first_read(body)
    kept = known.read(body)
    assert kept is not None and kept[1].kept is not None
    again = envelope({"id": "run_1", "workflowDefinition": DEFINITION, "executionState": {"b": {}}})
    envelope_read, definition = known.read(again)  # type: ignore[misc]
    assert definition.kept is kept[1].kept, "the same text gives the same kept definition"
    assert envelope_read["data"]["workflowDefinition"] is definition.kept
    assert envelope_read == json.loads(again)


@pytest.mark.parametrize(
    "body",
    [
        # the key's text inside a string before the real one
        b'{"data": {"note": "\\"workflowDefinition\\": {\\"x\\": 1}",'
        b' "workflowDefinition": {"a": 1}}}',
        # a key with a leading escaped quote spells it too
        b'{"data": {"\\"workflowDefinition": {"x": 1}, "workflowDefinition": {"a": 1}}}',
        # a repeated key: the last one counts, as for the whole body
        b'{"data": {"workflowDefinition": {"x": 1}, "workflowDefinition": {"a": 1}}}',
        # in a nested object only, or outside data
        b'{"data": {"inner": {"workflowDefinition": {"x": 1}}}}',
        b'{"workflowDefinition": {"x": 1}, "data": {"id": "run_1"}}',
        # spelled with an escape; not an object
        b'{"data": {"workflow\\u0044efinition": {"x": 1}}}',
        b'{"data": {"workflowDefinition": [1, 2]}}',
        b'{"data": {"workflowDefinition": null}}',
    ],
)
def test_odd_bodies_read_as_the_whole_body_says(body: bytes) -> None:
    known = KnownDefinitions(1 << 20)
    for _ in range(2):  # before and after its definition (if any) is kept
        read = known.read(body)
        if read is None:
            continue  # the caller parses the body whole
        assert read[0] == json.loads(body)
        known.keep(read[1], read[0]["data"]["workflowDefinition"])


def test_malformed_deep_or_not_utf8_bodies_are_left_to_the_whole_parse() -> None:
    known = KnownDefinitions(1 << 20)
    deep = b'{"data": {"workflowDefinition": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}}"
    for body in (
        b'{"data": {"workflowDefinition": {"a": 1}',
        b'{"data": {"workflowDefinition": {"a": 1}}, }',
        deep,
        b'{"data": {"workflowDefinition": {"a": "\xff"}}}',
    ):
        assert known.read(body) is None


def test_same_length_other_text_is_parsed_not_taken() -> None:
    first = envelope({"workflowDefinition": {"nodes": {"aaaa": {"type": "x"}}}})
    known = known_after_first_read(first)
    other = envelope({"workflowDefinition": {"nodes": {"bbbb": {"type": "x"}}}})
    read = known.read(other)
    assert read is not None and read[1].kept is None
    assert read[0] == json.loads(other)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(
    definition=st.dictionaries(st.text(max_size=6), json_values, max_size=4),
    data=st.dictionaries(st.sampled_from(["id", "workflowDefinition", "x", "note"]), json_values),
    spaced=st.booleans(),
)
def test_any_answer_reads_the_same_as_its_whole_body(
    definition: dict[str, Any], data: dict[str, Any], spaced: bool
) -> None:
    data = {**data, "workflowDefinition": definition, "tail": "workflowDefinition"}
    body = json.dumps({"data": data}, indent=1 if spaced else None).encode()
    known = KnownDefinitions(1 << 20)
    for _ in range(2):
        read = known.read(body)
        assert read is not None
        assert read[0] == json.loads(body)
        known.keep(read[1], read[0]["data"]["workflowDefinition"])


def test_kept_definitions_stay_within_their_bounds() -> None:
    known = KnownDefinitions(max_bytes=200_000, max_entries=3)
    for n in range(6):
        body = envelope({"workflowDefinition": {"nodes": {f"step_{n}": {"type": "x" * n}}}})
        read = known.read(body)
        assert read is not None
        known.keep(read[1], read[0]["data"]["workflowDefinition"])
    assert len(known) == 3 and known.bytes <= 200_000
    big = envelope({"workflowDefinition": {"nodes": {"s": {"type": "y" * 40_000}}}})
    read = known.read(big)
    assert read is not None
    known.keep(read[1], read[0]["data"]["workflowDefinition"])
    assert len(known) == 3, "a definition larger than the bound is used, not kept"


def test_a_panel_parses_and_counts_only_its_own_part(scripted: ScriptedUpstream) -> None:
    secret_definition = {**DEFINITION, "apiKey": "k" * 24, "padding": "p" * 100_000}
    run = {**RUN, "workflowId": "wf", "workflowDefinition": secret_definition}
    scripted.script(Reply(200, envelope(run)))
    client = httpx.Client(base_url=scripted.url)
    api = RunsApi(client, token="t" * 20, retry=RetryPolicy(attempts=1), max_body_bytes=1 << 21)
    cache: SingleFlightCache[Any] = SingleFlightCache(1 << 24)
    service = RunsService(api, cache, live_ttl=2.0, final_ttl=300.0)
    first = service.get("run_1", What.steps(["root"])).run
    after_first = cache.bytes
    second = service.get("run_1", What.steps(["b"])).run
    assert second.definition is first.definition
    assert second.definition["apiKey"] == "[redacted]"
    assert cache.bytes - after_first < after_first / 10, "the shared definition is counted once"
