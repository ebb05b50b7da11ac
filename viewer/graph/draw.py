"""Layout geometry turned into SVG strings, computed once per layout and cached with it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from viewer.graph.geometry import LOOP_H, LOOP_W, LOOP_Y
from viewer.graph.layout import Box, Layout, Point, layered_layout
from viewer.graph.plan import Plan
from viewer.graph.work import LayoutTooLarge, Work

Area = tuple[int, int, int, int]  # x0, y0, x1, y1 in diagram px

ARROW_PAD = 11  # the arrowhead reaches this far past its path's points (7 x its 1.5 px stroke)


@dataclass(frozen=True, slots=True)
class EdgeView:
    d: str  # SVG path data
    back: bool  # closes a cycle: drawn dashed
    area: Area  # what it covers, its arrowhead included (chunks.py splits the diagram by it)


@dataclass(frozen=True, slots=True)
class Drawing:
    """What the cache keeps per workflow shape: the layout and its arrows' SVG path data, or
    None when the shape was too costly to lay out (kept too, so it is not tried again)."""

    layout: Layout | None
    edges: tuple[EdgeView, ...]  # per plan edge


def draw(plan: Plan, work: Work | None = None) -> Drawing:
    """Lay out the plan's boxes and arrows (the expensive part, hence cached)."""
    try:
        layout = layered_layout(
            len(plan.items), plan.edges, starts=plan.starts, clusters=plan.groups, work=work
        )
    except LayoutTooLarge:
        return Drawing(None, ())
    starts = unshared_starts(layout.edges, layout.back)
    edges = tuple(
        _loop(layout.boxes[u], back)
        if u == v
        else EdgeView(path_d(line[start:]), back, _area(line[start:]))
        for (u, v), line, back, start in zip(
            plan.edges, layout.edges, layout.back, starts, strict=True
        )
    )
    return Drawing(layout, edges)


class _Hop:
    """A point of the arrows drawn so far, reached from a port by the same points: the next
    points they go on to, and the lowest point straight below this one that one of them
    goes on to (arrows run downwards)."""

    __slots__ = ("below", "next")

    def __init__(self) -> None:
        self.next: dict[Point, _Hop] = {}
        self.below: int | None = None


def unshared_starts(lines: Sequence[Sequence[Point]], back: Sequence[bool]) -> list[int]:
    """Per arrow, the index of the point its path starts from: where it leaves the way an
    earlier arrow from the same port already draws (the arrows of one step often go down a
    trunk together), so that the part they share is drawn and sent once; its last hop, with
    the arrowhead, always stays. A dashed arrow is drawn whole (its dashes would restart).
    The arrows reaching lowest go first: one that leaves a trunk higher up then leaves it
    from a point of theirs."""
    out = [0] * len(lines)
    ports: dict[Point, list[int]] = {}
    for a, line in enumerate(lines):
        if not back[a] and len(line) > 2:
            ports.setdefault(line[0], []).append(a)
    for arrows in ports.values():
        if len(arrows) > 1:
            arrows.sort(key=lambda a: -lines[a][-1][1])
            _leave_shared(lines, arrows, out)
    return out


def _leave_shared(lines: Sequence[Sequence[Point]], arrows: list[int], out: list[int]) -> None:
    """unshared_starts for the `arrows` of one port, in the order given."""
    port = _Hop()
    for a in arrows:
        line = lines[a]
        hop, k = port, 0
        while k < len(line) and line[k] in hop.next:
            hop = hop.next[line[k]]
            k += 1
        start = max(k - 1, 0)
        if 0 < k < len(line):  # it leaves from a point on an earlier arrow's way down
            (px, py), (x, y) = line[k - 1], line[k]
            if x == px and hop.below is not None and py <= y <= hop.below:
                start = k
        out[a] = min(start, len(line) - 2)
        hop = port
        for i, point in enumerate(line):
            if i and point[0] == line[i - 1][0] and (hop.below is None or point[1] > hop.below):
                hop.below = point[1]
            hop = hop.next.setdefault(point, _Hop())


def _area(points: Sequence[Point]) -> Area:
    """The box round a path's points (its curves leave and arrive vertically between them,
    so they stay inside), widened by its arrowhead."""
    if not points:
        return (0, 0, 0, 0)
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    return (min(xs) - ARROW_PAD, min(ys) - ARROW_PAD, max(xs) + ARROW_PAD, max(ys) + ARROW_PAD)


def path_d(points: Sequence[Point]) -> str:
    """Compact SVG path data: vertical runs as lines, every other hop an S-curve that leaves
    and arrives vertically (so arrowheads point along the flow)."""
    if not points:
        return ""
    x0, y0 = points[0]
    parts = [f"M{x0} {y0}"]
    last = len(points) - 1
    for i in range(1, last + 1):
        x, y = points[i]
        if x == x0:
            if i < last and points[i + 1][0] == x:
                continue
            parts.append(f"v{y - y0}")
        else:
            half = (y - y0) // 2
            dx = x - x0
            parts.append(f"c0 {half}{_n(dx)} {half}{_n(dx)} {y - y0}")
        x0, y0 = x, y
    return "".join(parts)


def _n(value: int) -> str:
    """A number after another: a minus sign separates it already."""
    return str(value) if value < 0 else f" {value}"


def _loop(box: Box, back: bool) -> EdgeView:
    """A step that lists itself as its child: a small loop on the box's right side."""
    reach = LOOP_W * 5 // 4  # the curve's control points; the curve itself reaches LOOP_W
    x, y = box.x + box.w, box.y + LOOP_Y
    d = f"M{x} {y}c{reach}-14 {reach} {LOOP_H + 14} 0 {LOOP_H}"
    return EdgeView(d, back, (x - ARROW_PAD, y - 14, x + reach, y + LOOP_H + 14))
