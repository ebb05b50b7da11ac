"""Servers as real processes for tests: started on a free loopback port, output kept in files,
stopped by their own process id (and only theirs)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60.0  # a busy machine (2 cores shared by many) can take 15 s to start one

# The environment variables the viewer reads; none leaks from the caller's shell.
_SETTING_PREFIXES = ("VIEWER_", "RUNS_API_", "DEMO_", "PROMETHEUS_", "WEB_CONCURRENCY")


@dataclass
class ServerProcess:
    """One server process, its output going to two log files."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    def log_paths(self) -> tuple[Path, Path]:
        return self.stdout_path, self.stderr_path

    def stderr_size(self) -> int:
        return self.stderr_path.stat().st_size if self.stderr_path.exists() else 0

    def stderr_since(self, offset: int) -> str:
        """What the server wrote to stderr after `offset` bytes."""
        return read_from(self.stderr_path, offset)

    def stderr_text(self) -> str:
        return self.stderr_path.read_text("utf-8", "replace") if self.stderr_path.exists() else ""

    def signal(self, signum: int = signal.SIGTERM) -> None:
        self.process.send_signal(signum)

    def stop(self) -> None:
        """Terminate the process (and only it), then kill it if it does not stop."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def read_from(path: Path, offset: int, limit: int = 20_000) -> str:
    """The text of a log file from `offset`, keeping only the last `limit` characters."""
    if not path.exists():
        return ""
    with path.open("rb") as handle:
        handle.seek(offset)
        text = handle.read().decode("utf-8", "replace")
    return text if len(text) <= limit else "[…]\n" + text[-limit:]


def server_env(extra: dict[str, str]) -> dict[str, str]:
    """The caller's environment without viewer settings, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SETTING_PREFIXES)}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def launch(
    name: str,
    command: list[str],
    port: int,
    *,
    env: dict[str, str],
    ready_path: str,
    log_dir: Path,
    cwd: Path = ROOT,
) -> ServerProcess:
    """Start `command` in `cwd` and wait until `ready_path` answers on `port`."""
    log_dir.mkdir(parents=True, exist_ok=True)
    stdout_path = log_dir / f"{name}-{port}.stdout.log"
    stderr_path = log_dir / f"{name}-{port}.stderr.log"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=server_env(env),
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    server = ServerProcess(name, f"http://127.0.0.1:{port}", process, stdout_path, stderr_path)
    try:
        wait_until_answering(server, ready_path)
    except BaseException:
        server.stop()
        raise
    return server


def wait_until_answering(server: ServerProcess, path: str) -> None:
    """Poll `path` until the server answers with any HTTP status; fail with its logs if not."""
    deadline = time.monotonic() + READY_TIMEOUT
    last_error = "no attempt"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            httpx.get(server.url + path, timeout=1.0)
        except httpx.HTTPError as error:
            last_error = repr(error)
            time.sleep(0.1)
        else:
            return
    raise RuntimeError(
        f"{server.name} did not answer on {server.url}{path} "
        f"(exit code {server.process.poll()}, last error {last_error}).\n"
        f"--- stdout ---\n{read_from(server.stdout_path, 0)}\n"
        f"--- stderr ---\n{read_from(server.stderr_path, 0)}"
    )
