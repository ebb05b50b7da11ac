"""Do open browser tabs stall everyone else? Idle keep-alive connections against the limit.

Starts `python -m viewer` (demo runs, a real server process on loopback) with a given
VIEWER_CONNECTION_LIMIT, opens N connections that each load /healthz once and then stay open
and idle (as tabs between two refreshes do), then times fresh requests from a new client:
/healthz and a cached run page. Run once with waitress's own default limit (100) and once with
the viewer's default (1000). Prints medians, p95, how many fresh requests timed out, and the
ratio of the medians.

    python bench/connections.py [--idle 300] [--requests 20] [--limits 100,1000]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.processes import ServerProcess, launch  # noqa: E402
from tests.support.servers import free_port  # noqa: E402

RUN = "run_7f3a2c9e41"
TIMEOUT = 5.0
SETTLE = 2.0


def start(limit: int, log_dir: Path) -> ServerProcess:
    port = free_port()
    env = {
        "VIEWER_HOST": "127.0.0.1",
        "VIEWER_PORT": str(port),
        "VIEWER_CONNECTION_LIMIT": str(limit),
    }
    command = [sys.executable, "-m", "viewer"]
    return launch(
        f"bench-connections-{limit}",
        command,
        port,
        env=env,
        ready_path="/healthz",
        log_dir=log_dir,
    )


def open_idle(port: int, count: int) -> list[socket.socket]:
    """`count` keep-alive connections, each having asked for /healthz once, left open (the
    answers are never read: past the limit the server stops accepting, and a connection then
    waits in the listen backlog)."""
    sockets = []
    request = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n"
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        sock.sendall(request)
        sockets.append(sock)
    time.sleep(SETTLE)  # let the server accept and answer what it will
    return sockets


def fresh_requests(url: str, path: str, count: int) -> tuple[list[float], int]:
    """Time `count` requests, each on a new connection; count those that time out."""
    times, timeouts = [], 0
    no_reuse = httpx.Limits(max_keepalive_connections=0)
    with httpx.Client(base_url=url, timeout=TIMEOUT, limits=no_reuse) as client:
        for _ in range(count):
            started = time.perf_counter()
            try:
                client.get(path)
            except httpx.TimeoutException:
                timeouts += 1
                continue
            times.append(time.perf_counter() - started)
    return times, timeouts


def describe(times: list[float]) -> str:
    if not times:
        return "no answer"
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    return f"median {statistics.median(times) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def measure(limit: int, idle: int, requests: int, log_dir: Path) -> float:
    viewer = start(limit, log_dir)
    try:
        httpx.get(f"{viewer.url}/runs/{RUN}", timeout=TIMEOUT)  # warm: the page is cached
        port = int(viewer.url.rsplit(":", 1)[1])
        sockets = open_idle(port, idle)
        try:
            health, health_out = fresh_requests(viewer.url, "/healthz", requests)
            page, page_out = fresh_requests(viewer.url, f"/runs/{RUN}", requests // 2)
        finally:
            for sock in sockets:
                sock.close()
    finally:
        viewer.stop()
    print(f"limit {limit:5d}, {idle} idle connections open:")
    print(f"  /healthz        {describe(health)}   timed out {health_out}/{requests}")
    print(f"  cached run page {describe(page)}   timed out {page_out}/{requests // 2}")
    return statistics.median(health) if health else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--idle", type=int, default=300)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--limits", default="100,1000")
    args = parser.parse_args()
    limits = [int(value) for value in args.limits.split(",")]
    with tempfile.TemporaryDirectory() as log_dir:
        medians = {
            limit: measure(limit, args.idle, args.requests, Path(log_dir)) for limit in limits
        }
    low, high = min(limits), max(limits)
    if medians[low] == float("inf"):
        print(
            f"limit {low}: no fresh request answered within {TIMEOUT:g} s; limit {high}: "
            f"median {medians[high] * 1000:.1f} ms"
        )
    else:
        print(
            f"median /healthz ratio, limit {low} / limit {high}: "
            f"{medians[low] / medians[high]:.1f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
