"""Every request seen once, around the whole app: its access log line and its metrics.

A WSGI middleware times each request from arrival to the last byte handed to the server and
counts the busy threads; a teardown hook leaves what only Flask knows (route, who, request
ids) in the WSGI environ for it. Successful health checks and scrapes are counted but not
logged, so load balancers polling every few seconds do not drown the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, g, request
from werkzeug.wsgi import ClosingIterator

from viewer import metrics
from viewer.runs.redact import redact_text
from viewer.web.loading import upstream_request_id

log = logging.getLogger("viewer.access")

ENVIRON_KEY = "viewer.access"
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
MAX_TARGET_LENGTH = 1000

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class AccessObserver:
    """WSGI middleware: one access log line and one metrics sample per request."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status: list[int] = [500]

        def start(status_line: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            status[0] = int(status_line.split(" ", 1)[0])
            return start_response(status_line, headers, *exc_info)

        metrics.request_started()
        try:
            body = self.app(environ, start)
        except BaseException:
            self.finish(environ, 500, started)
            raise
        return ClosingIterator(body, lambda: self.finish(environ, status[0], started))

    def finish(self, environ: dict[str, Any], status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        seen: dict[str, Any] = environ.get(ENVIRON_KEY, {})
        route = seen.get("route")
        method = environ.get("REQUEST_METHOD", "-")
        metrics.request_finished(route, method, status, seconds)
        if route in QUIET_ROUTES and status < 400:
            return
        log.info(
            "request",
            extra={
                "fields": {
                    "method": method,
                    "path": seen.get("target") or environ.get("PATH_INFO", "-"),
                    "status": status,
                    "route": route or metrics.UNMATCHED_ROUTE,
                    "ms": round(seconds * 1000, 1),
                    "request_id": seen.get("request_id"),
                    "upstream_request_id": seen.get("upstream_request_id"),
                    "who": seen.get("who", "anonymous"),
                    "client": environ.get("REMOTE_ADDR"),
                }
            },
        )


def note_request(_error: BaseException | None = None) -> None:
    """At the end of Flask's part: leave the route, target, who and request ids for the log."""
    identity = g.get("identity")
    target = request.full_path.rstrip("?") if request.query_string else request.path
    request.environ[ENVIRON_KEY] = {
        "route": request.url_rule.rule if request.url_rule else None,
        "target": redact_text(target[:MAX_TARGET_LENGTH]),
        "request_id": g.get("request_id"),
        "upstream_request_id": g.get("upstream_request_id") or upstream_request_id(),
        "who": identity.audit_name if identity else "anonymous",
    }


def init_app(app: Flask) -> None:
    app.wsgi_app = AccessObserver(app.wsgi_app)  # type: ignore[method-assign]
    app.teardown_request(note_request)
