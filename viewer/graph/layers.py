"""Layers for a layered layout, and the proper layered graph built on them with a bounded
number of virtual points: the long edges leaving one node share one trunk of points (one
per layer crossed), trunks are granted shortest first within a budget proportional to the
graph's size, and edges past that budget are left "free" (drawn straight, not routed)."""

from __future__ import annotations

from collections.abc import Sequence

from viewer.graph.work import Work

POINTS_PER_ITEM = 4  # virtual points allowed per node and edge of the input


def assign_layers(
    n: int, dag_edges: Sequence[tuple[int, int]], pinned: frozenset[int], work: Work
) -> list[int]:
    """Longest path from the sources, then every node with at least as many children as
    parents moves down next to its nearest child: edges get no longer in total, and the long
    ones start at a branching step, whose trunk they share (fewer virtual points, fewer
    crossings)."""
    succ: list[list[int]] = [[] for _ in range(n)]
    indeg = [0] * n
    for u, v in dag_edges:
        succ[u].append(v)
        indeg[v] += 1
    work.add(2 * (n + len(dag_edges)))
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
        if succ[u] and u not in pinned and len(succ[u]) >= parents[u]:
            layer[u] = min(layer[v] for v in succ[u]) - 1
    return layer


class LayeredGraph:
    """Real nodes 0..n-1, then virtual points; links only between consecutive layers.

    `route[(a, b)]` is the trunk an edge follows (or -1: a direct link, or a free edge);
    `trunks[t]` lists the trunk's points, one per layer below its source."""

    def __init__(
        self,
        n: int,
        layer: list[int],
        dag_edges: Sequence[tuple[int, int]],
        clusters: Sequence[int | None],
        work: Work,
    ) -> None:
        self.n = n
        self.layer = layer[:]
        self.cluster: list[int | None] = list(clusters) or [None] * n
        self.up: list[list[int]] = [[] for _ in range(n)]
        self.down: list[list[int]] = [[] for _ in range(n)]
        self.trunks: list[list[int]] = []
        self.trunk_of: dict[int, int] = {}  # source node -> its trunk
        self.route: dict[tuple[int, int], int] = {}
        self.free: set[tuple[int, int]] = set()
        granted = self._grant(dag_edges, budget=POINTS_PER_ITEM * (n + len(dag_edges)))
        for a, b in dag_edges:
            span = layer[b] - layer[a]
            if span == 1:
                self._link(a, b)
                self.route[(a, b)] = -1
            elif (a, b) in granted:
                trunk = self._trunk(a)
                self._link(self.trunks[trunk][span - 2], b)
                self.route[(a, b)] = trunk
            else:
                self.free.add((a, b))
                self.route[(a, b)] = -1
        work.add(len(self.layer) + 2 * len(dag_edges))
        depth = max(self.layer, default=-1) + 1
        self.rows: list[list[int]] = [[] for _ in range(depth)]

    def _grant(self, dag_edges: Sequence[tuple[int, int]], budget: int) -> set[tuple[int, int]]:
        """The long edges that get routed: shortest first, while the points their source's
        trunk needs stay within the budget."""
        layer = self.layer
        long = sorted(
            ((layer[b] - layer[a], a, b) for a, b in dag_edges if layer[b] - layer[a] > 1),
        )
        reach: dict[int, int] = {}  # source -> points its trunk has so far
        reached: dict[int, set[int | None]] = {}  # source -> clusters of its routed targets
        granted: set[tuple[int, int]] = set()
        used = 0
        for span, a, b in long:
            extra = max(0, span - 1 - reach.get(a, 0))
            if used + extra > budget:
                break
            used += extra
            reach[a] = max(reach.get(a, 0), span - 1)
            reached.setdefault(a, set()).add(self.cluster[b])
            granted.add((a, b))
        self._reach = reach
        self._reached = reached
        return granted

    def _trunk(self, a: int) -> int:
        """The trunk below `a` (made on first use, as long as its longest granted edge)."""
        if a in self.trunk_of:
            return self.trunk_of[a]
        shared = self.cluster[a] if self._reached[a] == {self.cluster[a]} else None
        points: list[int] = []
        above = a
        for rank in range(self.layer[a] + 1, self.layer[a] + 1 + self._reach[a]):
            point = self._add_point(rank, shared)
            self._link(above, point)
            points.append(point)
            above = point
        self.trunks.append(points)
        self.trunk_of[a] = len(self.trunks) - 1
        return self.trunk_of[a]

    def _link(self, s: int, t: int) -> None:
        self.down[s].append(t)
        self.up[t].append(s)

    def _add_point(self, rank: int, cluster: int | None) -> int:
        self.layer.append(rank)
        self.cluster.append(cluster)
        self.up.append([])
        self.down.append([])
        return len(self.layer) - 1

    def passes(self, a: int, b: int) -> tuple[int, int]:
        """(trunk, how many of its points) an edge passes; (-1, 0) for a direct or free one."""
        trunk = self.route[(a, b)]
        return (trunk, self.layer[b] - self.layer[a] - 1) if trunk >= 0 else (-1, 0)
