"""Layered (Sugiyama-style) layout of a directed graph, top to bottom, in pure Python.

Nodes are indices 0..n-1, all boxes are NODE_W x NODE_H. The steps: break cycles (DFS),
assign layers (longest path, then pull nodes down towards their children), route long edges
through virtual points, reduce crossings (depth-first order, then barycenter sweeps keeping
the best order), place nodes horizontally (sweeps pulling each node towards the mean of its
neighbours, each row solved as a weighted isotonic regression so boxes never overlap), run
long edges straight where the gaps allow, and draw each edge as a polyline from its source's
bottom to its target's top.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from viewer.graph.cycles import find_back_edges
from viewer.graph.geometry import (
    LOOP_W,
    MARGIN,
    NODE_GAP,
    NODE_H,
    NODE_W,
    POINT_GAP,
    PORT_GAP,
    PORT_SPAN,
    RANK_GAP,
)

SWEEPS = 6
NODE_SPACE = (NODE_W + NODE_GAP) // 2  # room a real node keeps either side of its centre
POINT_SPACE = POINT_GAP // 2  # room an edge's virtual point keeps either side
POINT_WEIGHT = 8.0  # how much more than a node a virtual point wants its target

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


def layered_layout(
    n: int,
    edges: Sequence[tuple[int, int]],
    *,
    starts: Sequence[int] = (),
    clusters: Sequence[int | None] = (),
) -> Layout:
    """Lay out n nodes and the edges between them. `starts` (the root) begin the cycle search
    and the first order, and stay where longest-path layering puts them; nodes sharing a
    cluster id are kept side by side in each layer."""
    succ: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        succ[u].append(v)
    flat = [(u, v) for u, out in enumerate(succ) for v in out]
    back_pairs = {flat[i] for i in find_back_edges(succ, starts)}
    back = tuple(u == v or (u, v) in back_pairs for u, v in edges)
    dag = {(v, u) if b else (u, v) for (u, v), b in zip(edges, back, strict=True) if u != v}
    dag_edges = sorted(dag, key=_edge_order(flat))
    layer = _assign_layers(n, dag_edges, frozenset(starts))
    g = _LayeredGraph(n, layer, dag_edges, clusters)
    crossings = g.reduce_crossings(starts)
    x = g.place()
    return _finish(g, x, edges, back, crossings)


def _edge_order(flat: list[tuple[int, int]]) -> Callable[[tuple[int, int]], int]:
    """Sort key keeping the input's child order for the layered graph's edges."""
    rank = {pair: i for i, pair in reversed(list(enumerate(flat)))}
    return lambda pair: rank.get(pair, rank.get((pair[1], pair[0]), 0))


def _assign_layers(n: int, dag_edges: list[tuple[int, int]], pinned: frozenset[int]) -> list[int]:
    """Longest path from the sources, then nodes with more children than parents move down
    next to their nearest child (shorter edges, fewer virtual points)."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for u, v in dag_edges:
        succ[u].append(v)
        indeg[v] += 1
    parents = indeg[:]
    layer = [0] * n
    topo = [u for u in range(n) if indeg[u] == 0]
    for u in topo:
        below = layer[u] + 1
        for v in succ[u]:
            if layer[v] < below:
                layer[v] = below
            indeg[v] -= 1
            if indeg[v] == 0:
                topo.append(v)
    for u in reversed(topo):
        if succ[u] and u not in pinned and len(succ[u]) > parents[u]:
            layer[u] = min(layer[v] for v in succ[u]) - 1
    return layer


