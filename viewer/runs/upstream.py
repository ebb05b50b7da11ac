"""The runs API behind one small interface: timeouts, retries, size cap and typed errors."""

from __future__ import annotations

import hashlib
import logging
import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from viewer import metrics
from viewer.config import Settings
from viewer.errors import (
    NotAuthorized,
    RunNotFound,
    UnexpectedAnswer,
    UpstreamBusy,
    UpstreamTimeout,
    UpstreamUnavailable,
    ViewerError,
)
from viewer.runs.deadline import deadline, upstream_transports
from viewer.runs.definitions import DefinitionText, KnownDefinitions
from viewer.runs.guard import Bulkhead, CircuitBreaker
from viewer.runs.ids import check_run_id, check_step_ids
from viewer.runs.jsonparse import NotJson, parse_json

log = logging.getLogger("viewer.upstream")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
# The longest Retry-After passed on, and the wait suggested after a 429 that gave none.
MAX_RETRY_AFTER = 3600
DEFAULT_RETRY_AFTER = 5


@dataclass(frozen=True)
class RunAnswer:
    """The run object (the envelope's `data`), the upstream's requestId for it, and the size and
    digest of the body it came in (what caches bound and key parsed models by)."""

    data: dict[str, Any]
    request_id: str | None
    size: int = 0
    digest: str = ""
    # Where data's workflowDefinition came from, when read apart (viewer/runs/definitions.py).
    definition: DefinitionText | None = None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    deadline: float = 15.0
    base_delay: float = 0.2
    max_delay: float = 2.0


