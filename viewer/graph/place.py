"""Horizontal placement of a layered graph whose rows are ordered: rows packed, a bottom-up
pass puts each node over the mean of its children, a top-down pass each node under the mean
of its parents (chains hang straight); each row is solved as a weighted isotonic regression,
so boxes never come closer than their spacing. Then a block's chain of steps hangs straight
(its frame a column, the rows it crosses making room), and trunks of long edges run straight."""

from __future__ import annotations

from viewer.graph.geometry import NODE_GAP, NODE_W, POINT_GAP
from viewer.graph.layers import LayeredGraph
from viewer.graph.work import Work

NODE_SPACE = (NODE_W + NODE_GAP) // 2  # room a real node keeps either side of its centre
POINT_SPACE = POINT_GAP // 2  # room a virtual point keeps either side
POINT_WEIGHT = 8.0  # how much more than a node a virtual point wants its target
LOOSE_WEIGHT = 0.05  # a node without neighbours that way: stays put, weakly
HANG_WEIGHT = 1000.0  # a block's chain of steps, hung straight: the others make room
HANG_ROUNDS = 3


def place(g: LayeredGraph, work: Work) -> tuple[list[float], list[int]]:
    """(x centre of every node and point, the room each keeps either side)."""
    total = len(g.layer)
    space = [NODE_SPACE] * g.n + [POINT_SPACE] * (total - g.n)
    weight = [1.0] * g.n + [POINT_WEIGHT] * (total - g.n)
    x = [0.0] * total
    offsets = [_offsets(row, space) for row in g.rows]
    for row, offset in zip(g.rows, offsets, strict=True):
        _solve(row, offset, [0.0] * len(row), [1.0] * len(row), x)
    ranks = range(len(g.rows))
    links = sum(len(d) for d in g.down)
    for order, neighbours in ((ranks[-2::-1], g.down), (ranks[1:], g.up)):
        for rank in order:
            _pull(g.rows[rank], offsets[rank], neighbours, weight, x)
        work.add(3 * total + 2 * links)
    _hang(g, offsets, x, work)
    _straighten(g, x, space)
    work.add(2 * total)
    return x, space


def _offsets(row: list[int], space: list[int]) -> list[float]:
    """Each node's least distance from the row's first node."""
    offsets: list[float] = []
    offset = -space[row[0]] if row else 0.0
    for v in row:
        offset += space[v]
        offsets.append(offset)
        offset += space[v]
    return offsets


def _pull(
    row: list[int],
    offsets: list[float],
    neighbours: list[list[int]],
    weight: list[float],
    x: list[float],
) -> None:
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
            weights.append(LOOSE_WEIGHT)
    _solve(row, offsets, targets, weights, x)


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


def _straighten(g: LayeredGraph, x: list[float], space: list[int]) -> None:
    """Give the points of each trunk one shared x wherever the gaps between their row
    neighbours allow it, so long edges run straight (one bend at each end)."""
    index = [0] * len(g.layer)
    for row in g.rows:
        for i, v in enumerate(row):
            index[v] = i
    inf = float("inf")
    for trunk in g.trunks:
        run: list[int] = []
        lo, hi = -inf, inf
        for v in trunk:
            row, i = g.rows[g.layer[v]], index[v]
            left = x[row[i - 1]] + space[row[i - 1]] + space[v] if i else -inf
            right = x[row[i + 1]] - space[row[i + 1]] - space[v] if i + 1 < len(row) else inf
            if run and (left > hi or right < lo):
                _align(run, lo, hi, x)
                run, lo, hi = [], -inf, inf
            run.append(v)
            lo, hi = max(lo, left), min(hi, right)
        if run:
            _align(run, lo, hi, x)


def _align(points: list[int], lo: float, hi: float, x: list[float]) -> None:
    """Put the points on one vertical: their median x, kept within [lo, hi]."""
    xs = sorted(x[v] for v in points)
    target = min(max(xs[len(xs) // 2], lo), hi)
    for v in points:
        x[v] = target


def _hang(g: LayeredGraph, offsets: list[list[float]], x: list[float], work: Work) -> None:
    """Hang each chain of a cluster's members (a block's steps one after another) straight,
    so its frame is a column; the rows it crosses make room (in a few rounds, as two chains
    may push each other)."""
    chains = _member_chains(g)
    fixed = {v for chain in chains for v in chain}
    ranks = sorted({g.layer[v] for v in fixed})
    for _ in range(HANG_ROUNDS):
        for chain in chains:
            # where it sits in its widest row, which has the least room to give
            at = x[max(chain, key=lambda v: len(g.rows[g.layer[v]]))]
            for v in chain:
                x[v] = at
        for rank in ranks:
            row = g.rows[rank]
            weights = [HANG_WEIGHT if v in fixed else 1.0 for v in row]
            _solve(row, offsets[rank], [x[v] for v in row], weights, x)
        work.add(len(fixed) + sum(len(g.rows[rank]) for rank in ranks))


def _member_chains(g: LayeredGraph) -> list[list[int]]:
    """Chains of a cluster's steps, each step the only link down of the one before."""
    cluster, up, down = g.cluster, g.up, g.down

    def after(v: int) -> bool:
        """v continues a chain: its one link up is from a member of its cluster with no other
        link down."""
        u = up[v][0] if len(up[v]) == 1 else g.n
        return u < g.n and len(down[u]) == 1 and cluster[u] == cluster[v]

    chains = []
    for v in range(g.n):
        if cluster[v] is None or after(v):
            continue
        chain = [v]
        while len(down[chain[-1]]) == 1 and (w := down[chain[-1]][0]) < g.n and after(w):
            chain.append(w)
        if len(chain) > 1:
            chains.append(chain)
    return chains
