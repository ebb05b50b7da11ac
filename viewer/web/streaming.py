"""Pages sent in parts: what is known is flushed to the browser before a slow read finishes.

A template marks where to flush with `{{ flush_here }}`: everything rendered up to there is
sent at once (gzipped with a sync flush, so the browser can show it), then the template goes
on, reading what it needs lazily, in the same response.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import Response, request, stream_template
from markupsafe import Markup

from viewer.errors import ViewerError
from viewer.web.errors import ErrorView, error_view

FLUSH = Markup("<!-- the rest follows -->")
GZIP_LEVEL = 6
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What a deferred read gave: its value, or the error to show in its place."""

    value: T | None
    error: ErrorView | None


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


def stream_page(template: str, status: int, **context: Any) -> Response:
    """Render `template` as a streamed response, flushed at each `{{ flush_here }}`."""
    parts = stream_template(template, flush_here=FLUSH, **context)
    gzipped = request.accept_encodings["gzip"] > 0
    response = Response(_flushed(parts, gzipped), status=status, mimetype="text/html")
    if gzipped:
        response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def _flushed(parts: Iterator[str], gzipped: bool) -> Iterator[bytes]:
    """Joins the template's small pieces, sending them at each flush mark and at the end."""
    compressor = (
        zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS) if gzipped else None
    )
    pending: list[str] = []
    for part in parts:
        pending.append(part)
        if FLUSH in part:
            data = "".join(pending).encode()
            pending.clear()
            yield (
                compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
                if compressor
                else data
            )
    data = "".join(pending).encode()
    yield compressor.compress(data) + compressor.flush() if compressor else data
