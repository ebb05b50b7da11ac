"""One machine, one process: waitress with VIEWER_THREADS threads and VIEWER_CONNECTION_LIMIT
open connections, and a graceful stop on SIGTERM or Ctrl-C.

On the signal the listening socket closes (new connections are refused, so a load balancer
moves on), /readyz says "shutting down", idle keep-alive connections are closed, and the
requests already being served run to their end, for at most VIEWER_SHUTDOWN_GRACE_SECONDS.
"""

from __future__ import annotations

import logging
import resource
import signal
import time
from types import FrameType

import waitress
from flask import Flask
from waitress.server import BaseWSGIServer

from viewer.config import Settings
from viewer.web.health import readiness

log = logging.getLogger("viewer.serving")

LOOP_TIMEOUT = 0.25  # seconds the event loop waits between looks at the stop flag
SPARE_FILES = 256  # descriptors beyond the connections: upstream sockets, files, logs


class GracefulServer:
    """A waitress server whose event loop this class runs, so a stop can wait for requests."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self.app = app
        self.grace = settings.shutdown_grace_seconds
        self.server: BaseWSGIServer = waitress.create_server(
            app,
            host=settings.host,
            port=settings.port,
            threads=settings.threads,
            connection_limit=settings.connection_limit,
            ident="run-viewer",
        )
        self.stop_requested_at: float | None = None

    @property
    def port(self) -> int:
        return int(self.server.effective_port)

    def request_stop(self, signum: int, _frame: FrameType | None = None) -> None:
        """Signal handler: only note the time; the loop does the rest between two polls."""
        if self.stop_requested_at is None:
            self.stop_requested_at = time.monotonic()
            log.info("received %s: finishing requests in flight", signal.Signals(signum).name)

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, self.request_stop)
        signal.signal(signal.SIGINT, self.request_stop)
        loop = self.server.asyncore.loop
        socket_map = self.server._map
        while self.stop_requested_at is None:
            loop(timeout=LOOP_TIMEOUT, map=socket_map, use_poll=True, count=1)
        self._stop_listening()
        deadline = self.stop_requested_at + self.grace
        while self._busy() and time.monotonic() < deadline:
            self._close_idle()
            loop(timeout=LOOP_TIMEOUT, map=socket_map, use_poll=True, count=1)
        cut = self._busy()
        if cut:
            log.warning("%d request(s) still running after %g s: stopping anyway", cut, self.grace)
        else:
            log.info("every request finished: stopping")
        self.server.task_dispatcher.shutdown(cancel_pending=True, timeout=0.5)
        for channel in list(socket_map.values()):
            channel.close()

    def _stop_listening(self) -> None:
        readiness(self.app).stopping = True
        self.server.accepting = False
        self.server.del_channel()
        self.server.socket.close()

    def _channels(self) -> list:  # type: ignore[type-arg]
        return list(self.server.active_channels.values())

    def _busy(self) -> int:
        """Connections with a request being served or an answer not yet sent."""
        return sum(1 for ch in self._channels() if ch.requests or ch.total_outbufs_len)

    def _close_idle(self) -> None:
        for channel in self._channels():
            if not channel.requests and not channel.total_outbufs_len:
                channel.will_close = True


def allow_open_files(connections: int) -> None:
    """Raise the soft limit on open files so `connections` sockets fit (up to the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + SPARE_FILES
    if soft != resource.RLIM_INFINITY and soft < wanted:
        new_soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (new_soft, hard))
        if new_soft < wanted:
            log.warning(
                "open files are limited to %d: fewer than VIEWER_CONNECTION_LIMIT=%d connections "
                "may fit",
                new_soft,
                connections,
            )
