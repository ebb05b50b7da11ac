"""The runs service against a real loopback upstream: one call, redacted once, parsed once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Hashable

import httpx
import pytest

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream
from viewer.runs.cache import SingleFlightCache, Sized
from viewer.runs.service import FULL, SUMMARY, RunsService, What
from viewer.runs.upstream import RetryPolicy, RunAnswer, RunsApi

SECRET_RPC = "https://eth-mainnet.g.alchemy.com/v2/abcdEFGHijklMNOPqrstUVWX12345678"
RUN = {
    "id": "run_1",
    "status": "success",
    "organizationId": "org_acme",
    "simulationForks": [{"chainId": 1, "forkId": "f1", "rpcUrl": SECRET_RPC}],
}


class CopyingCache(SingleFlightCache[RunAnswer]):
    """A real cache whose reads hand back a copy of the answer, as a shared cache does."""

    def get(self, key: Hashable, fetch: Callable[[], Sized[RunAnswer]]) -> RunAnswer:
        answer = super().get(key, fetch)
        copied = json.loads(json.dumps(answer.data))
        return RunAnswer(copied, answer.request_id, answer.size, answer.digest)


def make_service(
    url: str,
    *,
    live_ttl: float = 2.0,
    final_ttl: float = 300.0,
    cache: SingleFlightCache[RunAnswer] | None = None,
) -> RunsService:
    client = httpx.Client(base_url=url, timeout=httpx.Timeout(1.0))
    api = RunsApi(
        client, token="server-token-123456", retry=RetryPolicy(attempts=1), max_body_bytes=1 << 20
    )
    cache = cache if cache is not None else CopyingCache(1 << 20)
    return RunsService(api, cache, live_ttl=live_ttl, final_ttl=final_ttl)


def test_what_sends_exactly_its_parameters(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN)))
    service = make_service(scripted.url)
    service.get("run_1", SUMMARY)
    service.get("run_1", What.steps(["b", "a"]))
    service.get("run_1", FULL)
    paths = [request["path"] for request in scripted.requests]
    assert paths == [
        "/v1/runs/run_1?summary=true",
        "/v1/runs/run_1?nodeIds=b%2Ca",
        "/v1/runs/run_1",
    ]


def test_answers_are_redacted_before_the_cache_keeps_them(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN)))
    service = make_service(scripted.url)
    read = service.get("run_1")
    kept = service.cache.get(next(iter(service.cache._entries)), lambda: pytest.fail("refetched"))
    assert "abcdEFGH" not in json.dumps(kept.data)
    assert "abcdEFGH" not in json.dumps(read.run.data)
    assert read.request_id == "req-test"
    assert read.run.organization_id == "org_acme"


def test_a_cached_answer_is_parsed_once_even_when_the_cache_hands_back_copies(
    scripted: ScriptedUpstream,
) -> None:
    scripted.script(Reply(200, envelope(RUN)))
    service = make_service(scripted.url)
    first = service.get("run_1").run
    assert service.get("run_1").run is first
    assert len(scripted.requests) == 1


def test_a_new_answer_gets_a_new_model(scripted: ScriptedUpstream) -> None:
    scripted.script(
        Reply(200, envelope({**RUN, "status": "running"})),
        Reply(200, envelope({**RUN, "status": "failure"})),
    )
    service = make_service(scripted.url, live_ttl=0)
    assert service.get("run_1").run.status.key == "running"
    assert service.get("run_1").run.status.key == "failure"


@pytest.mark.parametrize("status", ["running", "RUNNING", "waiting", "pending"])
def test_runs_still_moving_are_kept_only_briefly(scripted: ScriptedUpstream, status: str) -> None:
    scripted.script(Reply(200, envelope({**RUN, "status": status})))
    service = make_service(scripted.url, live_ttl=0)
    service.get("run_1")
    service.get("run_1")
    assert len(scripted.requests) == 2


def test_concurrent_reads_share_one_upstream_call(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN), delay=0.3))
    service = make_service(scripted.url)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(service.get("run_1").run.id))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["run_1"] * 8
    assert len(scripted.requests) == 1


def test_credentials_never_share_answers(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN)))
    service = make_service(scripted.url)
    service.get("run_1", credential="person-a-token-123456")
    service.get("run_1", credential="person-b-token-123456")
    service.get("run_1", credential="person-a-token-123456")
    tokens = [request["Authorization"] for request in scripted.requests]
    assert tokens == ["Bearer person-a-token-123456", "Bearer person-b-token-123456"]


def test_the_model_reads_only_redacted_values(scripted: ScriptedUpstream) -> None:
    run = {**RUN, "propValues": {"privateKey": "0x" + "1" * 64}}
    scripted.script(Reply(200, envelope(run)))
    read = make_service(scripted.url).get("run_1")
    assert read.run.forks[0].rpc_url is not None
    assert "abcdEFGH" not in read.run.forks[0].rpc_url
    assert read.run.inputs[0].value == "[redacted]"


def test_a_definition_is_redacted_once_per_workflow_version(scripted: ScriptedUpstream) -> None:
    definition = {"nodes": {"root": {"type": "manual", "children": [], "apiKey": "k" * 24}}}
    run = {**RUN, "workflowId": "wf", "workflowVersion": 3, "workflowDefinition": definition}
    scripted.script(Reply(200, envelope(run)))
    service = make_service(scripted.url, cache=SingleFlightCache(1 << 20))
    first = service.get("run_1", What.steps(["root"])).run
    second = service.get("run_1", What.steps(["other"])).run
    assert first.definition is second.definition, "the second panel reused the first redaction"
    assert first.definition["nodes"]["root"]["apiKey"] == "[redacted]"
    changed = {**run, "workflowDefinition": {"nodes": {"root": {"type": "manual", "v": 2}}}}
    scripted.script(Reply(200, envelope(changed)))
    third = service.get("run_1", What.steps(["third"])).run
    assert third.definition["nodes"]["root"] == {"type": "manual", "v": 2}
