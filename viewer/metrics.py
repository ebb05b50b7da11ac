"""The viewer's Prometheus metrics, and the small functions the rest of the code calls to count.

One process (waitress): the default registry. Several (gunicorn): when PROMETHEUS_MULTIPROC_DIR
is set before the workers start (the shipped gunicorn config does it), every worker writes its
values there and `/metrics` on any worker adds them up. Labels are bounded sets: routes are URL
rules, never paths; statuses and outcomes are short words or numbers.

prometheus_client is imported on first use, not with this module: it picks its multiprocess
storage when imported, and under gunicorn the `viewer` package is imported before the config
sets PROMETHEUS_MULTIPROC_DIR.
"""

from __future__ import annotations

import os
import threading

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60)
METHODS = frozenset({"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"})
UNMATCHED_ROUTE = "unmatched"
CACHE_RESULTS = frozenset({"hit", "miss", "coalesced", "stale"})
BREAKER_STATES = {"closed": 0, "half_open": 1, "open": 2}
# Upstream outcomes other than an HTTP status: words the client uses for what went wrong.
UPSTREAM_FAILURES = frozenset(
    {"timeout", "connect_error", "transport_error", "too_large", "rejected", "breaker_open"}
)
UPSTREAM_STATUSES = frozenset({200, 401, 403, 404, 429})


class _Metrics:
    """Every metric of the viewer (made once per process, on first use)."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self.requests = Counter(
            "viewer_http_requests",
            "Requests answered, by route (URL rule), method and status.",
            ["route", "method", "status"],
        )
        self.request_seconds = Histogram(
            "viewer_http_request_duration_seconds",
            "Time from receiving a request to its last byte handed to the server, by route.",
            ["route"],
            buckets=LATENCY_BUCKETS,
        )
        self.in_progress = Gauge(
            "viewer_http_requests_in_progress",
            "Requests being served now: the threads busy with one.",
            multiprocess_mode="livesum",
        )
        self.threads = Gauge(
            "viewer_http_threads",
            "Threads that serve requests (VIEWER_THREADS per process).",
            multiprocess_mode="livesum",
        )
        self.upstream_calls = Counter(
            "viewer_upstream_requests",
            "Calls to the runs API (each attempt), by outcome: an HTTP status or a failure word.",
            ["outcome"],
        )
        self.upstream_seconds = Histogram(
            "viewer_upstream_request_duration_seconds",
            "Time of each call to the runs API, by outcome.",
            ["outcome"],
            buckets=LATENCY_BUCKETS,
        )
        self.cache_lookups = Counter(
            "viewer_cache_lookups",
            "Reads of the upstream answer cache: hit, miss (this call went upstream) or coalesced "
            "(waited for a call already in flight).",
            ["result"],
        )
        self.cache_bytes = Gauge(
            "viewer_cache_bytes",
            "Bytes the upstream answer cache holds.",
            multiprocess_mode="livesum",
        )
        self.breaker_state = Gauge(
            "viewer_upstream_breaker_state",
            "The upstream circuit breaker: 0 closed, 1 half-open, 2 open (worst of the workers).",
            multiprocess_mode="livemax",
        )
        self.redis_up = Gauge(
            "viewer_redis_up",
            "1 while the shared Redis (VIEWER_REDIS_URL) answers, 0 while the viewer serves "
            "without it (worst of the workers; absent without VIEWER_REDIS_URL).",
            multiprocess_mode="livemin",
        )


_made: _Metrics | None = None
_making = threading.Lock()


def _metrics() -> _Metrics:
    global _made
    if _made is None:
        with _making:
            if _made is None:
                _made = _Metrics()
    return _made


def request_started() -> None:
    _metrics().in_progress.inc()


def request_finished(route: str | None, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its duration; the thread is free again."""
    _metrics().in_progress.dec()
    route = route or UNMATCHED_ROUTE
    method = method if method in METHODS else "other"
    _metrics().requests.labels(route, method, str(status)).inc()
    _metrics().request_seconds.labels(route).observe(seconds)


def serving_threads(count: int) -> None:
    _metrics().threads.set(count)


def upstream_call(outcome: int | str, seconds: float) -> None:
    """One call to the runs API: its HTTP status, or a word from UPSTREAM_FAILURES."""
    label = upstream_outcome(outcome)
    _metrics().upstream_calls.labels(label).inc()
    _metrics().upstream_seconds.labels(label).observe(seconds)


def upstream_outcome(outcome: int | str) -> str:
    """A bounded label: common statuses as themselves, others as `5xx` and the like."""
    if isinstance(outcome, int):
        return str(outcome) if outcome in UPSTREAM_STATUSES else f"{outcome // 100}xx"
    if outcome in UPSTREAM_FAILURES:
        return outcome
    if "Connect" in outcome:  # httpx.ConnectError, ConnectTimeout
        return "connect_error"
    return "timeout" if "Timeout" in outcome else "transport_error"


def cache_lookup(result: str) -> None:
    """One cache read: `hit`, `miss`, `coalesced` or `stale` (served while refreshed)."""
    if result not in CACHE_RESULTS:
        raise ValueError(f"cache lookup result {result!r} is not one of {sorted(CACHE_RESULTS)}")
    _metrics().cache_lookups.labels(result).inc()


def cache_bytes(size: int) -> None:
    _metrics().cache_bytes.set(size)


def redis_up(up: bool) -> None:
    """The shared Redis answered (True) or failed (False)."""
    _metrics().redis_up.set(1 if up else 0)


def breaker_state(state: str) -> None:
    """The breaker moved to `closed`, `half_open` or `open`."""
    _metrics().breaker_state.set(BREAKER_STATES[state])


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROCESS_ENV))


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format (summed over workers in multiprocess mode)."""
    from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
    from prometheus_client import multiprocess as multiprocess_collector

    _metrics()  # every metric exists from the first scrape on, at zero
    registry = REGISTRY
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess_collector.MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST
