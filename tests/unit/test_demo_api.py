"""The demo runs API implements the upstream contract, and its bundled runs obey it."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest
from flask.testing import FlaskClient

from viewer.demo import (
    DEMO_RUN_IDS,
    DEMO_TOKEN,
    GENERATED_RUN_ID,
    LIVE_RUN_ID,
    create_demo_api,
    load_demo_runs,
)
from viewer.demo.clock import SCHEDULE_KEY, iso_utc
from viewer.demo.generate import GENERATED_STEPS, generate_workflow_run

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}
REQUEST_ID = re.compile(r"^req-[0-9a-f]{12}$")
NODE_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
RUN_STATUSES = {"running", "waiting", "success", "failure", "cancelled"}
NODE_STATUSES = RUN_STATUSES | {"pending", "skipped"}
SCHEMA_TYPES = {"string", "number", "boolean", "object", "array"}
MALFORMED_RUN_ID = "run_f2a8b47e1d"
FAILED_RUN_ID = "run_8fd21b6c07"
T0 = 1_800_000_000.0


class FakeClock:
    """A settable clock."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock) -> FlaskClient:
    return create_demo_api(clock=clock, running_seconds=90.0).test_client()


def get(client: FlaskClient, path: str, headers: dict[str, str] | None = None) -> tuple[Any, dict]:
    response = client.get(path, headers=AUTH if headers is None else headers)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert REQUEST_ID.match(body["requestId"])
    assert response.headers["X-Request-Id"] == body["requestId"]
    return response, body


def state_of(run: dict) -> dict:
    state = run["executionState"]
    return state["nodes"] if set(state) == {"nodes"} else state


# ---------------------------------------------------------------- envelope, auth, errors


@pytest.mark.parametrize("run_id", DEMO_RUN_IDS)
def test_every_demo_run_is_served_in_an_envelope(client: FlaskClient, run_id: str) -> None:
    response, body = get(client, f"/v1/runs/{run_id}")
    assert response.status_code == 200
    assert list(body) == ["code", "message", "requestId", "data"]
    assert body["code"] == 200
    assert body["message"] == "success"
    assert body["data"]["id"] == run_id
    assert "workflowDefinition" in body["data"]
    assert "executionState" in body["data"]


def test_request_ids_are_fresh(client: FlaskClient) -> None:
    ids = {get(client, f"/v1/runs/{DEMO_RUN_IDS[1]}")[1]["requestId"] for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {DEMO_TOKEN}"},
        {"Authorization": f"Bearer {DEMO_TOKEN[:-1]}"},
        {"Authorization": f"Bearer {DEMO_TOKEN}x"},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer bjørn"},
    ],
)
def test_missing_or_wrong_token_is_401(client: FlaskClient, headers: dict[str, str]) -> None:
    response, body = get(client, f"/v1/runs/{DEMO_RUN_IDS[0]}", headers=headers)
    assert response.status_code == 401
    assert body == {
        "code": 401,
        "message": "unauthorized: missing or invalid bearer token",
        "requestId": body["requestId"],
    }


def test_bearer_scheme_is_case_insensitive(client: FlaskClient) -> None:
    response, _ = get(
        client, f"/v1/runs/{DEMO_RUN_IDS[1]}", {"Authorization": f"bearer {DEMO_TOKEN}"}
    )
    assert response.status_code == 200


