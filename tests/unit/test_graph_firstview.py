"""viewer/graph/firstview.py: which diagrams open in a view written by the server, that view,
what it can show (region) and the <svg> box that draws it (frame)."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.test_graph_view import make
from viewer.graph.firstview import (
    READABLE,
    SCREEN_H,
    SCREEN_W,
    FirstView,
    first_view,
    frame,
    region,
    too_big,
)
from viewer.graph.view import GraphView


def sized(width: int, height: int) -> GraphView:
    """The example graph (trigger "root" and four steps) said to be this big."""
    return replace(make(), width=width, height=height)


def graph_js_shows_whole(
    width: float, height: float, cw: float, inner_h: float, rem: float
) -> bool:
    """graph.js's wholeFits() after grow() for a canvas `cw` wide in a window `inner_h` tall
    (the canvas's stylesheet height: min(75vh, 56rem), at least 20rem)."""
    ch = max(min(0.75 * inner_h, 56 * rem), 20 * rem)
    tall = math.ceil(height * READABLE + 24)
    if not (tall <= ch or width * READABLE + 24 > cw or tall > inner_h * 1.5):
        ch = tall
    return min(cw / width, ch / height) >= READABLE


@given(
    width=st.integers(200, 8_000),
    height=st.integers(100, 8_000),
    cw=st.integers(300, SCREEN_W),
    inner_h=st.integers(300, SCREEN_H),
    rem=st.sampled_from([12, 16, 20, 24]),
)
def test_a_diagram_given_a_first_view_never_opens_whole_in_graph_js(
    width: int, height: int, cw: int, inner_h: int, rem: int
) -> None:
    """The server writes a first view only where graph.js would not choose the whole
    diagram, on any canvas of a screen up to 2,560 x 1,440."""
    if too_big(width, height):
        assert not graph_js_shows_whole(width, height, cw, inner_h, rem)


@pytest.mark.parametrize(
    ("width", "height", "big"),
    [
        (1424, 616, False),  # the 9-step failed run
        (1922, 2152, False),  # 100 generated steps: may open whole on a tall screen
        (3011, 2000, False),
        (3013, 2000, True),  # wider than 2,560 px at READABLE
        (2000, 2512, False),
        (2000, 2513, True),  # too tall to grow a 1,440 px window's canvas for
        (8610, 18536, True),  # 1,000 generated steps
    ],
)
def test_too_big_at_the_boundaries(width: int, height: int, big: bool) -> None:
    assert too_big(width, height) is big
    assert (first_view(sized(width, height), None) is not None) is big


def test_a_diagram_that_may_fit_gets_no_first_view() -> None:
    graph = make()
    assert first_view(graph, None) is None
    assert first_view(graph, "swap") is None
    assert frame(graph, None).kind is None
    assert frame(graph, None).viewbox == f"0 0 {graph.width} {graph.height}"
    assert first_view(replace(sized(9_000, 9_000), drawn=False), None) is None


def test_the_top_view_holds_the_trigger_top_centre() -> None:
    graph = sized(9_000, 4_000)
    root = next(s for s in graph.steps if s.is_root)
    assert first_view(graph, None) == FirstView(root.x + 100, root.y, False)
    # a step not drawn (in a box of several, or unknown) opens the top view too
    assert first_view(graph, "no-such-step") == FirstView(root.x + 100, root.y, False)


def test_the_view_of_a_step_in_the_address_holds_its_centre() -> None:
    graph = sized(9_000, 4_000)
    swap = next(s for s in graph.steps if s.id == "swap")
    assert first_view(graph, "swap") == FirstView(swap.x + 100, swap.y + 28, True)


def test_without_a_trigger_the_first_step_is_the_top() -> None:
    graph = sized(9_000, 4_000)
    graph = replace(graph, steps=tuple(replace(s, is_root=False) for s in graph.steps))
    first = graph.steps[0]
    assert first_view(graph, None) == FirstView(first.x + 100, first.y, False)


def numbers(text: str) -> list[float]:
    return [float(n) for n in text.split()]


@pytest.mark.parametrize("x", [100.0, 2114.0, 4500.0, 8500.0])
def test_the_top_frame_centres_the_view_point_and_keeps_the_whole_diagram(x: float) -> None:
    graph = sized(9_000, 4_000)
    box = frame(graph, FirstView(x, 24, False))
    vx, vy, vw, vh = numbers(box.viewbox)
    assert box.kind == "top"
    assert (numbers(box.width), numbers(box.height)) == ([vw], [vh])  # drawn at scale 1
    assert vx + vw / 2 == x, "the point is the box's horizontal centre"
    assert vy == 0, "the trigger's top is 24 px below the box's top (graph.css)"
    assert vx <= 0 and vx + vw >= 9_000 and vy + vh >= 4_000, "nothing is cut"


@pytest.mark.parametrize(("x", "y"), [(100.0, 52.0), (4500.0, 2000.0), (8900.0, 3900.0)])
def test_the_centre_frame_centres_the_view_point_both_ways(x: float, y: float) -> None:
    graph = sized(9_000, 4_000)
    box = frame(graph, FirstView(x, y, True))
    vx, vy, vw, vh = numbers(box.viewbox)
    assert box.kind == "centre"
    assert (vx + vw / 2, vy + vh / 2) == (x, y)
    assert vx <= 0 and vy <= 0 and vx + vw >= 9_000 and vy + vh >= 4_000


def test_frame_numbers_are_short() -> None:
    box = frame(sized(9_000, 4_000), FirstView(2114.5, 52, True))
    assert box.viewbox == "-4771 -3896 13771 7896"
    assert (box.width, box.height) == ("13771", "7896")


@given(
    x=st.floats(0, 20_000),
    y=st.floats(0, 90_000),
    centre=st.booleans(),
    cw=st.integers(200, SCREEN_W),
    inner_h=st.integers(300, SCREEN_H),
    rem=st.sampled_from([12, 16, 20, 24]),
)
def test_the_region_holds_all_a_canvas_can_show_in_the_first_view(
    x: float, y: float, centre: bool, cw: int, inner_h: int, rem: int
) -> None:
    """graph.js's first view (READABLE, the point at the top centre `room` px down or at
    the centre) on any canvas of a screen up to 2,560 x 1,440 shows only diagram px inside
    region(), with room to spare."""
    ch = max(min(0.75 * inner_h, 56 * rem), 20 * rem)
    if ch > 0.75 * SCREEN_H:
        return  # a window too short for its root font size: the canvas is 20rem
    room = 72 if cw < 600 else 32
    top = y - ch / 2 / READABLE if centre else y - room / READABLE
    shown = (x - cw / 2 / READABLE, top, x + cw / 2 / READABLE, top + ch / READABLE)
    x0, y0, x1, y1 = region(FirstView(x, y, centre))
    assert x0 + 200 <= shown[0] and y0 + 200 <= shown[1]
    assert shown[2] <= x1 - 200 and shown[3] <= y1 - 200
