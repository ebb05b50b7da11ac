"""A real redis-server (Debian's) on a free loopback port, started and stopped by a test."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from tests.support.servers import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


class RedisServer:
    """One redis-server process with no persistence, bound to 127.0.0.1; stop() and start()
    again on the same port (a test can take Redis away mid-request and bring it back)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.TemporaryDirectory(prefix="viewer-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        if not Path(REDIS_SERVER).exists():
            raise RuntimeError(
                "redis-server is not installed: `make test` installs Debian's redis-server "
                "(or run `apt-get install redis-server`)."
            )
        args = f"--bind 127.0.0.1 --port {self.port} --save '' --appendonly no --loglevel warning"
        self._process = subprocess.Popen(
            [REDIS_SERVER, *shlex.split(args), "--dir", self._dir.name],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                client.close()
                return self
            except redis.ConnectionError:
                if self._process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on 127.0.0.1:{self.port}")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None

    def client(self) -> redis.Redis:
        """A separate client, for a test to look at what the viewer stored."""
        return redis.Redis.from_url(self.url, socket_timeout=2)

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()