def test_custom_token_and_no_auth() -> None:
    secured = create_demo_api(token="s3cret").test_client()
    assert secured.get(f"/v1/runs/{DEMO_RUN_IDS[1]}", headers=AUTH).status_code == 401
    ok = secured.get(f"/v1/runs/{DEMO_RUN_IDS[1]}", headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200
    open_api = create_demo_api(token=None).test_client()
    assert open_api.get(f"/v1/runs/{DEMO_RUN_IDS[1]}").status_code == 200


@pytest.mark.parametrize("run_id", ["run_doesnotexist", "nope", "run_7f3a2c9e41x"])
def test_unknown_run_is_404_envelope(client: FlaskClient, run_id: str) -> None:
    response, body = get(client, f"/v1/runs/{run_id}")
    assert response.status_code == 404
    assert body == {"code": 404, "message": "run not found", "requestId": body["requestId"]}


@pytest.mark.parametrize("path", ["/", "/v1/runs", "/v1/runs/", "/v2/runs/run_7f3a2c9e41", "/x/y"])
def test_unknown_path_is_404_envelope(client: FlaskClient, path: str) -> None:
    response, body = get(client, path)
    assert response.status_code == 404
    assert body["code"] == 404
    assert "data" not in body


def test_wrong_method_is_405_envelope(client: FlaskClient) -> None:
    response = client.post(f"/v1/runs/{DEMO_RUN_IDS[1]}", headers=AUTH)
    assert response.status_code == 405
    body = response.get_json()
    assert body["code"] == 405
    assert REQUEST_ID.match(body["requestId"])


# ---------------------------------------------------------------- query parameters


@pytest.mark.parametrize("run_id", DEMO_RUN_IDS)
def test_summary_omits_definition_and_state(client: FlaskClient, run_id: str) -> None:
    full = get(client, f"/v1/runs/{run_id}")[1]["data"]
    summary = get(client, f"/v1/runs/{run_id}?summary=true")[1]["data"]
    assert "executionState" not in summary
    assert "workflowDefinition" not in summary
    expected = {k for k in full if k not in ("executionState", "workflowDefinition")}
    assert set(summary) == expected
    assert summary["status"] == full["status"]


def test_summary_false_keeps_everything(client: FlaskClient) -> None:
    data = get(client, f"/v1/runs/{DEMO_RUN_IDS[1]}?summary=false")[1]["data"]
    assert "executionState" in data
    assert "workflowDefinition" in data


def test_node_ids_filter_keeps_only_those_nodes(client: FlaskClient) -> None:
    run_id = "run_7f3a2c9e41"
    data = get(client, f"/v1/runs/{run_id}?nodeIds=swap,%20price,not_a_node")[1]["data"]
    assert set(data["executionState"]) == {"swap", "price"}
    assert len(data["workflowDefinition"]["nodes"]) == 9
    # the stored run is not changed by filtering
    again = get(client, f"/v1/runs/{run_id}")[1]["data"]
    assert len(again["executionState"]) == 9


def test_node_ids_repeated_and_empty(client: FlaskClient) -> None:
    run_id = "run_7f3a2c9e41"
    data = get(client, f"/v1/runs/{run_id}?nodeIds=swap&nodeIds=quote")[1]["data"]
    assert set(data["executionState"]) == {"swap", "quote"}
    assert len(get(client, f"/v1/runs/{run_id}?nodeIds=")[1]["data"]["executionState"]) == 9
    assert get(client, f"/v1/runs/{run_id}?nodeIds=zzz")[1]["data"]["executionState"] == {}


def test_node_ids_with_colons_and_dots(client: FlaskClient) -> None:
    run = load_demo_runs()[GENERATED_RUN_ID]
    block, expanded = next(iter(run["workflowDefinition"]["blockExpansions"].items()))
    wanted = [block, *expanded, "vault_03.balance"]
    data = get(client, f"/v1/runs/{GENERATED_RUN_ID}?nodeIds={','.join(wanted)}")[1]["data"]
    assert set(data["executionState"]) == set(wanted)


def test_node_ids_filter_inside_wrapped_state(client: FlaskClient) -> None:
    data = get(client, f"/v1/runs/{MALFORMED_RUN_ID}?nodeIds=fetch,sign")[1]["data"]
    assert set(data["executionState"]) == {"nodes"}
    assert set(data["executionState"]["nodes"]) == {"fetch", "sign"}


def test_summary_wins_over_node_ids(client: FlaskClient) -> None:
    data = get(client, "/v1/runs/run_7f3a2c9e41?summary=true&nodeIds=swap")[1]["data"]
    assert "executionState" not in data
    assert "workflowDefinition" not in data


def test_node_ids_on_live_run(client: FlaskClient, clock: FakeClock) -> None:
    clock.now = T0 + 89
    data = get(client, f"/v1/runs/{LIVE_RUN_ID}?nodeIds=swap,notify,root")[1]["data"]
    assert set(data["executionState"]) == {"swap", "notify", "root"}


def test_extra_runs_are_served() -> None:
    extra = generate_workflow_run(120, run_id="run_gen_120")
    api = create_demo_api(token=None, extra_runs={"run_gen_120": extra}).test_client()
    data = api.get("/v1/runs/run_gen_120").get_json()["data"]
    assert len(data["workflowDefinition"]["nodes"]) == 121


# ---------------------------------------------------------------- the live run


def test_live_run_advances_with_the_clock(client: FlaskClient, clock: FakeClock) -> None:
    url = f"/v1/runs/{LIVE_RUN_ID}"
    first = get(client, url)[1]["data"]
    assert first["status"] == "running"
    assert first["startedAt"] == iso_utc(T0)
    assert "finishedAt" not in first
    assert SCHEDULE_KEY not in first
    assert first["executionState"]["balances"]["status"] == "running"
    assert "notify" not in first["executionState"]

    clock.now = T0 + 30  # a third of the way: the wait step is current
    middle = get(client, url)[1]["data"]
    state = middle["executionState"]
    assert middle["status"] == "running"
    assert state["approve"]["status"] == "success"
    assert RFC3339.match(state["approve"]["finishedAt"])
    assert state["cooldown"]["status"] == "waiting"
    assert RFC3339.match(state["cooldown"]["output"]["resumesAt"])
    assert "swap" not in state
    assert 0 < middle["totalCu"] < first["totalCu"] + 10_000
    started = [state[n]["startedAt"] for n in state]
    assert started == sorted(started)

    clock.now = T0 + 50
    assert get(client, url)[1]["data"]["executionState"]["swap"]["status"] == "running"

    clock.now = T0 + 90
    done = get(client, url)[1]["data"]
    assert done["status"] == "success"
    assert done["finishedAt"] == iso_utc(T0 + 90)
    nodes = done["workflowDefinition"]["nodes"]
    assert set(done["executionState"]) == set(nodes)
    assert all(e["status"] == "success" for e in done["executionState"].values())
    assert done["totalCu"] == sum(e["cu"] for e in done["executionState"].values())
    assert done["totalCu"] > middle["totalCu"]


def test_live_run_starts_when_the_app_is_created(clock: FakeClock) -> None:
    clock.now = T0 + 1_000
    api = create_demo_api(clock=clock, running_seconds=10).test_client()
    clock.now = T0 + 1_005
    data = get(api, f"/v1/runs/{LIVE_RUN_ID}")[1]["data"]
    assert data["startedAt"] == iso_utc(T0 + 1_000)
    assert data["status"] == "running"
    clock.now = T0 + 900  # the clock going backwards is not an error
    assert get(api, f"/v1/runs/{LIVE_RUN_ID}")[1]["data"]["status"] == "running"


def test_running_seconds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="running_seconds"):
        create_demo_api(running_seconds=0)


