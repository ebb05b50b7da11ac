"""Layered (Sugiyama-style) layout of a directed graph, top to bottom, in pure Python, at a
cost near-linear in nodes + edges whatever the shape.

Nodes are indices 0..n-1, all boxes are NODE_W x NODE_H. The steps: break cycles (graph/
cycles.py), assign layers and route long edges through shared trunks of virtual points within
a budget (graph/layers.py), reduce crossings (graph/order.py), place nodes horizontally
(graph/place.py), and draw each edge as a polyline from its source's bottom to its target's
top. Every step counts its work (graph/work.py): past the limit, LayoutTooLarge is raised.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from viewer.graph.cycles import find_back_edges
from viewer.graph.geometry import LOOP_W, MARGIN, NODE_H, NODE_W, PORT_GAP, PORT_SPAN, RANK_GAP
from viewer.graph.layers import LayeredGraph, assign_layers
from viewer.graph.order import reduce_crossings
from viewer.graph.place import place
from viewer.graph.work import Work

Point = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Box:
    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True, slots=True)
class Layout:
    """Positions for each node, a polyline for each input edge (source to target)."""

    boxes: tuple[Box, ...]
    layers: tuple[int, ...]
    edges: tuple[tuple[Point, ...], ...]  # empty for a self-loop
    back: tuple[bool, ...]  # the edge closes a cycle, so it was laid out reversed
    width: int
    height: int
    crossings: int
    crossings_before: int  # in the first (depth-first) order, before crossing reduction
    points: int  # virtual points used to route long edges
    free: int  # long edges past the budget, drawn straight rather than routed
    work: int  # work units spent


def layered_layout(
    n: int,
    edges: Sequence[tuple[int, int]],
    *,
    starts: Sequence[int] = (),
    clusters: Sequence[int | None] = (),
    work: Work | None = None,
) -> Layout:
    """Lay out n nodes and the edges between them. `starts` (the root) begin the cycle search
    and the first order, and stay where longest-path layering puts them; nodes sharing a
    cluster id are kept side by side in each layer. Raises LayoutTooLarge past the budget."""
    work = work or Work()
    work.add(n + len(edges))
    succ: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        succ[u].append(v)
    flat = [(u, v) for u, out in enumerate(succ) for v in out]
    back_pairs = {flat[i] for i in find_back_edges(succ, starts)}
    back = tuple(u == v or (u, v) in back_pairs for u, v in edges)
    dag = {(v, u) if b else (u, v) for (u, v), b in zip(edges, back, strict=True) if u != v}
    dag_edges = sorted(dag, key=_edge_order(flat))
    work.add(4 * (n + len(edges)))
    layer = assign_layers(n, dag_edges, frozenset(starts), work)
    g = LayeredGraph(n, layer, dag_edges, clusters, work)
    crossings = reduce_crossings(g, starts, work)
    x, space = place(g, work)
    return _finish(g, x, space, edges, back, crossings, work)


def _edge_order(flat: list[tuple[int, int]]) -> Callable[[tuple[int, int]], int]:
    """Sort key keeping the input's child order for the layered graph's edges."""
    rank = {pair: i for i, pair in reversed(list(enumerate(flat)))}
    return lambda pair: rank.get(pair, rank.get((pair[1], pair[0]), 0))


def _finish(
    g: LayeredGraph,
    x: list[float],
    space: list[int],
    edges: Sequence[tuple[int, int]],
    back: tuple[bool, ...],
    crossings: tuple[int, int],
    work: Work,
) -> Layout:
    left = min((x[v] - space[v] for row in g.rows for v in row), default=0.0)
    shift = MARGIN - left
    cx = [round(value + shift) for value in x]
    top = [MARGIN + rank * (NODE_H + RANK_GAP) for rank in range(len(g.rows))]
    boxes = tuple(Box(cx[v] - NODE_W // 2, top[g.layer[v]], NODE_W, NODE_H) for v in range(g.n))
    spread_out = {v: _spread(g.down[v], cx[v], cx) for v in range(g.n) if len(g.down[v]) > 1}
    spread_in = {v: _spread(g.up[v], cx[v], cx) for v in range(g.n) if len(g.up[v]) > 1}
    runs = [_runs(trunk, cx) for trunk in g.trunks]
    polylines: dict[tuple[int, int], tuple[Point, ...]] = {}
    for a, b in g.route:
        trunk, count = g.passes(a, b)
        first = g.trunks[trunk][0] if count else b
        last = g.trunks[trunk][count - 1] if count else a
        start = spread_out[a][first] if a in spread_out and first in spread_out[a] else cx[a]
        points = [(start, top[g.layer[a]] + NODE_H)]
        if count:
            first_layer = g.layer[g.trunks[trunk][0]]
            points += _trunk_points(runs[trunk], count, first_layer, top)
        end = spread_in[b][last] if b in spread_in and last in spread_in[b] else cx[b]
        points.append((end, top[g.layer[b]]))
        polylines[(a, b)] = tuple(points)
        work.add(len(points))
    drawn = tuple(
        () if u == v else (polylines[(v, u)][::-1] if b else polylines[(u, v)])
        for (u, v), b in zip(edges, back, strict=True)
    )
    loops = {u for u, v in edges if u == v}
    width = max((b.x + b.w + (LOOP_W if i in loops else 0) for i, b in enumerate(boxes)), default=0)
    width = max([width + MARGIN, *(p[0] + MARGIN for line in drawn for p in line)])
    height = (top[-1] + NODE_H + MARGIN) if top else 2 * MARGIN
    points = len(g.layer) - g.n
    return Layout(
        boxes=boxes,
        layers=tuple(g.layer[: g.n]),
        edges=drawn,
        back=back,
        width=width,
        height=height,
        crossings=crossings[1],
        crossings_before=crossings[0],
        points=points,
        free=len(g.free),
        work=work.spent,
    )


def _runs(trunk: list[int], cx: list[int]) -> list[tuple[int, int]]:
    """A trunk as its vertical runs: (index of the run's first point, x)."""
    out: list[tuple[int, int]] = []
    for i, v in enumerate(trunk):
        if not out or out[-1][1] != cx[v]:
            out.append((i, cx[v]))
    return out


def _trunk_points(
    runs: list[tuple[int, int]], count: int, first_layer: int, top: list[int]
) -> list[Point]:
    """The polyline through a trunk's first `count` points (point i sits in layer
    first_layer + i): two points per vertical run, its top and bottom, so an edge costs its
    bends, not the layers it crosses."""
    used = bisect_right(runs, (count - 1, float("inf")))
    out: list[Point] = []
    for k in range(used):
        start, x = runs[k]
        end = (runs[k + 1][0] if k + 1 < used else count) - 1
        out += [(x, top[first_layer + start]), (x, top[first_layer + end] + NODE_H)]
    return out


def _spread(links: list[int], centre: int, cx: list[int]) -> dict[int, int]:
    """Ports along a box edge in the order of the links' other ends, so that arrows into a
    merge do not pile up on one point."""
    step = min(PORT_GAP, NODE_W * PORT_SPAN / (len(links) - 1))
    first = centre - step * (len(links) - 1) / 2
    ordered = sorted(links, key=cx.__getitem__)
    return {w: round(first + i * step) for i, w in enumerate(ordered)}
