"""Where a step sits, computed from a workflow definition."""

from __future__ import annotations

import copy

from viewer.runs.digest import ContentMemo
from viewer.web.placement import TOPOLOGIES, Topology, placement


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


def test_the_topology_is_computed_once_per_content_and_never_changed_by_a_panel() -> None:
    topologies: ContentMemo[Topology] = ContentMemo()

    def topology(definition: dict) -> Topology:
        nodes = definition["nodes"]
        return topologies.get(nodes, lambda: Topology.of(nodes))

    first = topology(DEFINITION)
    assert topology(copy.deepcopy(DEFINITION)) is first  # another answer, the same definition
    changed = copy.deepcopy(DEFINITION)
    changed["nodes"]["a"]["children"] = ["fan"]  # same workflow, other content
    assert topology(changed).parents["fan"] == ["a", "b"]
    # A step expanded at run time is placed without adding it to the shared topology.
    assert placement(DEFINITION, "blk:three", href) is not None
    nodes = DEFINITION["nodes"]
    shared = TOPOLOGIES.get(nodes, lambda: Topology.of(nodes))
    assert shared.children["blk:two"] == ["root"] and "blk:three" not in shared.parents


def test_a_changed_definition_is_placed_by_its_own_content() -> None:
    assert [s.id for s in placement(DEFINITION, "fan", href).previous] == ["b"]
    changed = copy.deepcopy(DEFINITION)
    changed["nodes"]["a"]["children"] = ["fan"]
    assert [s.id for s in placement(changed, "fan", href).previous] == ["a", "b"]


def test_kept_topologies_are_bounded() -> None:
    topologies: ContentMemo[Topology] = ContentMemo(max_entries=2)
    for n in range(5):
        nodes = {"root": {"children": [f"s{n}"]}, f"s{n}": {}}
        topologies.get(nodes, lambda nodes=nodes: Topology.of(nodes))
    assert len(topologies) == 2
    weighed: ContentMemo[int] = ContentMemo(max_entries=8, max_weight=10)
    for n in range(5):
        weighed.get([n], lambda n=n: n, weight=4)
    assert len(weighed) == 2
