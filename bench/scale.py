"""Does the viewer scale out and stay up? Two measurements on real processes, bounded in time.

1. Shared polling: two viewer instances (`python -m viewer`) and one redis-server, N browsers
   polling one running run's live fragment for T seconds, spread over both instances. Prints
   upstream calls per refresh interval across both (target 1) and viewer latency.
2. Slow upstream: 48 distinct runs asked at once from an upstream that takes 8 s to answer,
   while other browsers load /healthz, a static file and an already cached run page. Prints
   the fast pages' median and p95 (target p95 < 1 s) and what the slow ones got.
Memory under many distinct runs is bench/memory.py's.

    python bench/scale.py [--viewers 200] [--seconds 30] [--slow 48] [--only 1,2]
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.redis import RedisServer  # noqa: E402
from tests.support.servers import free_port  # noqa: E402
from viewer.demo.api import DEMO_TOKEN, LIVE_RUN_ID, create_demo_api  # noqa: E402


class Counting:
    """WSGI middleware: counts the upstream's requests; `delay(path)` seconds before each."""

    def __init__(self, app: Callable, delay: Callable[[str], float] = lambda _path: 0.0) -> None:
        self.app, self.delay = app, delay
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> object:
        with self.lock:
            self.count += 1
        time.sleep(self.delay(environ.get("PATH_INFO", "")))
        return self.app(environ, start_response)


@contextmanager
def upstream(app: Counting) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@contextmanager
def viewer(upstream_url: str, **env: str) -> Iterator[tuple[str, int]]:
    """`python -m viewer` on a free port; yields its base URL and process id."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "viewer"],
        cwd=ROOT,
        env={
            **os.environ,
            "RUNS_API_URL": upstream_url,
            "RUNS_API_TOKEN": DEMO_TOKEN,
            "VIEWER_PORT": str(port),
            **env,
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        stop = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > stop or process.poll() is not None:
                raise SystemExit(f"the viewer on {base} did not come up")
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(20)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def shared_polling(viewers: int, seconds: float, refresh: float) -> None:
    counter = Counting(create_demo_api(token=DEMO_TOKEN, running_seconds=seconds * 20))
    redis = RedisServer().start()
    env = {"VIEWER_REDIS_URL": redis.url, "VIEWER_REFRESH_SECONDS": str(refresh)}
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    live = f"/_fragments/runs/{LIVE_RUN_ID}/live"
    try:
        with (
            upstream(counter) as url,
            viewer(url, **env) as (one, _),
            viewer(url, **env) as (two, _),
        ):
            for base in (one, two):  # both instances have read the run once
                httpx.get(f"{base}/runs/{LIVE_RUN_ID}", timeout=30).raise_for_status()

            pool = httpx.Limits(max_connections=viewers, max_keepalive_connections=viewers)
            clients = [httpx.Client(base_url=base, timeout=30, limits=pool) for base in (one, two)]

            def browse(client: httpx.Client) -> None:
                time.sleep(random.uniform(0, refresh))
                while time.monotonic() < stop:
                    started = time.perf_counter()
                    status = client.get(live, headers={"HX-Request": "true"}).status_code
                    with lock:
                        latencies.append(time.perf_counter() - started)
                        if status != 200:
                            failures.append(status)
                    time.sleep(refresh)

            before = counter.count
            stop = time.monotonic() + seconds
            threads = [
                threading.Thread(target=browse, args=(clients[n % 2],)) for n in range(viewers)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            calls = counter.count - before
            for client in clients:
                client.close()
    finally:
        redis.close()
    intervals = seconds / refresh
    print(
        f"1. shared polling: {viewers} browsers, 2 instances + Redis, {seconds:g} s, "
        f"refresh {refresh:g} s"
    )
    print(f"   viewer requests {len(latencies)}, not 200: {len(failures)}")
    print(f"   upstream calls {calls}: {calls / intervals:.2f} per refresh interval (target 1)")
    print(f"   viewer latency median {ms(statistics.median(latencies))}, p95 {ms(p95(latencies))}")


def slow_upstream(slow_runs: int, delay: float) -> None:
    def slow(path: str) -> float:
        return delay if "/run_slow_" in path else 0.0

    fast_run = "run_7f3a2c9e41"
    extra = {
        f"run_slow_{n:03d}": {"id": f"run_slow_{n:03d}", "status": "success"}
        for n in range(slow_runs)
    }
    counter = Counting(create_demo_api(token=DEMO_TOKEN, extra_runs=extra), slow)
    fast: list[float] = []
    slow_statuses: list[int] = []
    lock = threading.Lock()
    with (
        upstream(counter) as url,
        viewer(url, RUNS_API_TIMEOUT=str(delay + 5), RUNS_API_RETRY_DEADLINE=str(delay + 5)) as (
            base,
            _,
        ),
    ):
        httpx.get(f"{base}/runs/{fast_run}", timeout=30).raise_for_status()  # now cached

        def ask_slow(run_id: str) -> None:
            status = httpx.get(f"{base}/runs/{run_id}", timeout=delay + 30).status_code
            with lock:
                slow_statuses.append(status)

        slow_threads = [threading.Thread(target=ask_slow, args=(run_id,)) for run_id in extra]
        for thread in slow_threads:
            thread.start()
        time.sleep(0.5)  # the slow ones are in
        stop = time.monotonic() + delay - 1.5
        paths = ["/healthz", "/static/app.css", f"/runs/{fast_run}"]

        def ask_fast() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                while time.monotonic() < stop:
                    for path in paths:
                        started = time.perf_counter()
                        client.get(path).raise_for_status()
                        with lock:
                            fast.append(time.perf_counter() - started)
                    time.sleep(0.05)

        fast_threads = [threading.Thread(target=ask_fast) for _ in range(4)]
        for thread in fast_threads:
            thread.start()
        for thread in fast_threads + slow_threads:
            thread.join()
    counts = {status: slow_statuses.count(status) for status in sorted(set(slow_statuses))}
    print(f"2. slow upstream: {slow_runs} runs taking {delay:g} s, fast pages meanwhile")
    print(
        f"   fast requests {len(fast)}: median {ms(statistics.median(fast))}, "
        f"p95 {ms(p95(fast))} (target p95 < 1000 ms)"
    )
    print(f"   slow runs answered: {counts} (503 = refused at once past the bulkhead)")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--refresh", type=float, default=3.0)
    parser.add_argument("--slow", type=int, default=48)
    parser.add_argument("--delay", type=float, default=8.0)
    parser.add_argument("--only", default="1,2")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parts = set(args.only.split(","))
    if "1" in parts:
        shared_polling(args.viewers, args.seconds, args.refresh)
    if "2" in parts:
        slow_upstream(args.slow, args.delay)


if __name__ == "__main__":
    main()
