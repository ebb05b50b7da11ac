"""Fixtures for tests of the viewer as it is deployed: real processes on free loopback ports."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.processes import ROOT, ServerProcess, launch
from tests.support.servers import free_port

LOG_DIR = ROOT / "artifacts" / "deploy-logs"
GUNICORN = Path(sys.executable).with_name("gunicorn")

StartViewer = Callable[..., ServerProcess]


@pytest.fixture
def start_viewer(request: pytest.FixtureRequest) -> Iterator[StartViewer]:
    """Start the viewer as a process: `python -m viewer` unless `command` says otherwise
    (`{port}` in it is replaced); stopped by its own pid when the test ends, logs printed
    with a failure."""
    started: list[ServerProcess] = []

    def start(
        env: dict[str, str],
        *,
        command: list[str] | None = None,
        cwd: Path = ROOT,
        ready_path: str = "/healthz",
    ) -> ServerProcess:
        port = free_port()
        argv = [
            part.replace("{port}", str(port))
            for part in command or [sys.executable, "-m", "viewer"]
        ]
        settings = {"VIEWER_HOST": "127.0.0.1", "VIEWER_PORT": str(port), **env}
        name = request.node.name.replace("[", "-").replace("]", "")[:60]
        server = launch(
            name, argv, port, env=settings, ready_path=ready_path, log_dir=LOG_DIR, cwd=cwd
        )
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        for server in started:
            print(f"--- {server.name} stderr ---\n{server.stderr_text()[-5000:]}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
