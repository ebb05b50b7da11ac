"""How many upstream calls do N people watching one running run cost?

Starts the demo runs API (on loopback, counting the requests it serves) and the viewer
(`python -m viewer`, a real server process), then N simulated browsers open the running run's
page, load its graph, and poll its live fragment every VIEWER_REFRESH_SECONDS for T seconds.
Prints viewer requests, upstream requests, their ratio and request latency. Target: 50 viewers,
ratio at most 0.05.

    python bench/pollers.py [--viewers 50] [--seconds 20] [--refresh 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import free_port  # noqa: E402
from viewer.demo.api import DEMO_TOKEN, LIVE_RUN_ID, create_demo_api  # noqa: E402


class Counter:
    """WSGI middleware counting the requests the upstream serves."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: object) -> object:
        with self.lock:
            self.count += 1
        return self.app(environ, start_response)  # type: ignore[operator]


def wait_until_up(url: str, deadline: float = 20.0) -> None:
    stop = time.monotonic() + deadline
    while time.monotonic() < stop:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def browser(
    base: str, seconds: float, refresh: float, latencies: list[float], lock: threading.Lock
) -> int:
    """One person: open the page, load the graph, then poll the live fragment."""
    sent = 0
    with httpx.Client(base_url=base, timeout=10) as client:
        time.sleep(random.uniform(0, refresh))
        stop = time.monotonic() + seconds
        paths = [f"/runs/{LIVE_RUN_ID}", f"/_fragments/runs/{LIVE_RUN_ID}/graph"]
        while True:
            for path in paths:
                started = time.perf_counter()
                client.get(path, headers={"HX-Request": "true"}).raise_for_status()
                with lock:
                    latencies.append(time.perf_counter() - started)
                sent += 1
            if time.monotonic() >= stop:
                return sent
            time.sleep(refresh)
            paths = [f"/_fragments/runs/{LIVE_RUN_ID}/live"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--refresh", type=float, default=3.0)
    args = parser.parse_args()

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    upstream = Counter(create_demo_api(token=DEMO_TOKEN, running_seconds=args.seconds * 10))
    server = make_server("127.0.0.1", 0, upstream, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    env = {
        **os.environ,
        "RUNS_API_URL": f"http://127.0.0.1:{server.server_port}",
        "RUNS_API_TOKEN": DEMO_TOKEN,
        "VIEWER_PORT": str(port),
        "VIEWER_REFRESH_SECONDS": str(args.refresh),
    }
    viewer = subprocess.Popen(
        [sys.executable, "-m", "viewer"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(f"{base}/static/app.css")
        before = upstream.count
        latencies: list[float] = []
        lock = threading.Lock()
        counts: list[int] = []
        threads = [
            threading.Thread(
                target=lambda: counts.append(
                    browser(base, args.seconds, args.refresh, latencies, lock)
                )
            )
            for _ in range(args.viewers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        viewer_requests = sum(counts)
        upstream_requests = upstream.count - before
    finally:
        viewer.terminate()
        viewer.wait(10)
        server.shutdown()

    ratio = upstream_requests / viewer_requests
    ordered = sorted(latencies)
    print(f"viewers={args.viewers} seconds={args.seconds:g} refresh={args.refresh:g}s")
    print(f"viewer requests:   {viewer_requests}")
    print(f"upstream requests: {upstream_requests}")
    print(
        f"ratio upstream/viewer: {ratio:.4f} "
        f"(target <= 0.05: {'met' if ratio <= 0.05 else 'NOT met'})"
    )
    print(
        f"viewer latency: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
