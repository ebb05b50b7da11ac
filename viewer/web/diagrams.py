"""The diagram as sent: _graph.html rendered once per run answer and choice of boxes, and kept
with its deflated form, so a finished run seen again costs neither drawing nor compressing it.

Kept in the app's layout cache, within its bytes (a diagram counts its text and deflated
bytes); only for finished runs (a moving run's answer, and so its diagram, changes with every
read) and while templates are not reloaded (development)."""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, render_template
from markupsafe import Markup

from viewer.graph.cache import drawing_bytes
from viewer.graph.draw import Drawing
from viewer.graph.toggles import NO_BOXES, Boxes
from viewer.graph.view import GraphView, graph_view
from viewer.runs.model import Run
from viewer.runs.service import RunRead
from viewer.web.formatting import duration_between, format_number
from viewer.web.viewmodels import RunPage

DEFLATE_LEVEL = 6  # paid once per diagram kept, so the better ratio


@dataclass(frozen=True, slots=True)
class Diagram:
    """The diagram's HTML and the same as raw deflate (sync-flushed, not final), ready to be
    spliced into a gzip stream (streaming.py)."""

    html: Markup
    deflated: bytes | None  # None: not kept, so compressed with the page like the rest

    def __html__(self) -> str:
        return self.html

    @property
    def kept_bytes(self) -> int:
        """What keeping it costs in memory (both buffers, and the object)."""
        return sys.getsizeof(self.html) + sys.getsizeof(self.deflated or b"") + 256


def deflated(text: str) -> bytes:
    """`text` as UTF-8 in raw deflate blocks that end on a byte boundary and are not final."""
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(text.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)


def diagram(read: RunRead, boxes: Boxes, page: RunPage, rest_url: str | None = None) -> Diagram:
    """The run's diagram with these boxes opened and closed (from a full read), rendered for
    `page` (its warned steps; links that keep a server-drawn page so; the step it opens on).
    With `rest_url`, a diagram in several parts is sent with its first part only, and
    graph-later.js fetches the rest from that address (rest_of_diagram)."""

    def render() -> Markup:
        graph = run_graph(read.run, boxes)
        html = render_template("_graph.html", graph=graph, page=page, rest_url=rest_url)
        return Markup(html)  # noqa: S704 - an autoescaped template's output

    # the step the page opens on decides what is sent first (viewer/graph/chunks.py)
    key = ("diagram", read.run.id, read.digest, boxes, page.server_drawn, page.selected_step)
    return _kept(read, (*key, rest_url), render)


def rest_of_diagram(read: RunRead, boxes: Boxes, page: RunPage) -> Diagram:
    """The chunks of the diagram that its first view (on `page`'s selected step, or the
    trigger) does not meet: what a run page sent with its first part only lacks."""

    def render() -> Markup:
        html = render_template("_graph_rest.html", graph=run_graph(read.run, boxes), page=page)
        return Markup(html)  # noqa: S704 - an autoescaped template's output

    key = ("diagram rest", read.run.id, read.digest, boxes, page.selected_step)
    return _kept(read, key, render)


def _kept(read: RunRead, key: tuple[object, ...], render: Callable[[], Markup]) -> Diagram:
    """`render()`, kept in the layout cache under `key` with its deflated form when the run is
    finished (a moving run's answer, and so its diagram, changes with every read)."""
    app = current_app
    if not (read.digest and read.run.status.final) or app.jinja_env.auto_reload:
        return Diagram(render(), None)

    def kept() -> Diagram:
        html = render()
        return Diagram(html, deflated(html))

    return app.extensions["layout_cache"].get_or_compute(key, kept)


def run_graph(run: Run, boxes: Boxes = NO_BOXES) -> GraphView:
    """The graph of a run read in full (definition and execution state)."""
    return graph_view(
        run_id=run.id,
        workflow_id=run.workflow_id,
        workflow_version=run.workflow_version,
        definition=run.definition,
        statuses={step_id: state.status.key for step_id, state in run.steps.items()},
        labels={step_id: state.status.label for step_id, state in run.steps.items()},
        step_facts={
            step_id: (
                duration_between(state.started, state.finished) or "—",
                format_number(state.cu) if state.cu is not None else "—",
            )
            for step_id, state in run.steps.items()
        },
        cache=current_app.extensions["layout_cache"],
        boxes=boxes,
    )


def kept_bytes(value: Drawing | Diagram) -> int:
    """The layout cache's measure: layouts and the diagrams rendered from them."""
    return value.kept_bytes if isinstance(value, Diagram) else drawing_bytes(value)
