"""A total deadline for an upstream exchange: connect, request, headers and body together.

httpx's timeouts are per socket operation, so a server that trickles its headers (or its body)
a byte at a time holds a request for as long as it likes. `DeadlineTransport` is an httpx
transport on httpcore's public connection pool (or HTTP proxy) with a network backend that
gives every socket operation at most the time left before the deadline set with `deadline()`
for the current thread; past it the operation fails as a timeout. It is built the way
httpx.HTTPTransport builds its own (httpx has no parameter for the network backend), and
`upstream_transports` mounts one per proxy from the environment, as httpx does (trust_env).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from ssl import SSLContext

import httpcore
import httpx
from httpcore import SOCKET_OPTION, NetworkBackend, NetworkStream

from viewer.runs.proxies import environment_proxies

_deadline: ContextVar[float | None] = ContextVar("upstream_deadline", default=None)


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Upstream calls made by this thread inside the block end by `at` (time.monotonic())."""
    token = _deadline.set(at)
    try:
        yield
    finally:
        _deadline.reset(token)


def _clamp(timeout: float | None, timed_out: type[Exception]) -> float | None:
    """The operation's own timeout, cut to the time left; raise `timed_out` when none is."""
    at = _deadline.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise timed_out("the total deadline of the upstream call has passed")
    return left if timeout is None else min(timeout, left)


class _Stream(NetworkStream):
    def __init__(self, stream: NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> object:
        return self._stream.get_extra_info(info)


class _Backend(NetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(
            self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


# httpcore's errors as the httpx errors callers catch; the most specific class first.
_ERRORS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        for theirs, ours in _ERRORS:
            if isinstance(error, theirs):
                raise ours(str(error)) from error
        raise


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class DeadlineTransport(httpx.BaseTransport):
    """HTTP/1.1 to the upstream, directly or through an http(s) proxy, on sockets that keep
    the deadline."""

    def __init__(self, limits: httpx.Limits, proxy: str | None = None) -> None:
        pool_limits = {
            "max_connections": limits.max_connections,
            "max_keepalive_connections": limits.max_keepalive_connections,
            "keepalive_expiry": limits.keepalive_expiry,
        }
        ssl_context = httpx.create_ssl_context()  # honours SSL_CERT_FILE / SSL_CERT_DIR
        self._pool: httpcore.ConnectionPool
        if proxy is None:
            self._pool = httpcore.ConnectionPool(
                ssl_context=ssl_context, network_backend=_Backend(), **pool_limits
            )
            return
        via = httpx.Proxy(proxy)
        if via.url.scheme not in ("http", "https"):
            raise ValueError(
                f"the proxy for the runs API must be an http:// or https:// URL, not "
                f"{via.url.scheme}://"
            )
        self._pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=via.url.raw_scheme,
                host=via.url.raw_host,
                port=via.url.port,
                target=via.url.raw_path,
            ),
            proxy_auth=via.raw_auth,
            proxy_headers=via.headers.raw,
            ssl_context=ssl_context,
            proxy_ssl_context=via.ssl_context,
            network_backend=_Backend(),
            **pool_limits,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)  # a sync client sends sync bodies
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = self._pool.handle_request(core_request)
        assert isinstance(answer.stream, Iterable)  # a sync pool answers sync bodies
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def upstream_transports(
    limits: httpx.Limits,
) -> tuple[DeadlineTransport, dict[str, httpx.BaseTransport | None]]:
    """The direct transport and httpx `mounts` for the proxies named in the environment
    (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY): every route keeps the deadline."""
    mounts: dict[str, httpx.BaseTransport | None] = {
        pattern: None if proxy is None else DeadlineTransport(limits, proxy)
        for pattern, proxy in environment_proxies().items()
    }
    return DeadlineTransport(limits), mounts