class _LayeredGraph:
    """The proper layered graph: real nodes, virtual points on long edges, one-layer links."""

    def __init__(
        self,
        n: int,
        layer: list[int],
        dag_edges: list[tuple[int, int]],
        clusters: Sequence[int | None],
    ) -> None:
        self.n = n
        self.layer = layer[:]
        self.cluster: list[int | None] = list(clusters) or [None] * n
        self.up: list[list[int]] = [[] for _ in range(n)]
        self.down: list[list[int]] = [[] for _ in range(n)]
        self.chains: dict[tuple[int, int], list[int]] = {}
        for a, b in dag_edges:
            chain = [a]
            shared = self.cluster[a] if self.cluster[a] == self.cluster[b] else None
            for rank in range(layer[a] + 1, layer[b]):
                chain.append(self._add_point(rank, shared))
            chain.append(b)
            for s, t in pairwise(chain):
                self.down[s].append(t)
                self.up[t].append(s)
            self.chains[(a, b)] = chain
        depth = max(self.layer, default=-1) + 1
        self.rows: list[list[int]] = [[] for _ in range(depth)]
        total = len(self.layer)
        self.space = [NODE_SPACE] * n + [POINT_SPACE] * (total - n)
        self.weight = [1.0] * n + [POINT_WEIGHT] * (total - n)

    def _add_point(self, rank: int, cluster: int | None) -> int:
        self.layer.append(rank)
        self.cluster.append(cluster)
        self.up.append([])
        self.down.append([])
        return len(self.layer) - 1

    def reduce_crossings(self, starts: Sequence[int]) -> int:
        """Order each row: depth-first order first, then barycenter sweeps; keeps the best."""
        self._initial_order(starts)
        pos = self._positions()
        if any(c is not None for c in self.cluster):
            for row in self.rows:
                self._order(row, [float(i) for i in range(len(row))], pos)
        best = self.count_crossings(pos)
        best_rows = [row[:] for row in self.rows]
        for sweep in range(SWEEPS):
            if best == 0:
                break
            downward = sweep % 2 == 0
            ranks = range(1, len(self.rows)) if downward else range(len(self.rows) - 2, -1, -1)
            for rank in ranks:
                self._sort_row(rank, self.up if downward else self.down, pos)
            crossings = self.count_crossings(pos)
            if crossings >= best:
                break
            best, best_rows = crossings, [row[:] for row in self.rows]
        self.rows = best_rows
        return best

    def _initial_order(self, starts: Sequence[int]) -> None:
        seen = bytearray(len(self.layer))
        roots = [*starts, *(v for v in range(len(self.layer)) if not self.up[v])]
        for root in roots:
            if seen[root]:
                continue
            seen[root] = 1
            stack = [root]
            while stack:
                v = stack.pop()
                self.rows[self.layer[v]].append(v)
                for w in reversed(self.down[v]):
                    if not seen[w]:
                        seen[w] = 1
                        stack.append(w)

    def _positions(self) -> list[int]:
        pos = [0] * len(self.layer)
        for row in self.rows:
            for i, v in enumerate(row):
                pos[v] = i
        return pos

    def _sort_row(self, rank: int, neighbours: list[list[int]], pos: list[int]) -> None:
        """Barycenter order; a node without neighbours keeps its place after its left one."""
        row = self.rows[rank]
        keys: list[float] = []
        last = -1.0
        for v in row:
            near = neighbours[v]
            if len(near) == 1:
                last = pos[near[0]]
            elif near:
                last = sum(map(pos.__getitem__, near)) / len(near)
            keys.append(last)
        self._order(row, keys, pos)

    def _order(self, row: list[int], keys: list[float], pos: list[int]) -> None:
        """Sort the row by its keys (stable), keeping clusters together."""
        if any(self.cluster[v] is not None for v in row):
            sort_keys: list = self._cluster_keys(row, keys)
        else:
            sort_keys = keys
        row[:] = [row[i] for i in sorted(range(len(row)), key=sort_keys.__getitem__)]
        for i, v in enumerate(row):
            pos[v] = i

    def _cluster_keys(self, row: list[int], keys: list[float]) -> list[tuple[float, int, float]]:
        """Sort keys that keep the members of a cluster side by side, at their mean place
        (a node outside it with that very key goes after them)."""
        totals: dict[int, list[float]] = {}
        for v, key in zip(row, keys, strict=True):
            c = self.cluster[v]
            if c is not None:
                totals.setdefault(c, []).append(key)
        mean = {c: sum(ks) / len(ks) for c, ks in totals.items()}
        return [
            (key, 1, key) if (c := self.cluster[v]) is None else (mean[c], 0, key)
            for v, key in zip(row, keys, strict=True)
        ]

    def count_crossings(self, pos: list[int]) -> int:
        """Crossings between consecutive rows (two links sharing an end never cross)."""
        total = 0
        for row in self.rows:
            ends: list[int] = []
            for v in row:
                links = self.down[v]
                if len(links) == 1:
                    ends.append(pos[links[0]])
                elif links:
                    ends.extend(sorted(map(pos.__getitem__, links)))
            seen: list[int] = []
            for p in reversed(ends):
                total += bisect_left(seen, p)
                insort(seen, p)
        return total

    def place(self) -> list[float]:
        """x centre of every node: rows packed; a bottom-up pass puts each node over the mean
        of its children (this places nodes without parents); a top-down pass then puts each
        node under the mean of its parents, so chains hang straight; each row is solved so
        that no two nodes come closer than their spacing. Last, long edges are straightened."""
        x = [0.0] * len(self.layer)
        offsets = [self._offsets(row) for row in self.rows]
        for row, offset in zip(self.rows, offsets, strict=True):
            _solve(row, offset, [0.0] * len(row), [1.0] * len(row), x)
        ranks = range(len(self.rows))
        for order, neighbours in ((ranks[-2::-1], self.down), (ranks[1:], self.up)):
            for rank in order:
                self._pull(self.rows[rank], offsets[rank], neighbours, x)
        self._straighten(x)
        return x

    def _straighten(self, x: list[float]) -> None:
        """Give the virtual points of each long edge one shared x wherever the gaps between
        their row neighbours allow it, so long edges run straight (one bend at each end)."""
        index = [0] * len(self.layer)
        for row in self.rows:
            for i, v in enumerate(row):
                index[v] = i
        space = self.space
        inf = float("inf")
        for chain in self.chains.values():
            run: list[int] = []
            lo, hi = -inf, inf
            for v in chain[1:-1]:
                row, i = self.rows[self.layer[v]], index[v]
                left = x[row[i - 1]] + space[row[i - 1]] + space[v] if i else -inf
                right = x[row[i + 1]] - space[row[i + 1]] - space[v] if i + 1 < len(row) else inf
                if run and (left > hi or right < lo):
                    _align(run, lo, hi, x)
                    run, lo, hi = [], -inf, inf
                run.append(v)
                lo, hi = max(lo, left), min(hi, right)
            if run:
                _align(run, lo, hi, x)

    def _offsets(self, row: list[int]) -> list[float]:
        """Each node's least distance from the row's first node."""
        space = self.space
        offsets: list[float] = []
        offset = -space[row[0]] if row else 0.0
        for v in row:
            offset += space[v]
            offsets.append(offset)
            offset += space[v]
        return offsets

    def _pull(
        self, row: list[int], offsets: list[float], neighbours: list[list[int]], x: list[float]
    ) -> None:
        weight = self.weight
        targets: list[float] = []
        weights: list[float] = []
        for v in row:
            near = neighbours[v]
            if len(near) == 1:
                targets.append(x[near[0]])
                weights.append(weight[v])
            elif near:
                targets.append(sum(map(x.__getitem__, near)) / len(near))
                weights.append(weight[v])
            else:
                targets.append(x[v])
                weights.append(0.05)
        _solve(row, offsets, targets, weights, x)


