"""The compact, capped form of opened and closed boxes in links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from viewer.errors import InvalidView
from viewer.graph.build import build_graph
from viewer.graph.toggles import MAX_BOXES, MAX_TOKEN, boxes_token, parse_boxes, resolve

numbers = st.frozensets(st.integers(0, 36**4 - 1), max_size=MAX_BOXES // 2)


@given(numbers, numbers)
def test_a_state_comes_back_from_its_link(expanded: frozenset, collapsed: frozenset) -> None:
    token = boxes_token(expanded, collapsed)
    assert len(token) <= MAX_TOKEN
    assert parse_boxes(token) == (expanded, collapsed)


def test_the_form_is_short_and_one_state_has_one_link() -> None:
    assert boxes_token([56, 3], [5]) == "e3.e1k.c5"
    assert boxes_token([3, 56], [5]) == boxes_token({56, 3}, {5})
    assert parse_boxes("") == (frozenset(), frozenset())


@pytest.mark.parametrize(
    "token", ["x1", "e", "e1.", ".e1", "e1..c2", "E1", "e-1", "e12345", "e1 c2", "e1,c2"]
)
def test_anything_else_is_refused(token: str) -> None:
    with pytest.raises(InvalidView):
        parse_boxes(token)


def test_past_the_caps_is_refused_with_the_reason() -> None:
    with pytest.raises(InvalidView, match=f"at most {MAX_BOXES}"):
        parse_boxes(".".join(["e1"] * (MAX_BOXES + 1)))
    with pytest.raises(InvalidView, match="characters"):
        parse_boxes("e1" * (MAX_TOKEN // 2 + 1))
    assert InvalidView.status_code == 400


def test_numbers_stand_for_steps_and_blocks_of_this_workflow() -> None:
    graph = build_graph(
        {"nodes": {"root": {"children": ["a"]}, "a": {}}, "blockExpansions": {"blk": ["a"]}}
    )
    assert resolve(graph, (frozenset({1}), frozenset({0}))) == ({"a"}, {"blk"})
    with pytest.raises(InvalidView):
        resolve(graph, (frozenset({2}), frozenset()))
    with pytest.raises(InvalidView):
        resolve(graph, (frozenset(), frozenset({1})))
