"""The runs API client against a real loopback server: every way an upstream can misbehave."""

from __future__ import annotations

import json
import logging
import socket

import httpx
import pytest

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream, free_port
from viewer.errors import (
    InvalidId,
    NotAuthorized,
    RunNotFound,
    UnexpectedAnswer,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from viewer.runs.deadline import DeadlineTransport
from viewer.runs.upstream import RetryPolicy, RunsApi

TOKEN = "secret-token-abc123456"
RUN = {"id": "run_1", "status": "success"}


def make_api(
    url: str, *, read: float = 0.5, attempts: int = 3, max_bytes: int = 1 << 20
) -> RunsApi:
    client = httpx.Client(
        base_url=url,
        timeout=httpx.Timeout(connect=0.5, read=read, write=1, pool=1),
        transport=DeadlineTransport(httpx.Limits()),
    )
    return RunsApi(
        client,
        token=TOKEN,
        retry=RetryPolicy(attempts=attempts, deadline=5.0, base_delay=0.01, max_delay=0.02),
        max_body_bytes=max_bytes,
    )


def test_success_sends_bearer_request_id_and_params(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN, request_id="req-ok")))
    answer = make_api(scripted.url).get_run("run_1", summary=True)
    assert answer.data == RUN
    assert answer.request_id == "req-ok"
    sent = scripted.requests[0]
    assert sent["path"] == "/v1/runs/run_1?summary=true"
    assert sent["Authorization"] == f"Bearer {TOKEN}"
    assert len(sent["X-Request-Id"]) == 32


def test_node_ids_are_one_query_value(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN)))
    make_api(scripted.url).get_run("run_1", node_ids=["a.b", "c:d", "a.b"])
    assert scripted.requests[0]["path"] == "/v1/runs/run_1?nodeIds=a.b%2Cc%3Ad"


@pytest.mark.parametrize("bad", ["", "../etc", "run 1", "a/b", "x" * 129, "run?x=1", "%2e%2e"])
def test_malformed_run_ids_make_no_call(scripted: ScriptedUpstream, bad: str) -> None:
    with pytest.raises(InvalidId):
        make_api(scripted.url).get_run(bad)
    assert scripted.requests == []


def test_malformed_step_ids_make_no_call(scripted: ScriptedUpstream) -> None:
    with pytest.raises(InvalidId):
        make_api(scripted.url).get_run("run_1", node_ids=["a,b"])
    assert scripted.requests == []


def test_not_found_carries_request_id(scripted: ScriptedUpstream) -> None:
    body = json.dumps({"code": 404, "message": "run not found", "requestId": "req-404"})
    scripted.script(Reply(404, body.encode()))
    with pytest.raises(RunNotFound) as caught:
        make_api(scripted.url).get_run("run_1")
    assert caught.value.request_id == "req-404"
    assert len(scripted.requests) == 1


@pytest.mark.parametrize(("status", "shown"), [(401, 502), (403, 403)])
def test_unauthorized_is_typed(scripted: ScriptedUpstream, status: int, shown: int) -> None:
    scripted.script(Reply(status, b'{"code": 401, "message": "no", "requestId": "req-a"}'))
    with pytest.raises(NotAuthorized) as caught:
        make_api(scripted.url).get_run("run_1")
    assert caught.value.status_code == shown
    assert caught.value.request_id == "req-a"
    assert len(scripted.requests) == 1, "401/403 are not retried"


def test_500_then_200_is_not_retried_but_503_then_200_is(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(503), Reply(502), Reply(200, envelope(RUN)))
    assert make_api(scripted.url).get_run("run_1").data == RUN
    assert len(scripted.requests) == 3
    scripted.script(Reply(500, b"oops"), Reply(200, envelope(RUN)))
    with pytest.raises(UpstreamUnavailable):
        make_api(scripted.url).get_run("run_1")
    assert len(scripted.requests) == 1


def test_retries_stop_after_attempts(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(429))
    with pytest.raises(UpstreamUnavailable):
        make_api(scripted.url, attempts=3).get_run("run_1")
    assert len(scripted.requests) == 3


def test_refused_connection_is_unavailable() -> None:
    port = free_port()
    with pytest.raises(UpstreamUnavailable):
        make_api(f"http://127.0.0.1:{port}").get_run("run_1")


def test_slow_answer_times_out(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN), delay=1.0))
    with pytest.raises(UpstreamTimeout):
        make_api(scripted.url, read=0.2).get_run("run_1")


def test_dropped_connection_is_unavailable(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(drop=True))
    with pytest.raises(UpstreamUnavailable):
        make_api(scripted.url, attempts=2).get_run("run_1")
    assert len(scripted.requests) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>502 Bad Gateway</body></html>",
        b"",
        b"[1, 2]",
        b'{"code": 200, "data": "nope"}',
        b"[" * 100_000,
    ],
)
def test_unexpected_answers(scripted: ScriptedUpstream, body: bytes) -> None:
    scripted.script(Reply(200, body, headers={"X-Request-Id": "hdr-1"}))
    with pytest.raises(UnexpectedAnswer):
        make_api(scripted.url).get_run("run_1")


def test_body_over_the_cap_is_refused(scripted: ScriptedUpstream) -> None:
    huge = envelope({"id": "run_1", "blob": "x" * 300_000})
    scripted.script(Reply(200, huge))
    with pytest.raises(UnexpectedAnswer, match="larger than"):
        make_api(scripted.url, max_bytes=100_000).get_run("run_1")


def test_token_never_logged(scripted: ScriptedUpstream, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    scripted.script(Reply(200, envelope(RUN, request_id="req-log")))
    make_api(scripted.url).get_run("run_1")
    assert "req-log" in caplog.text
    assert TOKEN not in caplog.text


def test_socket_helper_gives_closed_port() -> None:
    port = free_port()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_trickling_answer_hits_the_total_deadline(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope({"id": "run_1", "pad": "x" * 2000}), chunk_delay=0.05))
    client = httpx.Client(
        base_url=scripted.url,
        timeout=httpx.Timeout(1.0),
        transport=DeadlineTransport(httpx.Limits()),
    )
    api = RunsApi(
        client,
        token=TOKEN,
        retry=RetryPolicy(attempts=1, deadline=0.5),
        max_body_bytes=1 << 20,
    )
    with pytest.raises(UpstreamTimeout):
        api.get_run("run_1")
