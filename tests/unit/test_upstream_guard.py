"""The client never freezes: one total deadline, Retry-After honoured, a bulkhead, a breaker."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream
from viewer.errors import RunNotFound, UpstreamBusy, UpstreamTimeout, UpstreamUnavailable
from viewer.runs.deadline import DeadlineTransport
from viewer.runs.guard import CLOSED, OPEN, Bulkhead, CircuitBreaker
from viewer.runs.upstream import RetryPolicy, RunsApi, _retry_after

RUN = {"id": "run_1", "status": "success"}


def make_api(
    url: str,
    *,
    deadline: float = 5.0,
    attempts: int = 3,
    read: float = 2.0,
    bulkhead: Bulkhead | None = None,
    breaker: CircuitBreaker | None = None,
    sleep: Callable[[float], None] | None = None,
) -> RunsApi:
    client = httpx.Client(
        base_url=url,
        timeout=httpx.Timeout(connect=0.5, read=read, write=1, pool=1),
        transport=DeadlineTransport(httpx.Limits()),
    )
    extra = {"sleep": sleep} if sleep else {}
    return RunsApi(
        client,
        token="secret-token-abc123456",
        retry=RetryPolicy(attempts=attempts, deadline=deadline, base_delay=0.01, max_delay=0.02),
        max_body_bytes=1 << 20,
        bulkhead=bulkhead,
        breaker=breaker,
        **extra,
    )


def test_headers_trickled_a_byte_at_a_time_end_at_the_total_deadline(
    scripted: ScriptedUpstream,
) -> None:
    # Each byte comes well within the read timeout, so only a total deadline can stop it.
    scripted.script(Reply(200, envelope(RUN), head_delay=0.1))
    with pytest.raises(UpstreamTimeout):
        make_api(scripted.url, deadline=1.0, read=2.0).get_run("run_1")
    assert len(scripted.requests) == 1


def test_no_retry_is_started_that_cannot_finish_within_the_deadline(
    scripted: ScriptedUpstream,
) -> None:
    # The 503 arrives after most of the deadline: another attempt as long would overrun it.
    scripted.script(Reply(503, delay=1.2), Reply(200, envelope(RUN)))
    with pytest.raises(UpstreamUnavailable):
        make_api(scripted.url, deadline=2.0).get_run("run_1")
    assert len(scripted.requests) == 1


def test_retries_together_stay_within_the_deadline(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(503, delay=0.4), Reply(503, delay=0.4), Reply(200, envelope(RUN)))
    with pytest.raises(UpstreamUnavailable):
        make_api(scripted.url, deadline=1.0, attempts=6).get_run("run_1")
    assert len(scripted.requests) == 2


def test_a_429_is_not_retried_before_its_retry_after(scripted: ScriptedUpstream) -> None:
    slept: list[float] = []
    scripted.script(Reply(429, headers={"Retry-After": "1"}), Reply(200, envelope(RUN)))
    answer = make_api(scripted.url, deadline=10.0, sleep=slept.append).get_run("run_1")
    assert answer.data == RUN
    assert len(scripted.requests) == 2
    assert slept and slept[0] >= 1


def test_a_retry_after_past_the_deadline_is_passed_on_without_retrying(
    scripted: ScriptedUpstream,
) -> None:
    scripted.script(
        Reply(429, envelope(None, code=429, request_id="req-429"), {"Retry-After": "30"}),
        Reply(200, envelope(RUN)),
    )
    with pytest.raises(UpstreamBusy) as raised:
        make_api(scripted.url, deadline=5.0).get_run("run_1")
    assert raised.value.retry_after == 30
    assert raised.value.request_id == "req-429"
    assert len(scripted.requests) == 1


def test_retry_after_reads_seconds_and_dates() -> None:
    assert _retry_after("7") == 7
    assert _retry_after("999999") == 3600
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    assert 18 <= (_retry_after(soon) or 0) <= 21
    assert _retry_after("soon") is None
    assert _retry_after(None) is None


def test_the_bulkhead_refuses_at_once_past_its_size(scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN), delay=1.0))
    api = make_api(scripted.url, bulkhead=Bulkhead(1))
    results: list[object] = []
    slow = threading.Thread(target=lambda: results.append(api.get_run("run_1")))
    slow.start()
    while not scripted.requests:
        threading.Event().wait(0.01)
    with pytest.raises(UpstreamBusy) as raised:
        api.get_run("run_2")
    assert raised.value.retry_after
    slow.join()
    assert len(scripted.requests) == 1
    assert api.bulkhead.in_use == 0
    assert api.get_run("run_2").data == RUN


def test_the_breaker_opens_after_failures_and_lets_one_trial_through(
    scripted: ScriptedUpstream,
) -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown=30, clock=lambda: now[0])
    api = make_api(scripted.url, attempts=1, breaker=breaker)
    scripted.script(Reply(502))
    for _ in range(2):
        with pytest.raises(UpstreamUnavailable):
            api.get_run("run_1")
    assert breaker.state == OPEN
    with pytest.raises(UpstreamBusy) as raised:
        api.get_run("run_1")
    assert raised.value.retry_after == 30
    assert len(scripted.requests) == 2
    now[0] = 31
    scripted.script(Reply(200, envelope(RUN)))
    assert api.get_run("run_1").data == RUN
    assert breaker.state == CLOSED


def test_a_failed_trial_opens_the_breaker_again(scripted: ScriptedUpstream) -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, cooldown=10, clock=lambda: now[0])
    api = make_api(scripted.url, attempts=1, breaker=breaker)
    scripted.script(Reply(503))
    with pytest.raises(UpstreamUnavailable):
        api.get_run("run_1")
    now[0] = 11
    with pytest.raises(UpstreamUnavailable):
        api.get_run("run_1")
    with pytest.raises(UpstreamBusy):
        api.get_run("run_1")
    assert len(scripted.requests) == 2


def test_answers_that_are_not_upstream_failures_keep_the_breaker_closed(
    scripted: ScriptedUpstream,
) -> None:
    breaker = CircuitBreaker(threshold=1, cooldown=10)
    api = make_api(scripted.url, attempts=1, breaker=breaker)
    scripted.script(Reply(404, envelope(None, code=404)), Reply(429, headers={"Retry-After": "60"}))
    with pytest.raises(RunNotFound):
        api.get_run("run_1")
    with pytest.raises(UpstreamBusy):
        api.get_run("run_1")
    assert breaker.state == CLOSED
