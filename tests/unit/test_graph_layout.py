"""layered_layout: downward edges, no overlaps, determinism, few crossings, routed long edges."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.graph.cycles import find_back_edges
from viewer.graph.geometry import NODE_H, NODE_W
from viewer.graph.layout import Layout, layered_layout


@st.composite
def graphs(draw: st.DrawFn, max_nodes: int = 14) -> tuple[int, list[tuple[int, int]]]:
    """Any directed graph: cycles, self-loops and duplicate edges included."""
    n = draw(st.integers(1, max_nodes))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    return n, draw(st.lists(pairs, max_size=3 * n))


@st.composite
def trees(draw: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(1, 30))
    return n, [(draw(st.integers(0, v - 1)), v) for v in range(1, n)]


def overlapping(a, b) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_edges_point_down_once_cycles_are_broken(graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = graph
    layout = layered_layout(n, edges, starts=[0])
    for (u, v), back in zip(edges, layout.back, strict=True):
        if u == v:
            assert back
        elif back:
            assert layout.layers[v] < layout.layers[u]
        else:
            assert layout.layers[u] < layout.layers[v]


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_no_two_boxes_overlap_and_all_fit(graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = graph
    layout = layered_layout(n, edges)
    boxes = layout.boxes
    assert not any(overlapping(a, b) for a, b in combinations(boxes, 2))
    assert all((b.w, b.h) == (NODE_W, NODE_H) for b in boxes)
    assert all(b.x >= 0 and b.y >= 0 for b in boxes)
    assert all(b.x + b.w <= layout.width and b.y + b.h <= layout.height for b in boxes)


@settings(max_examples=100, deadline=None)
@given(graphs())
def test_edges_run_from_the_source_bottom_to_the_target_top(
    graph: tuple[int, list[tuple[int, int]]],
) -> None:
    n, edges = graph
    layout = layered_layout(n, edges)
    for (u, v), line, back in zip(edges, layout.edges, layout.back, strict=True):
        if u == v:
            assert line == ()
            continue
        (x0, y0), (x1, y1) = line[0], line[-1]
        top, bottom = (v, u) if back else (u, v)
        start, end = ((x1, y1), (x0, y0)) if back else ((x0, y0), (x1, y1))
        a, b = layout.boxes[top], layout.boxes[bottom]
        assert start[1] == a.y + a.h and a.x <= start[0] <= a.x + a.w
        assert end[1] == b.y and b.x <= end[0] <= b.x + b.w
        ys = [y for _, y in (line[::-1] if back else line)]
        assert ys == sorted(ys)


def test_a_long_edge_runs_straight_beside_the_boxes_it_passes() -> None:
    layout = layered_layout(4, [(0, 1), (1, 2), (2, 3), (0, 3)])
    assert layout.layers == (0, 1, 2, 3)
    assert layout.points == 2  # one virtual point per layer crossed
    _, top, bottom, _ = layout.edges[3]  # one vertical run: its top and its bottom
    assert top[0] == bottom[0]
    assert (top[1], bottom[1]) == (layout.boxes[1].y, layout.boxes[2].y + NODE_H)
    for box in layout.boxes[1:3]:
        assert not box.x <= top[0] <= box.x + box.w


def test_long_edges_from_one_step_share_one_trunk() -> None:
    # a chain 1 -> 2 -> ... -> 9, and the root leading to every step of it
    edges = [(0, v) for v in range(1, 10)] + [(v, v + 1) for v in range(1, 9)]
    layout = layered_layout(10, edges, starts=[0])
    assert layout.layers == tuple(range(10))
    assert layout.points == 8  # one per layer crossed, shared: not 1 + 2 + ... + 8
    assert layout.free == 0


@settings(max_examples=50, deadline=None)
@given(graphs())
def test_the_same_input_gives_the_same_layout(graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = graph
    first: Layout = layered_layout(n, edges, starts=[0])
    assert layered_layout(n, list(edges), starts=[0]) == first


@settings(max_examples=100, deadline=None)
@given(trees())
def test_trees_are_drawn_without_crossings(tree: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = tree
    assert layered_layout(n, edges, starts=[0]).crossings == 0


def test_two_crossing_pairs_are_uncrossed() -> None:
    # s0 -> a, s0 -> b, s1 -> a: the first (depth-first) order [a, b] crosses once; [b, a] does not.
    assert layered_layout(4, [(0, 2), (0, 3), (1, 2)]).crossings == 0
    # the same with the sinks listed the other way round
    assert layered_layout(4, [(0, 3), (1, 2), (0, 2)]).crossings == 0


def test_k22_needs_exactly_one_crossing() -> None:
    assert layered_layout(4, [(0, 2), (0, 3), (1, 2), (1, 3)]).crossings == 1


def test_a_merge_gets_one_arrow_end_per_parent() -> None:
    layout = layered_layout(4, [(0, 1), (0, 2), (1, 3), (2, 3)], starts=[0])
    ends = {line[-1] for line in layout.edges[2:]}
    assert len(ends) == 2


def test_a_step_nothing_leads_to_sits_next_to_its_child() -> None:
    # 4 leads only into 3 (at the bottom of a chain): it is drawn beside 2, above 3
    layout = layered_layout(5, [(0, 1), (1, 2), (2, 3), (4, 3)], starts=[0])
    assert layout.layers == (0, 1, 2, 3, 2)
    centre = [b.x + b.w / 2 for b in layout.boxes]
    assert abs(centre[4] - centre[3]) <= NODE_W
    assert layout.crossings == 0


def test_cluster_members_stay_side_by_side() -> None:
    # root with six children; 1, 3, 5 form a cluster and must not be split by 2 or 4
    edges = [(0, v) for v in range(1, 7)]
    clusters = [None, 7, None, 7, None, 7, None]
    layout = layered_layout(7, edges, clusters=clusters)
    order = sorted(range(1, 7), key=lambda v: layout.boxes[v].x)
    members = [i for i, v in enumerate(order) if clusters[v] == 7]
    assert members == list(range(members[0], members[0] + 3))


def test_empty_and_single_node_graphs() -> None:
    empty = layered_layout(0, [])
    assert (empty.boxes, empty.edges) == ((), ())
    one = layered_layout(1, [(0, 0)])
    assert one.back == (True,)
    assert one.width >= one.boxes[0].x + NODE_W


def test_find_back_edges_breaks_every_cycle_and_nothing_else() -> None:
    succ = [[1], [2], [0, 3], [3]]
    back = find_back_edges(succ, [0])
    flat = [(u, v) for u, out in enumerate(succ) for v in out]
    assert sorted(flat[i] for i in back) == [(2, 0), (3, 3)]
    assert find_back_edges([[1, 2], [2], []]) == []


def test_short_branches_hang_above_their_merge_and_share_one_trunk() -> None:
    # 1 splits into a chain of four (2..5) and two single steps (6, 8); all three merge in 7
    edges = [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 7), (1, 6), (6, 7), (1, 8), (8, 7)]
    layout = layered_layout(9, edges, starts=[0])
    assert layout.layers[7] == 6
    assert layout.layers[6] == layout.layers[8] == 5  # next to the merge, not under the split
    assert layout.points == 3  # one trunk from 1 down to them, not one from each to 7
    assert layout.crossings == 0


def test_transposition_reaches_the_fewest_crossings() -> None:
    """Three rows below a root; sorting by barycenters alone keeps two crossings, one is the
    least any order can have (found by trying every order)."""
    edges = [(0, 1), (0, 2), (0, 3), (0, 4), (1, 7), (2, 7), (3, 5), (3, 6), (4, 5)]
    edges += [(5, 8), (6, 9), (6, 10), (7, 8), (7, 10)]
    layout = layered_layout(11, edges, starts=[0])
    assert layout.layers == (0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3)
    assert layout.crossings == 1


@settings(max_examples=150, deadline=None)
@given(graphs(), st.data())
def test_every_cluster_stays_in_one_piece_in_each_layer(
    graph: tuple[int, list[tuple[int, int]]], data: st.DataObject
) -> None:
    n, edges = graph
    clusters = data.draw(st.lists(st.sampled_from([None, 1, 2, 3]), min_size=n, max_size=n))
    layout = layered_layout(n, edges, starts=[0], clusters=clusters)
    for layer in set(layout.layers):
        row = sorted((b.x, v) for v, b in enumerate(layout.boxes) if layout.layers[v] == layer)
        labels = [clusters[v] for _, v in row]
        for c in {1, 2, 3} & set(labels):
            at = [i for i, label in enumerate(labels) if label == c]
            assert at == list(range(at[0], at[-1] + 1)), f"cluster {c} split in {labels}"


def test_a_blocks_steps_hang_in_one_column() -> None:
    """Steps 3, 4, 5 form a block (one chain): their frame is a column, however the merge of
    the branches beside it pulls them."""
    edges = [(0, 1), (1, 2), (0, 3), (3, 4), (4, 5), (0, 6), (6, 7), (0, 8), (7, 9), (2, 9)]
    clusters = [None, None, None, 1, 1, 1, None, None, None, None, None]
    layout = layered_layout(11, [*edges, (2, 10)], starts=[0], clusters=clusters)
    assert len({layout.boxes[v].x for v in (3, 4, 5)}) == 1
