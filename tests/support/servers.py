"""Real HTTP servers on loopback for tests: any WSGI app, a scripted misbehaving upstream, and
an HTTP forward proxy."""

from __future__ import annotations

import socket
import socketserver
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from werkzeug.serving import make_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve_wsgi(app: Callable) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@dataclass
class Reply:
    """One scripted answer: status, body, headers, a delay before it, or a dropped connection;
    `head_delay` sends the status line and headers one byte at a time, that far apart;
    `hold` keeps the answer back until the event is set (a request kept in flight for as long
    as a test needs, without guessing a delay)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False
    chunk_delay: float = 0.0
    head_delay: float = 0.0
    hold: threading.Event | None = None


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts under test) are expected, not errors to print."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class ScriptedUpstream:
    """A loopback server answering each request with the next scripted Reply (the last repeats)."""

    def __init__(self) -> None:
        self.replies: list[Reply] = [Reply(500)]
        self.requests: list[dict[str, str]] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_GET(self) -> None:
                with outer._lock:
                    outer.requests.append({"path": self.path, **dict(self.headers.items())})
                    reply = outer.replies.pop(0) if len(outer.replies) > 1 else outer.replies[0]
                time.sleep(reply.delay)
                if reply.hold is not None:
                    reply.hold.wait(60)
                if reply.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply.head_delay:
                    self._trickle_head(reply)
                else:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                if reply.chunk_delay:
                    for start in range(0, len(reply.body), 64):
                        self.wfile.write(reply.body[start : start + 64])
                        self.wfile.flush()
                        time.sleep(reply.chunk_delay)
                else:
                    self.wfile.write(reply.body)

            def _trickle_head(self, reply: Reply) -> None:
                headers = {**reply.headers, "Content-Length": str(len(reply.body))}
                lines = [f"HTTP/1.1 {reply.status} Scripted"]
                lines += [f"{name}: {value}" for name, value in headers.items()]
                for byte in ("\r\n".join(lines) + "\r\n\r\n").encode():
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(reply.head_delay)

            def log_message(self, *args: object) -> None:
                return

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self.replies = list(replies)
            self.requests.clear()

    def __enter__(self) -> ScriptedUpstream:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class ForwardProxy:
    """A plain HTTP forward proxy on loopback (no CONNECT): it takes `GET http://host/path`,
    asks the host for `/path` on a new connection and relays the answer byte for byte as it
    comes (trickles included), then closes. `seen` lists the absolute URLs it was asked for."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                method, url, _version = self.rfile.readline().decode("latin-1").split()
                headers = []
                while (line := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                    name = line.split(b":", 1)[0].strip().lower()
                    if name not in (b"connection", b"proxy-connection", b"keep-alive"):
                        headers.append(line)
                outer.seen.append(url)
                target = urlsplit(url)
                path = target.path + (f"?{target.query}" if target.query else "")
                head = f"{method} {path or '/'} HTTP/1.1\r\n".encode("latin-1")
                with socket.create_connection((target.hostname, target.port or 80), 10) as up:
                    up.sendall(head + b"".join(headers) + b"Connection: close\r\n\r\n")
                    while chunk := up.recv(65536):
                        self.wfile.write(chunk)
                        self.wfile.flush()

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> ForwardProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
