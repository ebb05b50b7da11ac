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

from flask import Response, current_app, request
from flask.globals import app_ctx, request_ctx
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


def stream_page(template_name: str, status: int, **context: Any) -> Response:
    """Render a template as a streamed response, flushed at each `{{ flush_here }}`.

    What comes before the first flush mark is rendered here, in the view. The rest is rendered
    when the server sends it, with this request's contexts pushed again for exactly that work
    (never held across a yield, so answers read in any order cannot pop each other's context).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    contexts = (app_ctx._get_current_object(), request_ctx._get_current_object())
    context["flush_here"] = FLUSH
    app.update_template_context(context)
    parts = app.jinja_env.get_template(template_name).generate(context)
    compressor = (
        zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        if request.accept_encodings["gzip"] > 0
        else None
    )
    response = Response(
        _sent(_take_to_flush(parts), parts, contexts, compressor),
        status=status,
        mimetype="text/html",
    )
    if compressor is not None:
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
    compressor: zlib._Compress | None,
) -> Iterator[bytes]:
    """The first part at once, then each later part as it is rendered, then the end."""
    yield _encoded(first, compressor, zlib.Z_SYNC_FLUSH)
    while True:
        app, req = contexts
        with app, req:
            part = _take_to_flush(parts)
        if not part:
            break
        yield _encoded(part, compressor, zlib.Z_SYNC_FLUSH)
    if compressor is not None:
        yield compressor.flush()


def _encoded(text: str, compressor: zlib._Compress | None, mode: int) -> bytes:
    data = text.encode()
    return compressor.compress(data) + compressor.flush(mode) if compressor else data
