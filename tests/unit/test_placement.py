"""Where a step sits, computed from a workflow definition."""

from __future__ import annotations

from viewer.web.placement import placement


def href(step_id: str) -> str:
    return f"?node={step_id}"


DEFINITION = {
    "nodes": {
        "root": {"type": "manual", "name": "Start", "children": ["a"]},
        "a": {"type": "read_price", "children": ["b"]},
        "b": {"type": "condition", "children": ["fan"]},
        "fan": {"type": "split", "name": "Split", "children": ["x", "y", "z"]},
        "x": {"type": "read", "name": "Vault X", "children": ["m"]},
        "y": {"type": "read", "name": "Vault Y", "children": ["m"]},
        "z": {"type": "read", "name": "Vault Z", "children": ["blk"]},
        "m": {"type": "merge", "name": "Merge", "children": []},
        "blk": {"type": "block", "name": "Rebalance", "children": ["blk:one"]},
        "blk:one": {"type": "swap", "children": ["blk:two"]},
        "blk:two": {"type": "swap", "children": ["root"]},  # a cycle back to the trigger
    },
    "blockExpansions": {"blk": ["blk:one", "blk:two", "blk:three"]},
}


def test_unnamed_steps_fold_into_a_count_and_the_branch_is_named() -> None:
    place = placement(DEFINITION, "m", href)
    assert place is not None
    parts = [(p.step.label if p.step else None, p.folded) for p in place.path]
    assert parts == [("Start", 0), (None, 2), ("Split", 0), ("Vault X", 0)]
    assert place.branch is not None
    assert (place.branch.step.label, place.branch.fan_out.label, place.branch.width) == (
        "Vault X",
        "Split",
        3,
    )
    assert [s.id for s in place.previous] == ["x", "y"]
    assert place.next == () and not place.is_trigger


def test_block_steps_know_their_block_and_a_cycle_does_not_hang() -> None:
    place = placement(DEFINITION, "blk:two", href)
    assert place is not None and place.block is not None
    assert (place.block.step.id, place.block.position, place.block.size) == ("blk", 2, 3)
    assert [s.id for s in place.next] == ["root"]
    assert place.path[0].step is not None and place.path[0].step.id == "root"


def test_a_step_expanded_at_run_time_follows_the_one_before_it() -> None:
    place = placement(DEFINITION, "blk:three", href)
    assert place is not None and place.block is not None
    assert place.block.position == 3
    assert [s.id for s in place.previous] == ["blk:two"]


def test_the_trigger_and_unusable_definitions() -> None:
    place = placement(DEFINITION, "root", href)
    assert place is not None and place.path == ()
    assert placement(None, "a", href) is None
    assert placement({"nodes": []}, "a", href) is None
    assert placement(DEFINITION, "nowhere", href) is None
