"""Pages sent in parts: what is known is flushed to the browser before a slow read finishes.

A template marks where to flush with `{{ flush_here }}`: everything rendered up to there is
sent at once (gzipped with a sync flush, so the browser can show it), then the template goes
on, reading what it needs lazily, in the same response.

`{{ spliced(part) }}` sends a large part compressed beforehand (a kept diagram: its `html`
and, unless None, its `deflated` form) as it is: a gzip member may be made of raw deflate
pieces that each end on a byte boundary, so the page's own text is compressed around it and
the part's blocks are copied in, not compressed again.
"""

from __future__ import annotations

import logging
import secrets
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from flask import Response, current_app, request
from flask.globals import app_ctx, request_ctx
from markupsafe import Markup

from viewer.errors import ViewerError
from viewer.web.errors import ErrorView, error_view

FLUSH = Markup("<!-- the rest follows -->")
GZIP_LEVEL = 6
# A gzip header: deflate, no name or time, unknown system (RFC 1952).
GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a deferred read gave: its value, or the error to show in its place."""

    value: T | None
    error: ErrorView | None


class Precompressed(Protocol):
    """A part sent whole: its HTML, and the same as raw deflate (sync-flushed, not final)."""

    @property
    def html(self) -> str: ...

    @property
    def deflated(self) -> bytes | None: ...


class Deferred(Generic[T]):
    """A read the template does when it reaches it (after the flush), once."""

    def __init__(self, read: Callable[[], T]) -> None:
        self._read = read
        self._outcome: Outcome[T] | None = None

    def __call__(self) -> Outcome[T]:
        if self._outcome is None:
            self._outcome = self._load()
        return self._outcome

    def _load(self) -> Outcome[T]:
        try:
            return Outcome(self._read(), None)
        except ViewerError as error:
            log.warning(
                "%s %s: deferred read failed after the page started: %s (%s)",
                request.method,
                request.path,
                type(error).__name__,
                error.request_id or "-",
            )
            return Outcome(None, error_view(error))


def stream_page(template_name: str, status: int, **context: Any) -> Response:
    """Render a template as a streamed response, flushed at each `{{ flush_here }}`.

    What comes before the first flush mark is rendered here, in the view. The rest is rendered
    when the server sends it, with this request's contexts pushed again for exactly that work
    (never held across a yield, so answers read in any order cannot pop each other's context).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    contexts = (app_ctx._get_current_object(), request_ctx._get_current_object())
    splices = Splices()
    context["flush_here"] = FLUSH
    context["spliced"] = splices.mark
    app.update_template_context(context)
    parts = app.jinja_env.get_template(template_name).generate(context)
    encoder = GzipMember() if request.accept_encodings["gzip"] > 0 else Plain()
    response = Response(
        _sent(_take_to_flush(parts), parts, contexts, splices, encoder),
        status=status,
        mimetype="text/html",
    )
    if isinstance(encoder, GzipMember):
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.headers["X-Accel-Buffering"] = "no"  # a proxy (nginx) passes each part on at once
    return response


def sent_alone(part: Precompressed) -> Response:
    """A part as a whole answer (a fragment): gzipped from its deflated form when the client
    takes gzip, so a kept diagram is not compressed again for each request."""
    if request.accept_encodings["gzip"] <= 0:
        response = Response(part.html, mimetype="text/html")
    else:
        member = GzipMember()
        response = Response(member.part(part) + member.end(), mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _take_to_flush(parts: Iterator[str]) -> str:
    """The template's output up to and including the next flush mark (or its end)."""
    pending = []
    for part in parts:
        pending.append(part)
        if FLUSH in part:
            break
    return "".join(pending)


def _sent(
    first: str,
    parts: Iterator[str],
    contexts: tuple[Any, Any],
    splices: Splices,
    encoder: GzipMember | Plain,
) -> Iterator[bytes]:
    """The first part at once, then each later part as it is rendered, then the end."""
    yield splices.encoded(first, encoder)
    while True:
        app, req = contexts
        with app, req:
            part = _take_to_flush(parts)
        if not part:
            break
        yield splices.encoded(part, encoder)
    end = encoder.end()
    if end:
        yield end


class Splices:
    """The parts a template asked to send whole, each standing in its output as a marker
    (with a random token: nothing else in the page can spell it)."""

    def __init__(self) -> None:
        self._token = secrets.token_hex(8)
        self._parts: dict[str, Precompressed] = {}

    def mark(self, part: Precompressed) -> Markup:
        marker = Markup("<!-- part {} {} -->").format(len(self._parts), self._token)
        self._parts[marker] = part
        return marker

    def encoded(self, text: str, encoder: GzipMember | Plain) -> bytes:
        """`text` encoded, each marker in it replaced by its part."""
        out = []
        for marker, part in self._parts.items():
            before, found, text = text.partition(marker)
            if not found:
                text = before
                continue
            out.append(encoder.text(before.encode()))
            out.append(encoder.part(part))
        out.append(encoder.text(text.encode()))
        return b"".join(out)


class Plain:
    """No compression: text as UTF-8."""

    def text(self, data: bytes) -> bytes:
        return data

    def part(self, part: Precompressed) -> bytes:
        return part.html.encode()

    def end(self) -> bytes:
        return b""


class GzipMember:
    """One gzip member written in pieces, each ending on a byte boundary (a sync flush) so the
    browser can show it at once: text compressed as it comes, and parts deflated beforehand
    copied in. After a copied part the text goes on with a new compressor, whose back
    references cannot reach into bytes it did not see."""

    def __init__(self) -> None:
        self._compressor = self._new()
        self._header = GZIP_HEADER
        self._crc = 0
        self._size = 0

    @staticmethod
    def _new() -> zlib._Compress:
        return zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)

    def _counted(self, data: bytes) -> bytes:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        header, self._header = self._header, b""
        return header

    def text(self, data: bytes) -> bytes:
        head = self._counted(data)
        return head + self._compressor.compress(data) + self._compressor.flush(zlib.Z_SYNC_FLUSH)

    def part(self, part: Precompressed) -> bytes:
        if part.deflated is None:
            return self.text(part.html.encode())
        head = self._counted(part.html.encode())
        self._compressor = self._new()
        return head + part.deflated

    def end(self) -> bytes:
        """The last (empty, final) block and the trailer: CRC-32 and length of the text."""
        head = self._counted(b"")
        last = self._compressor.flush(zlib.Z_FINISH)
        return head + last + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF)
