"""Health and metrics for machines: /healthz, /readyz and /metrics.

None of them needs sign-in or is audited. `/healthz` says the process answers and reads
nothing. `/readyz` runs the readiness checks (the runs API, and whatever else registers one,
such as Redis) and answers 503 naming what failed; results are kept a few seconds so frequent
probes do not become upstream load. `/metrics` is for loopback without a proxy in between,
or for whoever presents VIEWER_METRICS_TOKEN as a bearer token.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import threading
import time
from collections.abc import Callable

import httpx
from flask import Blueprint, Flask, Response, current_app, request

from viewer import metrics
from viewer.auth.gate import allow_without_sign_in
from viewer.redis_store import redis_problem
from viewer.runs.service import runs

bp = Blueprint("health", __name__)

PUBLIC_ENDPOINTS = frozenset({"health.healthz", "health.readyz", "health.metrics"})
CHECK_SECONDS = 2.0  # how long a readiness result is reused
PROBE_TIMEOUT = 2.0
PROBE_RUN_ID = "readiness-probe"
FORWARDING_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")

# A readiness check answers None when all is well, or the reason it is not.
Check = Callable[[], str | None]


class Readiness:
    """The named checks /readyz runs, their last results, and whether the process is stopping."""

    def __init__(self, checks: dict[str, Check]) -> None:
        self.checks = checks
        self.stopping = False
        self._results: dict[str, str | None] | None = None
        self._checked_at = 0.0
        self._lock = threading.Lock()

    def results(self) -> dict[str, str | None]:
        """Each check's result, run again when the last ones are older than CHECK_SECONDS."""
        with self._lock:
            if self._results is None or time.monotonic() - self._checked_at > CHECK_SECONDS:
                self._results = {name: _run(check) for name, check in self.checks.items()}
                self._checked_at = time.monotonic()
            return dict(self._results)


def _run(check: Check) -> str | None:
    try:
        return check()
    except Exception as error:  # a check that breaks means "not ready", never a 500
        return f"the check failed ({type(error).__name__})"


def readiness(app: Flask | None = None) -> Readiness:
    return (app or current_app).extensions["readiness"]


def register_check(app: Flask, name: str, check: Check) -> None:
    """Add a readiness check (e.g. `redis`); it must be quick and never raise on purpose."""
    readiness(app).checks[name] = check


def check_upstream() -> str | None:
    """Is the runs API answering? Any answer below 500 counts, except a refused server token."""
    api = runs().api
    headers = {"Accept": "application/json"}
    if api.token:
        headers["Authorization"] = f"Bearer {api.token}"
    try:
        response = api.client.get(
            f"/v1/runs/{PROBE_RUN_ID}",
            params={"summary": "true"},
            headers=headers,
            timeout=PROBE_TIMEOUT,
        )
    except httpx.TimeoutException:
        return f"the runs API did not answer within {PROBE_TIMEOUT:g} s"
    except httpx.HTTPError as error:
        return f"the runs API is unreachable ({type(error).__name__})"
    if response.status_code >= 500:
        return f"the runs API answered HTTP {response.status_code}"
    if response.status_code in (401, 403) and api.token:
        return f"the runs API refused the viewer's token (HTTP {response.status_code})"
    return None


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers. Reads nothing, calls nothing."""
    return Response("ok\n", mimetype="text/plain")


@bp.get("/readyz")
def readyz() -> Response:
    """Readiness: 200 when every check passes, else 503 with each failure's reason."""
    state = readiness()
    results = {"stopping": "the viewer is shutting down"} if state.stopping else state.results()
    ready = all(reason is None for reason in results.values())
    body = {
        "ready": ready,
        "checks": {
            name: {"ok": reason is None, **({"reason": reason} if reason else {})}
            for name, reason in results.items()
        },
    }
    response = Response(json.dumps(body) + "\n", status=200 if ready else 503)
    response.mimetype = "application/json"
    response.headers["Cache-Control"] = "no-store"
    if not ready:
        response.headers["Retry-After"] = str(int(CHECK_SECONDS))
    return response


@bp.get("/metrics", endpoint="metrics")
def metrics_view() -> Response:
    """Prometheus text format, for loopback scrapers or the holder of the metrics token."""
    token = current_app.config["VIEWER_SETTINGS"].metrics_token
    if not (_has_token(token) or _direct_loopback()):
        if token:
            response = Response("a valid metrics token is required\n", status=401)
            response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        else:
            response = Response(
                "metrics are served to loopback only; set VIEWER_METRICS_TOKEN to scrape "
                "from elsewhere\n",
                status=403,
            )
        response.mimetype = "text/plain"
        return response
    body, content_type = metrics.exposition()
    response = Response(body, content_type=content_type)
    response.headers["Cache-Control"] = "no-store"
    return response


def _has_token(token: str | None) -> bool:
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.encode(), token.encode())


def _direct_loopback() -> bool:
    """From this machine and not relayed: a proxy on loopback passes others' requests on."""
    if any(name in request.headers for name in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def init_app(app: Flask) -> None:
    checks: dict[str, Check] = {"upstream": check_upstream}
    if app.config["VIEWER_SETTINGS"].redis_url:
        checks["redis"] = redis_problem
    app.extensions["readiness"] = Readiness(checks)
    app.register_blueprint(bp)
    allow_without_sign_in(app, PUBLIC_ENDPOINTS)
