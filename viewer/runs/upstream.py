"""The runs API behind one small interface: timeouts, retries, size cap and typed errors."""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from flask import Flask, current_app

from viewer.config import Settings
from viewer.errors import (
    NotAuthorized,
    RunNotFound,
    UnexpectedAnswer,
    UpstreamTimeout,
    UpstreamUnavailable,
    ViewerError,
)
from viewer.runs.cache import SingleFlightCache, Sized
from viewer.runs.ids import check_run_id, check_step_ids

log = logging.getLogger("viewer.upstream")

RETRY_STATUSES = frozenset({429, 502, 503, 504})
LIVE_STATUSES = frozenset({"running", "waiting"})


@dataclass(frozen=True)
class RunAnswer:
    """The run object (the envelope's `data`) and the upstream's requestId for it."""

    data: dict[str, Any]
    request_id: str | None


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    deadline: float = 15.0
    base_delay: float = 0.2
    max_delay: float = 2.0


class RunsApi:
    """Read runs from the upstream `GET /v1/runs/{id}`, coalesced and briefly cached."""

    def __init__(
        self,
        client: httpx.Client,
        cache: SingleFlightCache[RunAnswer],
        *,
        token: str | None,
        retry: RetryPolicy,
        max_body_bytes: int,
        live_ttl: float,
        final_ttl: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.cache = cache
        self.token = token
        self.retry = retry
        self.max_body_bytes = max_body_bytes
        self.live_ttl = live_ttl
        self.final_ttl = final_ttl
        self.sleep = sleep

    def get_run(
        self,
        run_id: str,
        *,
        summary: bool = False,
        node_ids: list[str] | None = None,
        credential: str | None = None,
    ) -> RunAnswer:
        """Fetch one run; `credential` replaces the server token (a person's own token)."""
        run_id = check_run_id(run_id)
        params: dict[str, str] = {}
        if summary:
            params["summary"] = "true"
        if node_ids is not None:
            params["nodeIds"] = ",".join(check_step_ids(node_ids))
        token = credential or self.token
        key = (_fingerprint(token), run_id, tuple(sorted(params.items())))
        return self.cache.get(key, lambda: self._fetch(run_id, params, token))

    def _fetch(self, run_id: str, params: dict[str, str], token: str | None) -> Sized[RunAnswer]:
        path = f"/v1/runs/{quote(run_id, safe='')}"
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            request_id = uuid.uuid4().hex
            headers["X-Request-Id"] = request_id
            try:
                status, body, header_id = self._send(path, params, headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as error:
                self._log(run_id, params, request_id, None, type(error).__name__, started)
                failure: ViewerError = UpstreamUnavailable(
                    f"Could not connect to the runs service ({type(error).__name__})."
                )
            except httpx.TimeoutException:
                self._log(run_id, params, request_id, None, "timeout", started)
                raise UpstreamTimeout(
                    "The runs service did not answer in time. It may be busy: try again shortly."
                ) from None
            except httpx.TransportError as error:
                self._log(run_id, params, request_id, None, type(error).__name__, started)
                raise UpstreamUnavailable(
                    f"The connection to the runs service failed ({type(error).__name__})."
                ) from None
            else:
                envelope = _parse_envelope(body)
                upstream_id = _request_id(envelope, header_id)
                self._log(run_id, params, request_id, upstream_id, status, started)
                if status not in RETRY_STATUSES:
                    answer = _read_answer(status, envelope, upstream_id, run_id)
                    return Sized(answer, self._ttl(answer), len(body))
                failure = _status_error(status, upstream_id)
            if not self._may_retry(attempt, started):
                raise failure
            self.sleep(self._backoff(attempt, started))

    def _send(
        self, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, bytes, str | None]:
        """One GET, the body read as a stream, cut off past the size cap or the total deadline
        (a server trickling bytes never times out a per-read timeout)."""
        deadline = time.monotonic() + self.retry.deadline
        with self.client.stream("GET", path, params=params, headers=headers) as response:
            upstream_id = response.headers.get("X-Request-Id")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_body_bytes:
                raise _too_large(self.max_body_bytes, upstream_id)
            chunks: list[bytes] = []
            received = 0
            for chunk in response.iter_bytes():
                received += len(chunk)
                if received > self.max_body_bytes:
                    raise _too_large(self.max_body_bytes, upstream_id)
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("the answer took longer than the total deadline")
                chunks.append(chunk)
            return response.status_code, b"".join(chunks), upstream_id

    def _may_retry(self, attempt: int, started: float) -> bool:
        elapsed = time.monotonic() - started
        return (
            attempt < self.retry.attempts and elapsed + self.retry.base_delay < self.retry.deadline
        )

    def _backoff(self, attempt: int, started: float) -> float:
        """Full jitter exponential backoff, never past the total deadline."""
        ceiling = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
        remaining = self.retry.deadline - (time.monotonic() - started)
        return max(0.0, min(random.uniform(0, ceiling), remaining))  # noqa: S311

    def _ttl(self, answer: RunAnswer) -> float:
        status = answer.data.get("status")
        final = isinstance(status, str) and status and status not in LIVE_STATUSES
        return self.final_ttl if final else self.live_ttl

    def _log(
        self,
        run_id: str,
        params: dict[str, str],
        request_id: str,
        upstream_id: str | None,
        outcome: object,
        started: float,
    ) -> None:
        log.info(
            "upstream GET run=%s params=%s x_request_id=%s upstream_request_id=%s outcome=%s ms=%d",
            run_id,
            ",".join(sorted(params)) or "-",
            request_id,
            upstream_id or "-",
            outcome,
            (time.monotonic() - started) * 1000,
        )


def _fingerprint(token: str | None) -> str:
    """A cache key part that tells credentials apart without keeping the token itself."""
    return hashlib.sha256((token or "").encode()).hexdigest()[:32]


def _too_large(limit: int, upstream_id: str | None) -> UnexpectedAnswer:
    return UnexpectedAnswer(
        f"The run is larger than the viewer accepts ({limit // (1024 * 1024)} MiB).",
        request_id=upstream_id,
    )


def _parse_envelope(body: bytes) -> dict[str, Any] | None:
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return envelope if isinstance(envelope, dict) else None


def _request_id(envelope: dict[str, Any] | None, header_id: str | None) -> str | None:
    value = envelope.get("requestId") if envelope else None
    return value[:200] if isinstance(value, str) and value else header_id


def _status_error(status: int, request_id: str | None) -> ViewerError:
    if status in (401, 403):
        return NotAuthorized(
            "The runs service refused the viewer's credentials for this run.",
            upstream_status=status,
            request_id=request_id,
        )
    if status == 429:
        return UpstreamUnavailable(
            "The runs service is rate limiting the viewer. Wait a moment and try again.",
            request_id=request_id,
        )
    if status >= 500:
        return UpstreamUnavailable(
            f"The runs service answered with an error (HTTP {status}).", request_id=request_id
        )
    return UnexpectedAnswer(
        f"The runs service answered with HTTP {status}, which the viewer does not expect.",
        request_id=request_id,
    )


def _read_answer(
    status: int, envelope: dict[str, Any] | None, request_id: str | None, run_id: str
) -> RunAnswer:
    """Turn a final answer into a RunAnswer or the typed error it stands for."""
    if status == 404:
        raise RunNotFound(
            f"There is no run with the id “{run_id}”, or it has been deleted.",
            request_id=request_id,
        )
    if status != 200:
        raise _status_error(status, request_id)
    if envelope is None:
        raise UnexpectedAnswer(
            "The runs service answered with something that is not JSON "
            "(perhaps a proxy's error page).",
            request_id=request_id,
        )
    data = envelope.get("data")
    if not isinstance(data, dict):
        raise UnexpectedAnswer(
            "The runs service answered without the run in its `data` field.", request_id=request_id
        )
    return RunAnswer(data=data, request_id=request_id)


def runs_api_for(settings: Settings, transport: httpx.BaseTransport | None = None) -> RunsApi:
    """The RunsApi for these settings: the configured upstream, or the built-in demo runs."""
    base_url = settings.runs_api_url
    # With VIEWER_AUTH=token every call carries the person's own token, never the server's.
    token = None if settings.auth_mode == "token" else settings.runs_api_token
    if base_url is None:
        from viewer.demo.api import DEMO_TOKEN, create_demo_api

        base_url, token = "http://demo-runs.invalid", DEMO_TOKEN
        transport = transport or httpx.WSGITransport(
            app=create_demo_api(token=DEMO_TOKEN, running_seconds=settings.demo_running_seconds)
        )
    client = httpx.Client(
        base_url=base_url,
        transport=transport,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout, read=settings.read_timeout, write=5.0, pool=5.0
        ),
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
        follow_redirects=False,
        headers={"User-Agent": "run-viewer/0.1"},
    )
    return RunsApi(
        client,
        SingleFlightCache(settings.cache_max_bytes),
        token=token,
        retry=RetryPolicy(attempts=settings.retry_attempts, deadline=settings.retry_deadline),
        max_body_bytes=settings.max_body_bytes,
        live_ttl=settings.cache_live_seconds,
        final_ttl=settings.cache_final_seconds,
    )


def init_app(app: Flask, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
    """Give the app one RunsApi (one connection pool), closed when the app is collected."""
    api = runs_api_for(settings, transport)
    app.extensions["runs_api"] = api
    weakref.finalize(app, api.client.close)


def runs_api() -> RunsApi:
    """The RunsApi of the current app."""
    return current_app.extensions["runs_api"]