# ------------------------------------------------------- the bundled runs obey the contract


def walk(value: Any, key: str = "") -> Any:
    """Yield (key, value) for every nested pair."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, v
            yield from walk(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, key)


def served_runs() -> dict[str, dict]:
    app = create_demo_api(clock=FakeClock(), running_seconds=90.0)
    client = app.test_client()
    return {rid: get(client, f"/v1/runs/{rid}")[1]["data"] for rid in DEMO_RUN_IDS}


SERVED = served_runs()


def test_demo_run_ids_match_files_newest_first() -> None:
    runs = load_demo_runs()
    assert tuple(runs) == DEMO_RUN_IDS
    assert len(set(DEMO_RUN_IDS)) == len(DEMO_RUN_IDS) >= 8
    starts = [SERVED[r]["startedAt"] for r in DEMO_RUN_IDS if r != MALFORMED_RUN_ID]
    assert starts == sorted(starts, reverse=True)


@pytest.mark.parametrize("run_id", DEMO_RUN_IDS)
def test_run_obeys_the_contract(run_id: str) -> None:
    run = SERVED[run_id]
    assert RUN_ID.match(run["id"])
    assert run["status"] in RUN_STATUSES
    for key in ("organizationId", "workflowId", "triggerSource", "triggeredBy", "simulationMode"):
        assert isinstance(run[key], str)
    assert isinstance(run["workflowVersion"], int)
    assert isinstance(run["isSimulation"], bool)
    assert isinstance(run["isDustTest"], bool)
    assert isinstance(run["totalCu"], int | float)
    assert isinstance(run["propValues"], dict)
    for fork in run["simulationForks"]:
        assert isinstance(fork["chainId"], int)
        assert fork["forkId"]
        assert fork["rpcUrl"].startswith("https://")
    definition = run["workflowDefinition"]
    nodes = definition["nodes"]
    assert nodes["root"]["type"] == "manual"
    for node_id, node in nodes.items():
        assert NODE_ID.match(node_id)
        assert isinstance(node["type"], str)
        assert isinstance(node["children"], list)
    for block, expanded in definition.get("blockExpansions", {}).items():
        assert block in nodes
        assert all(n in nodes for n in expanded)
    if run_id == MALFORMED_RUN_ID:
        return  # deliberately broken, checked below
    for node in nodes.values():
        assert all(child in nodes for child in node["children"])
    for item in definition["inputSchema"]:
        assert item["type"] in SCHEMA_TYPES
        assert isinstance(item["required"], bool)
        assert item["key"]
        assert item["description"]
    state = run["executionState"]
    assert set(state) <= set(nodes)
    for entry in state.values():
        assert entry["status"] in NODE_STATUSES
        for key in ("startedAt", "finishedAt"):
            assert key not in entry or RFC3339.match(entry[key])
    for key in ("startedAt", "finishedAt"):
        assert key not in run or RFC3339.match(run[key])
    assert ("finishedAt" in run) == (run["status"] not in ("running", "waiting"))
    for key, value in walk(run):
        if key in ("chainId", "toChainId"):
            assert isinstance(value, int)
            assert value in (1, 10, 137, 8453, 42161)
        if key in ("txHash", "hash", "transactionHash") and isinstance(value, str):
            assert re.fullmatch(r"0x[0-9a-f]{64}", value)


def test_run_stories() -> None:
    runs = SERVED
    statuses = Counter(r["status"] for r in runs.values())
    assert set(statuses) == RUN_STATUSES

    failed = runs[FAILED_RUN_ID]
    swap = failed["executionState"]["swap"]
    assert swap["status"] == "failure"
    assert swap["error"]["message"] == "execution reverted: STF"
    assert swap["error"]["code"] == "CALL_EXCEPTION"
    assert "bridge" not in failed["executionState"]
    schema_keys = {i["key"] for i in failed["workflowDefinition"]["inputSchema"]}
    required = {i["key"] for i in failed["workflowDefinition"]["inputSchema"] if i["required"]}
    assert required - set(failed["propValues"])
    assert set(failed["propValues"]) - schema_keys

    sim = runs["run_e13f6b82a4"]
    assert sim["isSimulation"] is True
    assert sim["simulationMode"] == "fork"
    assert sim["sourceRunId"] == FAILED_RUN_ID
    assert [f["chainId"] for f in sim["simulationForks"]] == [1, 8453]

    waiting = runs["run_2be7f0a913"]
    assert waiting["executionState"]["approval"]["status"] == "waiting"
    assert "payout" not in waiting["executionState"]

    cancelled = runs["run_5a09d3e7c8"]
    assert "cancelled" in {e["status"] for e in cancelled["executionState"].values()}

    assert runs["run_9d64c1f0b3"]["isDustTest"] is True
    assert runs["run_9d64c1f0b3"]["status"] == "success"


def test_malformed_run_is_malformed_as_documented() -> None:
    run = SERVED[MALFORMED_RUN_ID]
    assert "Deliberately malformed" in run["description"]
    assert set(run["executionState"]) == {"nodes"}
    assert isinstance(run["startedAt"], int)
    assert isinstance(run["executionState"]["nodes"]["sign"]["error"], str)
    nodes = run["workflowDefinition"]["nodes"]
    missing = {c for n in nodes.values() for c in n["children"] if c not in nodes}
    assert missing == {"archive_v1"}
    assert "privateKey" in nodes["sign"]


# ---------------------------------------------------------------- the generator


def test_generated_run_shape() -> None:
    run = generate_workflow_run(500)
    nodes = run["workflowDefinition"]["nodes"]
    assert len(nodes) >= 500
    assert nodes["root"]["type"] == "manual"
    assert all(NODE_ID.match(n) for n in nodes)
    assert all(c in nodes for n in nodes.values() for c in n["children"])
    assert max(len(n["children"]) for n in nodes.values()) >= 40
    parents = Counter(c for n in nodes.values() for c in n["children"])
    assert max(parents.values()) >= 2
    expansions = run["workflowDefinition"]["blockExpansions"]
    assert expansions
    assert all(b in nodes and all(n in nodes for n in ids) for b, ids in expansions.items())
    statuses = Counter(e["status"] for e in run["executionState"].values())
    assert statuses["success"] > 0.8 * len(nodes)
    assert run["totalCu"] == sum(e.get("cu", 0) for e in run["executionState"].values())


@pytest.mark.parametrize("steps", [0, 1, 2, 5, 50, 100, 1_000])
def test_generated_run_sizes(steps: int) -> None:
    run = generate_workflow_run(steps, seed=3)
    nodes = run["workflowDefinition"]["nodes"]
    assert len(nodes) == steps + 1
    assert all(c in nodes for n in nodes.values() for c in n["children"])
    assert set(run["executionState"]) == set(nodes)


def test_generator_is_deterministic_and_makes_the_steps_asked_for() -> None:
    assert generate_workflow_run(300, seed=11) == generate_workflow_run(300, seed=11)
    assert generate_workflow_run(300, seed=11) != generate_workflow_run(300, seed=12)
    run = generate_workflow_run(5_000)
    assert len(run["workflowDefinition"]["nodes"]) == 5_001


def test_committed_generated_run_is_up_to_date() -> None:
    expected = generate_workflow_run(GENERATED_STEPS, seed=7, run_id=GENERATED_RUN_ID)
    assert load_demo_runs()[GENERATED_RUN_ID] == json.loads(json.dumps(expected))


# ---------------------------------------------------------------- python -m viewer.demo


def test_main_serves_with_waitress(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from viewer.demo import __main__ as entry

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(entry.waitress, "serve", lambda app, **kw: calls.append({"app": app, **kw}))
    entry.main(["--port", "8123", "--no-auth", "--running-seconds", "5", "--generate", "60"])
    assert calls[0]["host"] == "127.0.0.1"
    assert calls[0]["port"] == 8123
    assert calls[0]["threads"] == 8
    assert "http://127.0.0.1:8123" in capsys.readouterr().out
    served = calls[0]["app"].test_client().get("/v1/runs/run_gen_60")
    assert served.status_code == 200
