"""The diagram split by place, so the browser draws first what the first view shows.

A big diagram opens on a small part of itself (viewer/graph/firstview.py says which), yet a
browser styles, lays out and paints every element of an <svg> before it shows any. So its
layers (block frames, arrows, boxes of several steps, steps, in that order from the bottom)
are sent in parts: first every element that meets the first view's region, then the rest in
chunks, one per tile of the diagram, each a `<g class="later" data-area="x0 y0 x1 y1">` with
its own layers. graph.css does not render a chunk until graph-later.js reveals it (at once when
the view comes near its area, else one by one in idle time); without scripts all shows. The run
page sends only the first part and graph-later.js fetches the chunks after it (Layers.rest, from
/_fragments/runs/<id>/graph/rest), so the page's bytes do not grow with the diagram.

Each element goes to the first part when it meets the region, else to the chunk of the tile its
top-left corner is in; chunks follow each other row by row, so a block's frame (whose corner
is above and left of its steps') never comes after its steps and never covers one. A chunk's
area is the union of what its elements cover, however far past their tile that reaches."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup

from viewer.graph.draw import EdgeView
from viewer.graph.geometry import Geometry
from viewer.graph.svg import clusters_svg, edges_svg, groups_svg, steps_svg

if TYPE_CHECKING:
    from viewer.graph.view import ClusterView, GroupView, StepView

TILE_W = 2_400  # diagram px: a chunk's tile (about 60 steps where the diagram is dense)
TILE_H = 1_600
MARK_PAD = 12  # a step's warning mark and the trigger's tag reach past its box by this much
STROKE_PAD = 3  # half the widest outline
EMPTY = 1 << 30  # an area that covers nothing yet


@dataclass(slots=True)
class Part:
    """The first part or one chunk: its elements by layer, and the area they cover."""

    groups: list[GroupView] = field(default_factory=list)
    edges: list[EdgeView] = field(default_factory=list)
    clusters: list[ClusterView] = field(default_factory=list)
    steps: list[StepView] = field(default_factory=list)
    area: list[int] = field(default_factory=lambda: [EMPTY, EMPTY, -EMPTY, -EMPTY])

    def cover(self, x0: int, y0: int, x1: int, y1: int) -> None:
        area = self.area
        if x0 < area[0]:
            area[0] = x0
        if y0 < area[1]:
            area[1] = y0
        if x1 > area[2]:
            area[2] = x1
        if y1 > area[3]:
            area[3] = y1


class Layers:
    """A diagram's layers as drawn: the first part, and the chunks drawn later ("" when the
    diagram is one part, `later` being their number); the whole when written into a template.
    Each is drawn when first asked for: the run page, which sends the first part only, never
    draws the chunks, and the route that sends them never draws the first part."""

    __slots__ = ("_draw", "_drawn", "later")

    def __init__(self, first: Callable[[], str], rest: Callable[[], str], later: int) -> None:
        self._draw = (first, rest)
        self._drawn: list[Markup | None] = [None, None]
        self.later = later

    def _part(self, index: int) -> Markup:
        drawn = self._drawn[index]
        if drawn is None:
            # parts of svg.py's, escaped there, and numbers
            drawn = self._drawn[index] = Markup(self._draw[index]())  # noqa: S704
        return drawn

    @property
    def first(self) -> Markup:
        return self._part(0)

    @property
    def rest(self) -> Markup:
        return self._part(1)

    def __html__(self) -> str:
        return self.first + self.rest

    __str__ = __html__


@dataclass(frozen=True, slots=True)
class Split:
    first: Part
    chunks: tuple[Part, ...]  # in the order sent: by tile, row by row


def split(
    steps: Sequence[StepView],
    clusters: Sequence[ClusterView],
    groups: Sequence[GroupView],
    edges: Sequence[EdgeView],
    geo: Geometry,
    region: tuple[float, float, float, float] | None,
) -> Split:
    """The elements meeting `region` (all of them when None), then the rest by tile."""
    first = Part()
    tiles: dict[tuple[int, int], Part] = {}
    rx0, ry0, rx1, ry1 = region or (-math.inf, -math.inf, math.inf, math.inf)

    def part(x0: int, y0: int, x1: int, y1: int) -> Part:
        if x0 <= rx1 and x1 >= rx0 and y0 <= ry1 and y1 >= ry0:
            return first
        key = (y0 // TILE_H, x0 // TILE_W)
        found = tiles.get(key)
        if found is None:
            found = tiles[key] = Part()
        return found

    pad, w, h = STROKE_PAD, geo.w, geo.h
    for g in groups:
        into = part(g.x, g.y, g.x + g.w, g.y + g.h)
        into.groups.append(g)
        into.cover(g.x - pad, g.y - pad, g.x + g.w + pad, g.y + g.h + pad)
    for e in edges:
        into = part(*e.area)
        into.edges.append(e)
        into.cover(*e.area)
    cw, ch = w + geo.shadow, h + geo.shadow
    for c in clusters:
        into = part(c.x, c.y, c.x + cw, c.y + ch)
        into.clusters.append(c)
        into.cover(c.x - pad, c.y - pad, c.x + cw + pad, c.y + ch + pad)
    for s in steps:
        x, y = s.x, s.y
        into = part(x, y, x + w, y + h)
        into.steps.append(s)
        into.cover(x - pad, y - MARK_PAD, x + w + MARK_PAD, y + h + pad)
    return Split(first, tuple(tiles[key] for key in sorted(tiles)))


def layers_svg(
    parts: Split, geo: Geometry, warned: Collection[str], keep_steps: bool, warning_icon: str
) -> Layers:
    """The first part's layers (all four, always), then each chunk with the layers it has;
    each part drawn when first asked for."""

    def layers(p: Part, every: bool) -> str:
        drawn = (
            ("groups", p.groups, lambda: groups_svg(p.groups, geo)),
            ("edges", p.edges, lambda: edges_svg(p.edges)),
            ("clusters", p.clusters, lambda: clusters_svg(p.clusters, geo)),
            ("steps", p.steps, lambda: steps_svg(p.steps, geo, warned, keep_steps, warning_icon)),
        )
        return "".join(
            f'<g class="{name}">{svg()}</g>' for name, items, svg in drawn if every or items
        )

    def rest() -> str:
        drawn = []
        for chunk in parts.chunks:
            area = " ".join(str(n) for n in chunk.area)
            drawn.append(f'<g class="later" data-area="{area}">{layers(chunk, False)}</g>')
        return "".join(drawn)

    return Layers(lambda: layers(parts.first, True), rest, len(parts.chunks))
