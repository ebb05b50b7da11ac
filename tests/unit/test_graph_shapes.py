"""Adversarial shapes: the layout's work stays within a fixed budget per step and link, and a
shape past the absolute limit degrades to the step list, never to an error."""

from __future__ import annotations

import pytest

from bench.shapes import SHAPES, fan_into_chain
from viewer.graph.cache import LayoutCache
from viewer.graph.draw import draw
from viewer.graph.layers import POINTS_PER_ITEM
from viewer.graph.layout import layered_layout
from viewer.graph.plan import Plan
from viewer.graph.view import graph_view
from viewer.graph.work import LayoutTooLarge, Work

WORK_PER_ITEM = 600  # work units allowed per step and per link, whatever the shape


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_shape_is_laid_out_within_a_fixed_budget(name: str) -> None:
    n, edges, starts = SHAPES[name]()
    size = n + len(edges)
    work = Work(limit=WORK_PER_ITEM * size)
    layout = layered_layout(n, edges, starts=starts, work=work)
    assert layout.work <= WORK_PER_ITEM * size
    assert layout.points <= POINTS_PER_ITEM * size
    assert len(layout.boxes) == n
    assert len(layout.edges) == len(edges)


def test_a_root_leading_to_every_step_of_a_long_chain_shares_one_trunk() -> None:
    """N = 2,400: one virtual point per layer for all root links together (was N²/2)."""
    n, edges, starts = fan_into_chain(2_400)
    layout = layered_layout(n, edges, starts=starts)
    assert layout.points == 2_399
    assert layout.free == 0
    root = layout.boxes[0]
    for line in layout.edges[:2_400]:  # every root link leaves the root's bottom
        assert line[0][1] == root.y + root.h
        assert len(line) <= 4  # down one straight trunk: not one bend per layer


def test_long_edges_past_the_point_budget_are_drawn_without_points() -> None:
    """A chain with a link from each step i to step n - 1 - i: spans add up to n²/4."""
    n = 400
    edges = [(i, i + 1) for i in range(n - 1)] + [(i, n - 1 - i) for i in range(n // 2 - 1)]
    layout = layered_layout(n, edges, starts=[0])
    assert layout.points <= POINTS_PER_ITEM * (n + len(edges))
    assert layout.free > 0
    for (u, v), line in zip(edges, layout.edges, strict=True):
        assert line[0][1] == layout.boxes[u].y + layout.boxes[u].h
        assert line[-1][1] == layout.boxes[v].y


def test_past_the_limit_the_layout_stops() -> None:
    n, edges, starts = fan_into_chain(200)
    with pytest.raises(LayoutTooLarge):
        layered_layout(n, edges, starts=starts, work=Work(limit=1_000))
    items = tuple(str(i) for i in range(n))
    drawing = draw(Plan(items, tuple(edges), (None,) * n, (0,)), Work(limit=1_000))
    assert drawing.layout is None


def test_past_the_limit_the_graph_is_a_plain_list_of_steps() -> None:
    chain = {f"s{i}": {"name": f"Step {i}", "children": [f"s{i + 1}"]} for i in range(59)}
    nodes = {"root": {"children": [f"s{i}" for i in range(60)]}, **chain, "s59": {}}
    graph = graph_view(
        run_id="run_1",
        workflow_id="wf",
        workflow_version=1,
        definition={"nodes": nodes},
        statuses={"s3": "failure"},
        cache=LayoutCache(4),
        work_limit=1_000,
    )
    assert not graph.drawn
    assert len(graph.steps) == 61
    assert graph.edges == () and graph.clusters == ()
    assert {s.id: s.status_label for s in graph.steps}["s3"] == "Failed"
    assert graph.first_failed == "s3"
