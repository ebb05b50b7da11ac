"""gunicorn settings for several worker processes on one machine:

    gunicorn -c python:viewer.gunicorn_conf            # WEB_CONCURRENCY workers (default 2)
    gunicorn -c python:viewer.gunicorn_conf --workers 4

Everything else comes from the same environment as `python -m viewer` (VIEWER_HOST, VIEWER_PORT,
VIEWER_THREADS, VIEWER_CONNECTION_LIMIT, VIEWER_SHUTDOWN_GRACE_SECONDS, VIEWER_LOG_FORMAT),
read and checked by viewer/config.py. gthread workers: each serves VIEWER_THREADS requests at
once and keeps idle keep-alive connections in its poller, not in a thread. On SIGTERM the
address refuses new connections at once (viewer/gunicorn_worker.py) and requests in flight get
VIEWER_SHUTDOWN_GRACE_SECONDS to finish.

Metrics: the workers share PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder unless set), so
/metrics on any worker reports them all. It is set (or emptied) in the master before the
workers start, and before anything imports prometheus_client (viewer.metrics does so lazily).
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from viewer.__main__ import check_listen_address
from viewer.collector import tune_collector
from viewer.config import ConfigError, Settings
from viewer.malloc import limit_arenas

_METRICS_ENV = "PROMETHEUS_MULTIPROC_DIR"
_own_metrics_dir: str | None = None

try:
    _settings = Settings.from_env()
except ConfigError as _error:
    print(f"run viewer: configuration error: {_error}", file=sys.stderr)
    sys.exit(2)

_host = f"[{_settings.host}]" if ":" in _settings.host else _settings.host

wsgi_app = "viewer:create_app()"
proc_name = "run-viewer"
bind = [f"{_host}:{_settings.port}"]
workers = int(os.environ.get("WEB_CONCURRENCY") or 2)
worker_class = "viewer.gunicorn_worker.StoppingThreadWorker"  # gthread, refusing on stop
threads = _settings.threads
worker_connections = _settings.connection_limit
keepalive = 20  # seconds an idle browser connection stays open (pages poll every few seconds)
graceful_timeout = math.ceil(_settings.shutdown_grace_seconds)
control_socket_disable = True  # several instances may share a machine (and a HOME)
accesslog = None  # the viewer writes its own access line (viewer.access), with request ids
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "viewer": {"()": "viewer.logs.formatter_for", "log_format": _settings.log_format}
    },
    "handlers": {"stderr": {"class": "viewer.logs.StderrHandler", "formatter": "viewer"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True}},
}


def on_starting(server: Any) -> None:
    """Before any worker: refuse an open address without sign-in (`--bind` included), give
    the workers an empty metrics folder (values of an earlier run must not be added in), and
    cap malloc arenas and tune the garbage collector (workers are forks of this process and
    keep both)."""
    global _own_metrics_dir
    limit_arenas()
    tune_collector()
    for address in server.cfg.bind:
        if not address.startswith(("unix:", "fd://")):
            host = address.rsplit(":", 1)[0].strip("[]") if ":" in address else address
            try:
                check_listen_address(replace(_settings, host=host))
            except ConfigError as error:
                print(f"run viewer: configuration error (bind {address}): {error}", file=sys.stderr)
                sys.exit(2)
    if os.environ.get(_METRICS_ENV):
        for stale in Path(os.environ[_METRICS_ENV]).glob("*.db"):
            stale.unlink()
    else:
        _own_metrics_dir = tempfile.mkdtemp(prefix="run-viewer-metrics-")
        os.environ[_METRICS_ENV] = _own_metrics_dir


def post_worker_init(worker: Any) -> None:
    """A worker has built its app: compile the templates before it takes a request."""
    from viewer.web.templating import compile_templates

    compile_templates(worker.wsgi)


def child_exit(_server: Any, worker: Any) -> None:
    """A worker ended: drop its live gauges (busy threads, cache bytes, breaker state)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(_server: Any) -> None:
    if _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)