class RunsApi:
    """Read runs from the upstream `GET /v1/runs/{id}`: one call, retried, never cached here
    (the runs service in `viewer.runs.service` coalesces and caches)."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        token: str | None,
        retry: RetryPolicy,
        max_body_bytes: int,
        bulkhead: Bulkhead | None = None,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.token = token
        self.retry = retry
        self.max_body_bytes = max_body_bytes
        self.bulkhead = bulkhead or Bulkhead(16)
        self.breaker = breaker or CircuitBreaker(threshold=0, cooldown=1.0)
        self.sleep = sleep

    def get_run(
        self,
        run_id: str,
        *,
        summary: bool = False,
        node_ids: list[str] | None = None,
        credential: str | None = None,
        definitions: KnownDefinitions | None = None,
    ) -> RunAnswer:
        """Fetch one run; `credential` replaces the server token (a person's own token). With
        `definitions`, a workflow definition whose text is known is not parsed again."""
        run_id = check_run_id(run_id)
        params: dict[str, str] = {}
        if summary:
            params["summary"] = "true"
        if node_ids is not None:
            params["nodeIds"] = ",".join(check_step_ids(node_ids))
        return self._guarded_fetch(run_id, params, credential or self.token, definitions)

    def credential_key(self, credential: str | None) -> str:
        """Tells the credentials a call would use apart, without keeping the token itself."""
        return hashlib.sha256((credential or self.token or "").encode()).hexdigest()[:32]

    def _guarded_fetch(
        self,
        run_id: str,
        params: dict[str, str],
        token: str | None,
        definitions: KnownDefinitions | None,
    ) -> RunAnswer:
        """One read inside the bulkhead and the circuit breaker, its attempts all within one
        total deadline (headers and bodies too); failures of the upstream itself (no
        connection, timeouts, 5xx) count against the breaker, other answers do not."""
        path = f"/v1/runs/{quote(run_id, safe='')}"
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self.bulkhead.slot():
            self.breaker.before_call()
            failed = False
            try:
                started = time.monotonic()
                with deadline(started + self.retry.deadline):
                    return self._attempts(run_id, path, params, headers, started, definitions)
            except (UpstreamUnavailable, UpstreamTimeout) as error:
                failed = not isinstance(error, UpstreamBusy)
                raise
            finally:
                self.breaker.record(failed=failed)

    def _attempts(
        self,
        run_id: str,
        path: str,
        params: dict[str, str],
        headers: dict[str, str],
        started: float,
        definitions: KnownDefinitions | None,
    ) -> RunAnswer:
        attempt = 0
        while True:
            attempt += 1
            attempt_started = time.monotonic()
            request_id = uuid.uuid4().hex
            headers["X-Request-Id"] = request_id
            asked_wait = None
            try:
                status, body, header_id, asked_wait = self._send(path, params, headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as error:
                self._log(run_id, params, request_id, None, type(error).__name__, attempt_started)
                failure: ViewerError = UpstreamUnavailable(
                    f"Could not connect to the runs service ({type(error).__name__})."
                )
            except httpx.TimeoutException:
                self._log(run_id, params, request_id, None, "timeout", attempt_started)
                raise UpstreamTimeout(
                    "The runs service did not answer in time. It may be busy: try again shortly."
                ) from None
            except httpx.TransportError as error:
                self._log(run_id, params, request_id, None, type(error).__name__, attempt_started)
                raise UpstreamUnavailable(
                    f"The connection to the runs service failed ({type(error).__name__})."
                ) from None
            else:
                envelope, definition = _parse_envelope(body, definitions)
                upstream_id = _request_id(envelope, header_id)
                self._log(run_id, params, request_id, upstream_id, status, attempt_started)
                if status not in RETRY_STATUSES:
                    data = _read_data(status, envelope, upstream_id, run_id)
                    digest = hashlib.sha256(body).hexdigest()[:32]
                    return RunAnswer(data, upstream_id, len(body), digest, definition)
                failure = _status_error(status, upstream_id, asked_wait)
            wait = self._next_wait(attempt, time.monotonic() - attempt_started, started, asked_wait)
            if wait is None:
                raise failure
            self.sleep(wait)

    def _send(
        self, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, bytes, str | None, int | None]:
        """One GET, the body read as a stream and cut off past the size cap: the status, body,
        the upstream's request id header and its Retry-After in seconds."""
        with self.client.stream("GET", path, params=params, headers=headers) as response:
            upstream_id = response.headers.get("X-Request-Id")
            asked_wait = _retry_after(response.headers.get("Retry-After"))
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise _too_large(self.max_body_bytes, upstream_id)
            chunks: list[bytes] = []
            received = 0
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > self.max_body_bytes:
                    raise _too_large(self.max_body_bytes, upstream_id)
                chunks.append(chunk)
            return response.status_code, b"".join(chunks), upstream_id, asked_wait

    def _next_wait(
        self, attempt: int, took: float, started: float, asked_wait: int | None
    ) -> float | None:
        """Seconds to wait before the next attempt (full-jitter exponential backoff, never less
        than the upstream's Retry-After), or None when there should be none: attempts used up,
        or too little time left for another attempt as long as the last one."""
        if attempt >= self.retry.attempts:
            return None
        ceiling = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
        wait = max(random.uniform(0, ceiling), asked_wait or 0)  # noqa: S311
        if (
            time.monotonic() + wait + max(took, self.retry.base_delay)
            >= started + self.retry.deadline
        ):
            return None
        return wait

    def _log(
        self,
        run_id: str,
        params: dict[str, str],
        request_id: str,
        upstream_id: str | None,
        outcome: object,
        started: float,
    ) -> None:
        seconds = time.monotonic() - started
        metrics.upstream_call(outcome if isinstance(outcome, int) else str(outcome), seconds)
        # The query as sent (run and step ids are checked, so it needs no quoting to be read);
        # httpx's own line, which said the same, is silenced.
        query = "&".join(f"{name}={value}" for name, value in params.items())
        log.info(
            "upstream GET run=%s params=%s url=%s x_request_id=%s upstream_request_id=%s "
            "outcome=%s ms=%d",
            run_id,
            ",".join(sorted(params)) or "-",
            f"/v1/runs/{run_id}" + (f"?{query}" if query else ""),
            request_id,
            upstream_id or "-",
            outcome,
            seconds * 1000,
        )


def _too_large(limit: int, upstream_id: str | None) -> UnexpectedAnswer:
    return UnexpectedAnswer(
        f"The run is larger than the viewer accepts ({limit // (1024 * 1024)} MiB).",
        request_id=upstream_id,
    )


def _parse_envelope(
    body: bytes, definitions: KnownDefinitions | None
) -> tuple[dict[str, Any] | NotJson, DefinitionText | None]:
    """The answer's JSON envelope, whatever its depth, or NotJson saying why it is not one;
    and where its definition came from when `definitions` read it apart."""
    read = definitions.read(body) if definitions is not None else None
    if read is not None:
        return read
    try:
        envelope = parse_json(body)
    except NotJson as error:
        return error, None
    if not isinstance(envelope, dict):
        return NotJson(f"JSON that is not an object (a {type(envelope).__name__})"), None
    return envelope, None


def _request_id(envelope: dict[str, Any] | NotJson, header_id: str | None) -> str | None:
    value = envelope.get("requestId") if isinstance(envelope, dict) else None
    return value[:200] if isinstance(value, str) and value else header_id


def _retry_after(value: str | None) -> int | None:
    """Seconds from a Retry-After header (seconds or an HTTP date), within 0 to an hour."""
    value = (value or "").strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        seconds = math.ceil((when - datetime.now(UTC)).total_seconds())
    return min(max(seconds, 0), MAX_RETRY_AFTER)


def _status_error(
    status: int, request_id: str | None, asked_wait: int | None = None
) -> ViewerError:
    if status in (401, 403):
        return NotAuthorized(
            "The runs service refused the viewer's credentials for this run.",
            upstream_status=status,
            request_id=request_id,
        )
    if status == 429:
        wait = DEFAULT_RETRY_AFTER if asked_wait is None else asked_wait
        return UpstreamBusy(
            f"The runs service is rate limiting the viewer and asks it to wait {wait} "
            f"second{'s' if wait != 1 else ''}. Try again then.",
            retry_after=wait,
            request_id=request_id,
        )
    if status >= 500:
        error = UpstreamUnavailable(
            f"The runs service answered with an error (HTTP {status}).", request_id=request_id
        )
        error.retry_after = asked_wait
        return error
    return UnexpectedAnswer(
        f"The runs service answered with HTTP {status}, which the viewer does not expect.",
        request_id=request_id,
    )


def _read_data(
    status: int, envelope: dict[str, Any] | NotJson, request_id: str | None, run_id: str
) -> dict[str, Any]:
    """The run object of a final answer, or the typed error the answer stands for."""
    if status == 404:
        raise RunNotFound(
            f"There is no run with the id “{run_id}”, or it has been deleted.",
            request_id=request_id,
        )
    if status != 200:
        raise _status_error(status, request_id)
    if isinstance(envelope, NotJson):
        raise UnexpectedAnswer(
            f"The runs service answered with {envelope}, which the viewer cannot read.",
            request_id=request_id,
        )
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise UnexpectedAnswer(
            "The runs service answered without the run in its `data` field.", request_id=request_id
        )
    return data


@dataclass(frozen=True)
class Endpoint:
    """Where the runs API is: its base URL, the server's token, and optionally a transport that
    replaces the network (the built-in demo runs, tests). `listed_runs` are runs to offer on the
    home page (the demo's)."""

    base_url: str
    token: str | None
    transport: httpx.BaseTransport | None = None
    listed_runs: tuple[str, ...] = ()


def runs_api_for(settings: Settings, endpoint: Endpoint) -> RunsApi:
    """The RunsApi for these settings, on one pooled httpx.Client with every timeout set; a
    real upstream goes through the deadline transports (one total deadline per read), through
    the proxy the environment names for it, if any."""
    limits = httpx.Limits(
        max_connections=settings.upstream_concurrency,
        max_keepalive_connections=min(16, settings.upstream_concurrency),
    )
    transport: httpx.BaseTransport
    mounts: dict[str, httpx.BaseTransport | None] = {}
    if endpoint.transport is not None:
        transport = endpoint.transport
    else:
        transport, mounts = upstream_transports(limits)
    client = httpx.Client(
        base_url=endpoint.base_url,
        transport=transport,
        mounts=mounts,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout, read=settings.read_timeout, write=5.0, pool=5.0
        ),
        limits=limits,
        follow_redirects=False,
        headers={"User-Agent": "run-viewer/0.1"},
    )
    return RunsApi(
        client,
        token=endpoint.token,
        retry=RetryPolicy(attempts=settings.retry_attempts, deadline=settings.retry_deadline),
        max_body_bytes=settings.max_body_bytes,
        bulkhead=Bulkhead(settings.upstream_concurrency),
        breaker=CircuitBreaker(settings.breaker_failures, settings.breaker_seconds),
    )
