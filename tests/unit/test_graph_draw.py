"""draw: arrows that leave a step together down one trunk send the part they share once."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.graph.build import build_graph
from viewer.graph.draw import draw, path_d, unshared_starts
from viewer.graph.layout import Point, layered_layout
from viewer.graph.plan import plan


@st.composite
def graphs(draw_: st.DrawFn) -> tuple[int, list[tuple[int, int]]]:
    """Any directed graph: cycles, self-loops and duplicate edges included."""
    n = draw_(st.integers(1, 16))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    return n, draw_(st.lists(pairs, max_size=3 * n))


def hops(line: Sequence[Point]) -> list[tuple[Point, Point]]:
    return list(pairwise(line))


def drawn_anyway(hop: tuple[Point, Point], drawn: set[tuple[Point, Point]]) -> bool:
    """The hop is drawn by some path: the same hop, or inside a vertical one."""
    (x0, y0), (x1, y1) = hop
    if hop in drawn:
        return True
    return x0 == x1 and any(
        a[0] == b[0] == x0 and min(a[1], b[1]) <= min(y0, y1) and max(y0, y1) <= max(a[1], b[1])
        for a, b in drawn
    )


def check(lines: Sequence[Sequence[Point]], back: Sequence[bool]) -> list[int]:
    starts = unshared_starts(lines, back)
    drawn = {hop for line, s in zip(lines, starts, strict=True) for hop in hops(line[s:])}
    for line, dashed, s in zip(lines, back, starts, strict=True):
        assert s == 0 or (not dashed and s <= len(line) - 2), "the arrowhead's hop stays"
        for hop in hops(line[: s + 1]):
            assert drawn_anyway(hop, drawn), f"{hop} of {line} is drawn by no path"
    return starts


@settings(max_examples=200, deadline=None)
@given(graphs())
def test_every_hop_of_every_arrow_is_still_drawn(graph: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = graph
    layout = layered_layout(n, edges, starts=[0])
    check(layout.edges, layout.back)


def test_arrows_down_one_trunk_draw_it_once() -> None:
    # the root leads to every step of a chain 1 -> 2 -> ... -> 9: its long arrows share a trunk
    edges = [(0, v) for v in range(1, 10)] + [(v, v + 1) for v in range(1, 9)]
    layout = layered_layout(10, edges, starts=[0])
    starts = check(layout.edges, layout.back)
    trunked = [i for i, (u, v) in enumerate(edges) if u == 0 and v > 1]
    assert [starts[i] > 0 for i in trunked].count(False) == 1, "one draws the trunk"
    whole = sum(len(path_d(line)) for line in layout.edges)
    sent = sum(len(path_d(line[s:])) for line, s in zip(layout.edges, starts, strict=True))
    assert sent < whole * 0.75


def test_dashed_arrows_and_lone_arrows_are_drawn_whole() -> None:
    line = ((10, 80), (10, 152), (40, 208), (40, 280))
    assert unshared_starts([line, line], [True, True]) == [0, 0]
    assert unshared_starts([line], [False]) == [0]
    # the same arrow twice (a listed child twice): the second keeps its last hop
    assert unshared_starts([line, line], [False, False]) == [0, 2]


def test_the_diagram_draws_the_shared_part_once() -> None:
    """Each arrow's path is the end of its own line, from the point it leaves the trunk."""
    steps = [f"s{i}" for i in range(1, 10)]
    nodes = {"root": {"type": "manual", "children": steps}}
    nodes |= {s: {"type": "t", "children": steps[i + 1 : i + 2]} for i, s in enumerate(steps)}
    graph = build_graph({"nodes": nodes})
    drawing = draw(plan(graph, dict.fromkeys([*steps, "root"], "success")))
    assert drawing.layout is not None
    lines = drawing.layout.edges
    starts = check(lines, drawing.layout.back)
    for edge, line, start in zip(drawing.edges, lines, starts, strict=True):
        assert edge.d == path_d(line[start:])
    assert sum(start > 0 for start in starts) == 7


def test_an_arrow_keeps_what_no_other_draws() -> None:
    # leaves the shared port sideways: its first hop is its own
    sideways = [((10, 80), (10, 152), (60, 208)), ((10, 80), (40, 152), (40, 208))]
    assert check(sideways, [False, False]) == [0, 0]
    # goes straight down past where the other leaves the trunk
    farther = [((10, 80), (10, 300), (60, 380)), ((10, 80), (10, 152), (30, 400))]
    assert check(farther, [False, False]) == [0, 0]
    # leaves the trunk above where the other does: from its own point on it
    within = [((10, 80), (10, 152), (60, 208)), ((10, 80), (10, 300), (30, 400))]
    assert check(within, [False, False]) == [1, 0]
