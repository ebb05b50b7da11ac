"""The demo runs API: a small Flask app implementing `GET /v1/runs/{id}` from bundled runs."""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from viewer.demo.clock import SCHEDULE_KEY, live_run

DEMO_TOKEN = "demo-token"  # noqa: S105 - a public demo token, not a secret
LIVE_RUN_ID = "run_c41e9a0d52"
GENERATED_RUN_ID = "run_0c7d5e2f96"
# Newest first.
DEMO_RUN_IDS: tuple[str, ...] = (
    LIVE_RUN_ID,  # running: advances with the clock
    "run_2be7f0a913",  # waiting for a 2-of-3 approval
    "run_e13f6b82a4",  # fork simulation of run_8fd21b6c07
    "run_9d64c1f0b3",  # dust test
    GENERATED_RUN_ID,  # generated, 520 steps
    "run_f2a8b47e1d",  # malformed data the viewer must survive
    "run_5a09d3e7c8",  # cancelled
    "run_8fd21b6c07",  # failure: swap reverts
    "run_7f3a2c9e41",  # success: weekly DCA
)
RUNS_DIR = Path(__file__).resolve().parent / "runs"
_SUCCESS = "success"


def load_demo_runs() -> dict[str, dict]:
    """Read every bundled run file, keyed by run id, in DEMO_RUN_IDS order.

    The live run is returned as its template (final step entries plus `demoSchedule`).
    """
    found: dict[str, dict] = {}
    for path in sorted(RUNS_DIR.glob("*.json")):
        run = json.loads(path.read_text(encoding="utf-8"))
        found[run["id"]] = run
    ordered = {run_id: found.pop(run_id) for run_id in DEMO_RUN_IDS if run_id in found}
    ordered.update(found)
    return ordered


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _envelope(code: int, message: str, data_json: str | None = None) -> Response:
    """Answer `{code, message, requestId[, data]}` with a fresh request id."""
    request_id = "req-" + secrets.token_hex(6)
    head = _dumps({"code": code, "message": message, "requestId": request_id})
    body = head if data_json is None else f'{head[:-1]},"data":{data_json}}}'
    response = Response(body, status=code, mimetype="application/json")
    response.headers["X-Request-Id"] = request_id
    response.headers["Cache-Control"] = "no-store"
    return response


def _bearer_ok(header: str | None, token: str) -> bool:
    """True when `header` is `Bearer <token>` (constant-time comparison)."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), token.encode())


def _wanted_node_ids() -> set[str] | None:
    """The `nodeIds` filter (comma-separated, repeatable), or None when absent or empty."""
    ids = {part.strip() for raw in request.args.getlist("nodeIds") for part in raw.split(",")}
    ids.discard("")
    return ids or None


def _filter_state(state: Any, keep: set[str], node_ids: Mapping[str, Any]) -> Any:
    """Keep only the `keep` nodes of an execution state (plain or wrapped as {"nodes": {}})."""
    if not isinstance(state, dict):
        return state
    inner = state.get("nodes")
    if isinstance(inner, dict) and "nodes" not in node_ids:
        return {**state, "nodes": {k: v for k, v in inner.items() if k in keep}}
    return {k: v for k, v in state.items() if k in keep}


def _shape(run: dict[str, Any], summary: bool, keep: set[str] | None) -> dict[str, Any]:
    """Apply `summary` and `nodeIds` to a run without mutating it."""
    if summary:
        return {k: v for k, v in run.items() if k not in ("executionState", "workflowDefinition")}
    if keep is None or "executionState" not in run:
        return run
    definition = run.get("workflowDefinition")
    nodes = definition.get("nodes") if isinstance(definition, dict) else None
    node_ids = nodes if isinstance(nodes, dict) else {}
    return {**run, "executionState": _filter_state(run["executionState"], keep, node_ids)}


def create_demo_api(
    token: str | None = DEMO_TOKEN,
    clock: Callable[[], float] = time.time,
    running_seconds: float = 90.0,
    *,
    extra_runs: Mapping[str, dict] | None = None,
) -> Flask:
    """Build the demo API app; the live run starts at `clock()` now and ends after
    `running_seconds`. `extra_runs` adds (or replaces) runs by id, e.g. generated ones."""
    if running_seconds <= 0:
        raise ValueError("running_seconds must be positive")
    runs = load_demo_runs()
    runs.update(extra_runs or {})
    template = runs.get(LIVE_RUN_ID)
    live_started = clock()
    cache: dict[tuple[str, bool], str] = {}

    app = Flask("viewer.demo")

    @app.before_request
    def require_token() -> Response | None:
        if token is not None and not _bearer_ok(request.headers.get("Authorization"), token):
            response = _envelope(401, "unauthorized: missing or invalid bearer token")
            response.headers["WWW-Authenticate"] = 'Bearer realm="runs"'
            return response
        return None

    @app.get("/v1/runs/<run_id>")
    def get_run(run_id: str) -> Response:
        run = runs.get(run_id)
        if run is None:
            return _envelope(404, "run not found")
        summary = request.args.get("summary", "").strip().lower() in ("true", "1")
        keep = None if summary else _wanted_node_ids()
        if template is not None and run is template and SCHEDULE_KEY in run:
            run = live_run(template, live_started, clock(), running_seconds)
            return _envelope(200, _SUCCESS, _dumps(_shape(run, summary, keep)))
        if keep is not None:
            return _envelope(200, _SUCCESS, _dumps(_shape(run, summary, keep)))
        key = (run_id, summary)
        if key not in cache:
            cache[key] = _dumps(_shape(run, summary, None))
        return _envelope(200, _SUCCESS, cache[key])

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        code = error.code or 500
        message = "not found" if code == 404 else (error.name or "error").lower()
        return _envelope(code, message)

    @app.errorhandler(Exception)
    def internal_error(error: Exception) -> Response:
        app.logger.exception("demo API error: %s", error)
        return _envelope(500, "internal error")

    return app
