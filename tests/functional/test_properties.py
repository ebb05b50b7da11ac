"""Property: whatever run the upstream sends, every view answers with a page or a clear error.

Runs are generated from the contract, then corrupted at random (fields dropped, mistyped,
replaced by random text or deeply nested values), and served by a tiny WSGI runs API through
httpx's WSGI transport.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import httpx
import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_SETTINGS
from viewer import create_app
from viewer.runs.ids import STEP_ID

RUN_ID = "run_prop"
ALLOWED = {200, 400, 404, 502}
RUN_STATUSES = ["running", "waiting", "success", "failure", "cancelled"]
STEP_STATUSES = [*RUN_STATUSES, "pending", "skipped"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
step_ids = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True) | st.text(min_size=1, max_size=12)
moments = (
    st.datetimes().map(lambda moment: moment.isoformat() + "Z")
    | st.integers(min_value=-(10**15), max_value=10**15)
    | st.sampled_from(["", "yesterday", "2026-13-45T99:99:99Z", "0"])
    | st.none()
)


@st.composite
def step_states(draw: st.DrawFn) -> dict[str, Any]:
    errors = st.none() | st.text(max_size=60) | st.fixed_dictionaries({"message": st.text()})
    return {
        "status": draw(st.sampled_from(STEP_STATUSES) | st.text(max_size=10)),
        "startedAt": draw(moments),
        "finishedAt": draw(moments),
        "cu": draw(scalars),
        "input": draw(json_values),
        "output": draw(json_values),
        "error": draw(errors),
        "logs": draw(st.lists(st.text(max_size=40) | json_values, max_size=4)),
        "txHash": draw(st.none() | st.text(max_size=70)),
    }


@st.composite
def runs(draw: st.DrawFn) -> dict[str, Any]:
    """A run shaped by the contract: a root, some steps, their states, inputs and forks."""
    ids = draw(st.lists(step_ids, min_size=0, max_size=6, unique=True))
    nodes: dict[str, Any] = {"root": {"type": "manual", "children": ids[:2]}}
    for step_id in ids:
        nodes[step_id] = {
            "type": draw(st.sampled_from(["read_price", "condition", "uniswap_swap", "block"])),
            "name": draw(st.text(max_size=30)),
            "children": draw(st.lists(st.sampled_from([*ids, "ghost"]), max_size=3)),
            "config": draw(json_values),
        }
    ran = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    state = {step_id: draw(step_states()) for step_id in ran}
    keys = draw(st.lists(st.text(min_size=1, max_size=10), max_size=4, unique=True))
    return {
        "id": RUN_ID,
        "organizationId": draw(st.text(max_size=20)),
        "workflowId": draw(st.text(max_size=30)),
        "workflowVersion": draw(st.integers(min_value=0, max_value=99)),
        "status": draw(st.sampled_from(RUN_STATUSES)),
        "startedAt": draw(moments),
        "finishedAt": draw(moments),
        "totalCu": draw(st.integers(min_value=0) | st.floats()),
        "triggerSource": draw(st.text(max_size=20)),
        "triggeredBy": draw(st.text(max_size=20)),
        "isSimulation": draw(st.booleans()),
        "isDustTest": draw(st.booleans()),
        "simulationMode": draw(st.text(max_size=10)),
        "simulationForks": [
            {
                "chainId": draw(st.integers(0, 100_000)),
                "forkId": draw(st.text(max_size=20)),
                "rpcUrl": draw(st.text(max_size=60)),
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
        "sourceRunId": draw(st.text(max_size=20)),
        "propValues": {key: draw(json_values) for key in keys},
        "workflowDefinition": {
            "inputSchema": [
                {
                    "key": key,
                    "type": draw(st.sampled_from(["string", "number", "object", "x"])),
                    "required": draw(st.booleans()),
                    "description": draw(st.text(max_size=30)),
                }
                for key in keys
            ],
            "nodes": nodes,
            "blockExpansions": draw(
                st.dictionaries(st.sampled_from([*ids, "x"]), json_values, max_size=2)
            ),
        },
        "executionState": draw(st.sampled_from([state, {"nodes": state}])),
    }


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterable[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*prefix, index)
            yield from paths(item, (*prefix, index))


def nest(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def corrupted_runs(draw: st.DrawFn) -> dict[str, Any]:
    """A contract run with a few fields dropped, mistyped or buried in nesting."""
    run = draw(runs())
    for _ in range(draw(st.integers(0, 6))):
        top_level = draw(st.booleans())
        candidates = [(key,) for key in run] if top_level else list(paths(run))
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        holder: Any = run
        for part in path[:-1]:
            holder = holder[part]
        action = draw(st.sampled_from(["drop", "retype", "nest"]))
        if action == "drop":
            del holder[path[-1]]
        elif action == "retype":
            holder[path[-1]] = draw(json_values)
        else:
            holder[path[-1]] = nest(holder[path[-1]], draw(st.integers(1, 300)))
    return run


class OneRunApi:
    """A WSGI runs API answering every request with the envelope it holds."""

    def __init__(self) -> None:
        self.body = b"{}"

    def hold(self, envelope: Any) -> None:
        self.body = json.dumps(envelope).encode()

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [self.body]


@pytest.fixture(scope="module")
def served() -> tuple[OneRunApi, Flask]:
    api = OneRunApi()
    viewer = create_app(
        replace(
            TEST_SETTINGS,
            runs_api_url="http://runs.test",
            runs_api_token="property-token-1",
            cache_live_seconds=0,
            cache_final_seconds=0,
            retry_attempts=1,
        ),
        transport=httpx.WSGITransport(app=api),
    )
    return api, viewer


def views_of(run: Any) -> list[str]:
    """Every view of the run, the step ones for a step the definition names (or "root")."""
    definition = run.get("workflowDefinition") if isinstance(run, dict) else None
    nodes = definition.get("nodes") if isinstance(definition, dict) else None
    named = [step for step in nodes if STEP_ID.fullmatch(step)] if isinstance(nodes, dict) else []
    step = named[-1] if named else "root"
    return [
        f"/runs/{RUN_ID}",
        f"/runs/{RUN_ID}?node={step}",
        f"/_fragments/runs/{RUN_ID}/graph",
        f"/_fragments/runs/{RUN_ID}/steps/{step}",
        f"/_fragments/runs/{RUN_ID}/live",
        f"/runs/{RUN_ID}.json",
        f"/runs/{RUN_ID}/steps/{step}.json",
    ]


def assert_answers(viewer: Flask, run: Any) -> dict[str, int]:
    """Request every view; each answers 200 or a clear error. Returns the status by path."""
    client = viewer.test_client()
    statuses = {}
    for path in views_of(run):
        answer = client.get(path)
        body = answer.get_data(as_text=True)
        # Only the status is checked: Hypothesis also draws the string literals of this module.
        assert answer.status_code in ALLOWED, f"{path} -> {answer.status_code}: {body[:400]}"
        statuses[path] = answer.status_code
    return statuses


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(run=corrupted_runs())
def test_any_corrupted_run_gets_a_page_or_a_clear_error(
    served: tuple[OneRunApi, Flask], run: dict[str, Any]
) -> None:
    api, viewer = served
    api.hold({"code": 200, "message": "success", "requestId": "req-prop", "data": run})
    assert_answers(viewer, run)


@PROPERTY
@given(envelope=json_values | st.fixed_dictionaries({"data": json_values}))
def test_any_json_envelope_gets_a_page_or_a_clear_error(
    served: tuple[OneRunApi, Flask], envelope: Any
) -> None:
    api, viewer = served
    api.hold(envelope)
    assert_answers(viewer, envelope.get("data") if isinstance(envelope, dict) else None)


@PROPERTY
@given(run=runs())
def test_a_run_that_keeps_the_contract_is_drawn(
    served: tuple[OneRunApi, Flask], run: dict[str, Any]
) -> None:
    api, viewer = served
    api.hold({"code": 200, "message": "success", "requestId": "req-prop", "data": run})
    statuses = assert_answers(viewer, run)
    assert statuses[f"/runs/{RUN_ID}"] == 200
    assert statuses[f"/_fragments/runs/{RUN_ID}/graph"] == 200
    assert statuses[f"/runs/{RUN_ID}.json"] == 200