def _align(points: list[int], lo: float, hi: float, x: list[float]) -> None:
    """Put the points on one vertical: their median x, kept within [lo, hi]."""
    xs = sorted(x[v] for v in points)
    target = min(max(xs[len(xs) // 2], lo), hi)
    for v in points:
        x[v] = target


def _solve(
    row: list[int], offsets: list[float], targets: list[float], weights: list[float], x: list[float]
) -> None:
    """Weighted least-squares x for a row in its order with each node at least its offset
    from the first (pool-adjacent-violators on the targets minus the offsets)."""
    sums: list[float] = []
    mass: list[float] = []
    size: list[int] = []
    for t, w, o in zip(targets, weights, offsets, strict=True):
        s, m, k = (t - o) * w, w, 1
        while sums and sums[-1] * m > s * mass[-1]:
            s += sums.pop()
            m += mass.pop()
            k += size.pop()
        sums.append(s)
        mass.append(m)
        size.append(k)
    i = 0
    for s, m, k in zip(sums, mass, size, strict=True):
        level = s / m
        for _ in range(k):
            x[row[i]] = level + offsets[i]
            i += 1


def _finish(
    g: _LayeredGraph,
    x: list[float],
    edges: Sequence[tuple[int, int]],
    back: tuple[bool, ...],
    crossings: int,
) -> Layout:
    left = min((x[v] - g.space[v] for row in g.rows for v in row), default=0.0)
    shift = MARGIN - left
    cx = [round(value + shift) for value in x]
    top = [MARGIN + rank * (NODE_H + RANK_GAP) for rank in range(len(g.rows))]
    boxes = tuple(Box(cx[v] - NODE_W // 2, top[g.layer[v]], NODE_W, NODE_H) for v in range(g.n))
    spread_out = {v: _spread(g.down[v], cx[v], cx) for v in range(g.n) if len(g.down[v]) > 1}
    spread_in = {v: _spread(g.up[v], cx[v], cx) for v in range(g.n) if len(g.up[v]) > 1}
    polylines: dict[tuple[int, int], tuple[Point, ...]] = {}
    for (a, b), chain in g.chains.items():
        start = spread_out[a][chain[1]] if a in spread_out else cx[a]
        points = [(start, top[g.layer[a]] + NODE_H)]
        for v in chain[1:-1]:
            y = top[g.layer[v]]
            points += [(cx[v], y), (cx[v], y + NODE_H)]
        end = spread_in[b][chain[-2]] if b in spread_in else cx[b]
        points.append((end, top[g.layer[b]]))
        polylines[(a, b)] = tuple(points)
    drawn = tuple(
        () if u == v else (polylines[(v, u)][::-1] if b else polylines[(u, v)])
        for (u, v), b in zip(edges, back, strict=True)
    )
    loops = {u for u, v in edges if u == v}
    width = max((b.x + b.w + (LOOP_W if i in loops else 0) for i, b in enumerate(boxes)), default=0)
    width = max([width + MARGIN, *(p[0] + MARGIN for line in drawn for p in line)])
    height = (top[-1] + NODE_H + MARGIN) if top else 2 * MARGIN
    return Layout(boxes, tuple(g.layer[: g.n]), drawn, back, width, height, crossings)


def _spread(links: list[int], centre: int, cx: list[int]) -> dict[int, int]:
    """Ports along a box edge in the order of the links' other ends, so that arrows into a
    merge do not pile up on one point."""
    step = min(PORT_GAP, NODE_W * PORT_SPAN / (len(links) - 1))
    first = centre - step * (len(links) - 1) / 2
    ordered = sorted(links, key=cx.__getitem__)
    return {w: round(first + i * step) for i, w in enumerate(ordered)}
