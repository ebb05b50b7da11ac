"""The view a big diagram opens with, decided on the server so that CSS alone draws it.

graph.js opens a diagram whole when it is readable that way (growing the canvas up to
GROW_MAX window heights); a diagram that can never be, on any screen up to SCREEN_W x SCREEN_H
CSS px, opens at READABLE on its trigger's top, or centred on the step in `?node=`. For those
the server writes that view into the markup (frame(): the <svg>'s viewBox is centred on the
point the view holds, graph.css places that centre), so the first paint shows it, before and
without graph.js, which then adopts it. region() is what such a view can show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from viewer.graph.geometry import MARGIN

if TYPE_CHECKING:  # view.py's GraphView.frame() calls frame() here
    from viewer.graph.view import GraphView

READABLE = 0.85  # graph.js's READABLE: the scale of the first view
SCREEN_W = 2560  # the largest screen (CSS px) the decision holds for
SCREEN_H = 1440
GROW_MAX = 1.5  # graph.js: a small diagram's canvas may grow up to this many window heights
FIT_PAD = 24  # graph.js grow(): room round a diagram shown whole
CANVAS_VH = 0.75  # graph.css: the canvas is at most 75vh tall (min(75vh, 56rem))
ROOMS = (32, 72)  # graph.js: room above the trigger on a wide and on a narrow canvas
TOP_Y = MARGIN  # the top view's viewBox starts this far above the trigger (graph.css knows it)
REGION_MARGIN = 256  # diagram px round all that a first view can show


@dataclass(frozen=True)
class FirstView:
    """The diagram point (diagram px) the first view puts at the canvas's top centre
    (centre=False: the trigger's top centre) or at its centre (centre=True: ?node=<id>)."""

    x: float
    y: float
    centre: bool


@dataclass(frozen=True)
class Frame:
    """The <svg>'s viewBox, width and height (as written), and its data-first kind."""

    viewbox: str
    width: str
    height: str
    kind: str | None  # "top", "centre", or None: graph.js decides the first view


def too_big(width: float, height: float) -> bool:
    """True when graph.js can never show the whole diagram at READABLE on a screen up to
    SCREEN_W x SCREEN_H: wider than the widest canvas, or too tall to grow the canvas for
    (and then taller than its stylesheet height, at most CANVAS_VH of a window)."""
    return width * READABLE > SCREEN_W or height * READABLE + FIT_PAD > SCREEN_H * GROW_MAX


def first_view(graph: GraphView, node: str | None) -> FirstView | None:
    """The first view of a diagram too big to fit (on `node` when it is a step drawn); None
    when graph.js decides (the diagram may fit whole at READABLE on a large screen)."""
    if not graph.drawn or not graph.steps or not too_big(graph.width, graph.height):
        return None
    w, h = graph.geo.w, graph.geo.h
    step = next((s for s in graph.steps if s.id == node), None) if node is not None else None
    if step is not None:
        return FirstView(step.x + w / 2, step.y + h / 2, True)
    root = next((s for s in graph.steps if s.is_root), graph.steps[0])
    return FirstView(root.x + w / 2, root.y, False)


def region(view: FirstView) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 in diagram px: all that a canvas up to SCREEN_W x (CANVAS_VH of
    SCREEN_H) CSS px can show in that first view, plus REGION_MARGIN."""
    half_w = SCREEN_W / 2 / READABLE
    tall = SCREEN_H * CANVAS_VH / READABLE
    if view.centre:
        y0, y1 = view.y - tall / 2, view.y + tall / 2
    else:
        y0, y1 = view.y - max(ROOMS) / READABLE, view.y + tall - min(ROOMS) / READABLE
    m = REGION_MARGIN
    return (view.x - half_w - m, y0 - m, view.x + half_w + m, y1 + m)


def frame(graph: GraphView, view: FirstView | None) -> Frame:
    """The <svg>'s box for `view`: the whole diagram (no view), or a viewBox whose x range is
    centred on the view's point (blank space on one side), and whose y range starts TOP_Y
    above it (top view) or is centred on it (centre view), at the diagram's own scale."""
    if view is None:
        return Frame(f"0 0 {graph.width} {graph.height}", str(graph.width), str(graph.height), None)
    half = max(view.x, graph.width - view.x)
    if view.centre:
        up = max(view.y, graph.height - view.y)
        top, tall = view.y - up, 2 * up
    else:
        top = view.y - TOP_Y
        tall = graph.height - top
    box = (view.x - half, top, 2 * half, tall)
    text = [_number(n) for n in box]
    return Frame(" ".join(text), text[2], text[3], "centre" if view.centre else "top")


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
