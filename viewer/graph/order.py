"""Crossing reduction for a proper layered graph: a depth-first first order, then sweeps
alternating down and up that sort each row by the barycenter (or median) of its neighbours'
places, and adjacent swaps where they remove crossings; the best order seen is kept."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Sequence

from viewer.graph.layers import LayeredGraph
from viewer.graph.work import Work

SWEEPS = 16  # at most; they stop once PATIENCE sweeps in a row bring nothing
PATIENCE = 4
MEDIAN = True
SWAP_ROW_MAX = 400  # rows longer than this skip the adjacent-swap pass (quadratic in a row)


def reduce_crossings(g: LayeredGraph, starts: Sequence[int], work: Work) -> tuple[int, int]:
    """Order g.rows to cross few links; returns the crossings of the first order and of
    the order kept."""
    _initial_order(g, starts, work)
    pos = _positions(g)
    # Which rows hold cluster members never changes while rows are reordered.
    clustered = [any(g.cluster[v] is not None for v in row) for row in g.rows]
    for row, has_cluster in zip(g.rows, clustered, strict=True):
        if has_cluster:
            _order(g, row, [float(i) for i in range(len(row))], pos, has_cluster)
    # Rows where every node has exactly one neighbour on the side a sweep looks at: sorted by
    # that neighbour's place, no adjacent swap can remove a crossing (most rows: long links'
    # points). Like `clustered`, fixed while rows are reordered.
    plain_up = [all(len(g.up[v]) == 1 for v in row) for row in g.rows]
    plain_down = [all(len(g.down[v]) == 1 for v in row) for row in g.rows]
    best = first = count_crossings(g, pos, work, plain_down)
    best_rows = [row[:] for row in g.rows]
    stale = 0
    for sweep in range(SWEEPS):
        if best == 0 or stale >= PATIENCE:
            break
        downward = sweep % 2 == 0
        ranks = range(1, len(g.rows)) if downward else range(len(g.rows) - 2, -1, -1)
        near = g.up if downward else g.down
        median = MEDIAN and sweep % 4 >= 2
        simple = plain_up if downward else plain_down
        for rank in ranks:
            row = g.rows[rank]
            if len(row) < 2:  # nothing to reorder
                continue
            if simple[rank]:
                keys = [float(pos[near[v][0]]) for v in row]
                work.add(2 * len(row))
                _order(g, row, keys, pos, clustered[rank])
            else:
                _sort_row(g, rank, near, pos, median, clustered[rank], work)
                _swap_pass(g, row, near, pos, work)
        crossings = count_crossings(g, pos, work, plain_down)
        if crossings < best:
            best, best_rows, stale = crossings, [row[:] for row in g.rows], 0
        else:
            stale += 1
        work.add(len(g.layer))
    g.rows = best_rows
    return first, best


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


def _positions(g: LayeredGraph) -> list[int]:
    pos = [0] * len(g.layer)
    for row in g.rows:
        for i, v in enumerate(row):
            pos[v] = i
    return pos


def _sort_row(
    g: LayeredGraph,
    rank: int,
    near: list[list[int]],
    pos: list[int],
    median: bool,
    has_cluster: bool,
    work: Work,
) -> None:
    """Barycenter (or median) order; a node without neighbours keeps its place after its
    left one."""
    row = g.rows[rank]
    keys: list[float] = []
    last = -1.0
    links = 0
    for v in row:
        other = near[v]
        if len(other) == 1:
            last = pos[other[0]]
        elif other:
            links += len(other)
            places = sorted(map(pos.__getitem__, other)) if median else None
            if places:
                mid = len(places) // 2
                last = places[mid] if len(places) % 2 else (places[mid - 1] + places[mid]) / 2
            else:
                last = sum(map(pos.__getitem__, other)) / len(other)
        keys.append(last)
    work.add(2 * len(row) + 2 * links)
    _order(g, row, keys, pos, has_cluster)


def _order(
    g: LayeredGraph, row: list[int], keys: list[float], pos: list[int], has_cluster: bool
) -> None:
    """Sort the row by its keys (stable), keeping clusters together."""
    sort_keys: list = _cluster_keys(g, row, keys) if has_cluster else keys
    order = sorted(range(len(row)), key=sort_keys.__getitem__)
    if order == list(range(len(row))):  # already in order: nothing moves
        return
    row[:] = [row[i] for i in order]
    for i, v in enumerate(row):
        pos[v] = i


def _cluster_keys(
    g: LayeredGraph, row: list[int], keys: list[float]
) -> list[tuple[float, int, float]]:
    """Sort keys that keep the members of a cluster side by side, at their mean place
    (a node outside it with that very key goes after them)."""
    totals: dict[int, list[float]] = {}
    for v, key in zip(row, keys, strict=True):
        c = g.cluster[v]
        if c is not None:
            totals.setdefault(c, []).append(key)
    mean = {c: sum(ks) / len(ks) for c, ks in totals.items()}
    return [
        (key, 1, key) if (c := g.cluster[v]) is None else (mean[c], 0, key)
        for v, key in zip(row, keys, strict=True)
    ]


def _swap_pass(
    g: LayeredGraph, row: list[int], near: list[list[int]], pos: list[int], work: Work
) -> None:
    """Swap neighbours in the row wherever that crosses fewer links to the row before
    (one pass, left to right; never across a cluster's edge)."""
    if len(row) < 2 or len(row) > SWAP_ROW_MAX:
        return
    cluster = g.cluster
    links = 0
    for i in range(len(row) - 1):
        u, v = row[i], row[i + 1]
        pu, pv = near[u], near[v]
        if not pu or not pv or cluster[u] != cluster[v]:
            continue
        if len(pu) == 1 and len(pv) == 1:
            swap = pos[pu[0]] > pos[pv[0]]
        else:
            links += len(pu) + len(pv)
            swap = _crossed(pu, pv, pos) > _crossed(pv, pu, pos)
        if swap:
            row[i], row[i + 1] = v, u
            pos[u], pos[v] = i + 1, i
    work.add(len(row) + links * 4)


def _crossed(left: list[int], right: list[int], pos: list[int]) -> int:
    """Crossings between the links of two neighbours, the first left of the second."""
    ends = sorted(pos[w] for w in right)
    return sum(bisect_left(ends, pos[w]) for w in left)


def count_crossings(g: LayeredGraph, pos: list[int], work: Work, plain: list[bool]) -> int:
    """Crossings between consecutive rows (two links sharing an end never cross); `plain`:
    the rows whose every node has exactly one link down."""
    total = 0
    links = 0
    down = g.down
    for row, simple in zip(g.rows, plain, strict=True):
        if simple:
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
        if len(ends) < 2 or ends == sorted(ends):  # no link ends left of an earlier one
            continue
        seen: list[int] = []
        for p in reversed(ends):
            total += bisect_left(seen, p)
            insort(seen, p)
    work.add(len(g.layer) + 2 * links)
    return total
