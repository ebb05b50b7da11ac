"""Crossing reduction for a proper layered graph: a depth-first first order; rounds of two
sweeps, down then up, that sort each row by the barycenter (or, every other round, the
median) of its neighbours' places; then transposition of the best order: neighbours in a row
swap while that crosses fewer links with both rows beside it. A row is sorted or transposed
again only when it or the row it looks at changed since, and crossings are counted again only
between rows that changed."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence

from viewer.graph.layers import LayeredGraph
from viewer.graph.work import Work

ROUNDS = 3  # at most; they stop once PATIENCE rounds in a row bring nothing
PATIENCE = 2
TRANSPOSITIONS = 2  # times every row is transposed, down then up, after the rounds
PASSES = 4  # at most, per row transposed: passes over its neighbours while swaps happen
SWAP_ROW_MAX = 400  # rows longer than this are not transposed (quadratic in a row)


def reduce_crossings(g: LayeredGraph, starts: Sequence[int], work: Work) -> tuple[int, int]:
    """Order g.rows to cross few links; returns the crossings of the first order and of
    the order kept."""
    _initial_order(g, starts, work)
    rows = Rows(g, work)
    best = first = rows.crossings()
    best_rows = [row[:] for row in g.rows]
    depth = len(g.rows)
    down, up = range(1, depth), range(depth - 2, -1, -1)
    stale = 0
    for sweep in range(ROUNDS):
        if best == 0 or stale >= PATIENCE:
            break
        median = sweep % 2 == 1
        for rank in down:
            rows.sort(rank, True, median)
        for rank in up:
            rows.sort(rank, False, median)
        crossings = rows.crossings()
        if crossings < best:
            best, best_rows, stale = crossings, [row[:] for row in g.rows], 0
        else:
            stale += 1
    if best_rows != g.rows:
        for rank, row in enumerate(best_rows):
            if row != g.rows[rank]:
                g.rows[rank] = row
                rows.moved(rank)
    for _ in range(TRANSPOSITIONS if best else 0):
        for rank in (*down, *up):
            rows.transpose(rank)
    return first, rows.crossings()


class Rows:
    """The rows' order, each node's place, and when each row last changed (a clock), so that
    a row is sorted, transposed or counted again only when that can give something new."""

    def __init__(self, g: LayeredGraph, work: Work) -> None:
        self.g = g
        self.work = work
        self.pos = [0] * len(g.layer)
        depth = len(g.rows)
        # Fixed while rows are reordered: the rows holding cluster members, and those where
        # every node has exactly one link up (down).
        self.clustered = [any(g.cluster[v] is not None for v in row) for row in g.rows]
        self.plain_up = [all(len(g.up[v]) == 1 for v in row) for row in g.rows]
        self.plain_down = [all(len(g.down[v]) == 1 for v in row) for row in g.rows]
        self.clock = 0
        self.changed = [0] * depth  # when each row's order last changed
        self.sorted_at: list[dict[tuple[bool, bool], int]] = [{} for _ in range(depth)]
        self.transposed_at = [-1] * depth
        self.counted_at = [-1] * depth  # per pair of rows (rank, rank + 1)
        self.pair = [0] * depth  # crossings between rows rank and rank + 1
        for rank, row in enumerate(g.rows):
            if self.clustered[rank]:  # clusters together from the start
                keys = _cluster_keys(g, row, list(range(len(row))))
                row[:] = [row[i] for i in sorted(range(len(row)), key=keys.__getitem__)]
            self.moved(rank)

    def moved(self, rank: int) -> None:
        """The row's order changed: its nodes' places follow."""
        self.clock += 1
        self.changed[rank] = self.clock
        pos = self.pos
        for i, v in enumerate(self.g.rows[rank]):
            pos[v] = i

    def crossings(self) -> int:
        """Crossings between consecutive rows (two links sharing an end never cross),
        counted again only between rows either of which changed."""
        g, pos, changed, down = self.g, self.pos, self.changed, self.g.down
        links = 0
        for rank in range(len(g.rows) - 1):
            if max(changed[rank], changed[rank + 1]) <= self.counted_at[rank]:
                continue
            self.counted_at[rank] = self.clock
            row = g.rows[rank]
            if self.plain_down[rank]:
                ends = [pos[down[v][0]] for v in row]
            else:
                ends = []
                for v in row:
                    out = down[v]
                    if len(out) == 1:
                        ends.append(pos[out[0]])
                    elif out:
                        ends.extend(sorted(map(pos.__getitem__, out)))
            links += len(ends)
            total = 0
            if len(ends) > 1 and ends != sorted(ends):  # some link ends left of an earlier one
                seen: list[int] = []
                for p in reversed(ends):
                    total += bisect_left(seen, p)
                    insort(seen, p)
            self.pair[rank] = total
        self.work.add(len(g.rows) + 2 * links)
        return sum(self.pair)

    def sort(self, rank: int, downward: bool, median: bool) -> None:
        """Order a row by its neighbours above (downward) or below: their barycenter or
        median; a node without neighbours that way keeps its place after its left one."""
        g, pos = self.g, self.pos
        row = g.rows[rank]
        at = self.sorted_at[rank].get((downward, median), -1)
        other = rank - 1 if downward else rank + 1
        if len(row) < 2 or max(self.changed[rank], self.changed[other]) < at:
            return  # nothing to order, or sorted this way since either row last changed
        near = g.up if downward else g.down
        links = len(row)
        if (self.plain_up if downward else self.plain_down)[rank]:
            keys: list[float] = [pos[near[v][0]] for v in row]
        else:
            keys = []
            last = -1.0
            for v in row:
                ends = near[v]
                if len(ends) == 1:
                    last = pos[ends[0]]
                elif ends:
                    links += len(ends)
                    last = (
                        _median(ends, pos)
                        if median
                        else sum(map(pos.__getitem__, ends)) / len(ends)
                    )
                keys.append(last)
        self.work.add(2 * len(row) + 2 * links)
        sort_keys: list = _cluster_keys(g, row, keys) if self.clustered[rank] else keys
        order = sorted(range(len(row)), key=sort_keys.__getitem__)
        if order != list(range(len(row))):
            row[:] = [row[i] for i in order]
            self.moved(rank)
        self.clock += 1
        self.sorted_at[rank][(downward, median)] = self.clock

    def transpose(self, rank: int) -> None:
        """Swap neighbours in the row wherever that crosses fewer links with the rows above
        and below (never across a cluster's edge), pass after pass while swaps happen."""
        g, pos, changed = self.g, self.pos, self.changed
        row = g.rows[rank]
        width = len(row)
        around = changed[max(rank - 1, 0) : rank + 2]
        if width < 2 or width > SWAP_ROW_MAX or max(around) < self.transposed_at[rank]:
            return
        ups = [_places(g.up[v], pos) for v in row]
        downs = [_places(g.down[v], pos) for v in row]
        links = sum(map(len, ups)) + sum(map(len, downs))
        cluster = g.cluster
        swapped = False
        for _ in range(PASSES):
            self.work.add(width + 4 * links)
            again = False
            for i in range(width - 1):
                u, v = row[i], row[i + 1]
                if cluster[u] != cluster[v]:
                    continue
                au, av, bu, bv = ups[i], ups[i + 1], downs[i], downs[i + 1]
                if len(au) == len(av) == len(bu) == len(bv) == 1:
                    if au[0] < av[0] or bu[0] < bv[0]:  # swapping crosses at least as many
                        continue
                    now = (au[0] > av[0]) + (bu[0] > bv[0])
                    then = 0
                else:
                    now = _crossed(au, av) + _crossed(bu, bv)
                    then = _crossed(av, au) + _crossed(bv, bu)
                if then < now:
                    row[i], row[i + 1] = v, u
                    ups[i], ups[i + 1] = av, au
                    downs[i], downs[i + 1] = bv, bu
                    again = swapped = True
            if not again:
                break
        if swapped:
            self.moved(rank)
        self.clock += 1
        self.transposed_at[rank] = self.clock


def _initial_order(g: LayeredGraph, starts: Sequence[int], work: Work) -> None:
    seen = bytearray(len(g.layer))
    roots = [*starts, *(v for v in range(len(g.layer)) if not g.up[v])]
    for root in roots:
        if seen[root]:
            continue
        seen[root] = 1
        stack = [root]
        while stack:
            v = stack.pop()
            g.rows[g.layer[v]].append(v)
            for w in reversed(g.down[v]):
                if not seen[w]:
                    seen[w] = 1
                    stack.append(w)
    work.add(2 * len(g.layer))


def _median(ends: list[int], pos: list[int]) -> float:
    places = sorted(map(pos.__getitem__, ends))
    mid = len(places) // 2
    return places[mid] if len(places) % 2 else (places[mid - 1] + places[mid]) / 2


def _places(ends: list[int], pos: list[int]) -> list[int]:
    """The sorted places of a node's neighbours on one side."""
    return [pos[ends[0]]] if len(ends) == 1 else sorted(map(pos.__getitem__, ends))


def _cluster_keys(
    g: LayeredGraph, row: list[int], keys: list[float]
) -> list[tuple[float, int, int, float]]:
    """Sort keys that keep the members of a cluster side by side, at their mean place (a
    node outside it with that very key goes after them, a cluster with the same mean after
    or before it as a whole)."""
    totals: dict[int, list[float]] = {}
    for v, key in zip(row, keys, strict=True):
        c = g.cluster[v]
        if c is not None:
            totals.setdefault(c, []).append(key)
    mean = {c: sum(ks) / len(ks) for c, ks in totals.items()}
    return [
        (key, 1, 0, key) if (c := g.cluster[v]) is None else (mean[c], 0, c, key)
        for v, key in zip(row, keys, strict=True)
    ]


def _crossed(left: list[int], right: list[int]) -> int:
    """Crossings between the links of two neighbours in a row, the first left of the second
    (each given as the sorted places of the links' other ends)."""
    if len(right) == 1:
        return sum(p > right[0] for p in left)
    return sum(bisect_left(right, p) for p in left)
