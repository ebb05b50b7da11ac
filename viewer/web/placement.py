"""Where a step sits in its workflow: the path from the trigger, its branch, block and
neighbours, computed from the workflow definition (which every panel read carries)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from viewer.runs.digest import ContentMemo
from viewer.runs.text import NAME_FIELDS, one_line, step_label

MAX_NEIGHBOURS = 8  # previous or next steps listed by name; more are counted
MAX_PATH = 8  # named steps shown on the path from the trigger before folding the middle


@dataclass(frozen=True)
class StepLink:
    id: str
    label: str
    href: str


@dataclass(frozen=True)
class PathPart:
    """A named step on the path from the trigger, or a count of unnamed steps folded."""

    step: StepLink | None
    folded: int = 0
    joins: int = 0  # a merge: how many steps lead into it


@dataclass(frozen=True)
class Branch:
    """The branch of the widest fan-out on the path that the step is on."""

    step: StepLink
    fan_out: StepLink
    width: int


@dataclass(frozen=True)
class Block:
    step: StepLink
    position: int
    size: int


@dataclass(frozen=True)
class Placement:
    """Everything the panel's "Where this step sits" says."""

    path: tuple[PathPart, ...]  # from the trigger to the step's parent; empty for the trigger
    branch: Branch | None
    block: Block | None
    previous: tuple[StepLink, ...]
    previous_more: int
    next: tuple[StepLink, ...]
    next_more: int
    is_trigger: bool


def placement(
    definition: dict[str, Any] | None, step_id: str, href: Callable[[str], str]
) -> Placement | None:
    """Where `step_id` sits, or None when the definition has no usable nodes."""
    if not isinstance(definition, dict):
        return None
    nodes = definition.get("nodes")
    if not isinstance(nodes, dict) or not nodes:
        return None
    shape = TOPOLOGIES.get(nodes, lambda: Topology.of(nodes), weight=len(nodes))
    children, parents, came_from = shape.children, shape.parents, shape.came_from
    block = _block(definition, step_id, nodes, href)
    if block is not None and step_id not in nodes:
        # A step expanded at run time: its parent is the one before it in the block. It has
        # no children, so the shortest paths to every other step stay as they are.
        members = _members(definition, block.step.id)
        before = members[block.position - 2] if block.position > 1 else block.step.id
        children = {**children, before: [*children.get(before, []), step_id]}
        parents = {**parents, step_id: [*parents.get(step_id, []), before]}
        if before in came_from and step_id not in came_from:
            came_from = {**came_from, step_id: before}
    if step_id not in nodes and step_id not in parents:
        return None
    chain = _chain_to(step_id, came_from)

    def link(node_id: str) -> StepLink:
        return StepLink(node_id, step_label(node_id, nodes.get(node_id)), href(node_id))

    previous = parents.get(step_id, [])
    following = children.get(step_id, [])
    branch = _branch(chain, children, link)
    pinned = {block.step.id} if block else set()
    if branch:
        pinned |= {branch.step.id, branch.fan_out.id}
    return Placement(
        path=_folded(chain[:-1], nodes, parents, link, pinned),
        branch=branch,
        block=block,
        previous=tuple(link(node_id) for node_id in previous[:MAX_NEIGHBOURS]),
        previous_more=max(0, len(previous) - MAX_NEIGHBOURS),
        next=tuple(link(node_id) for node_id in following[:MAX_NEIGHBOURS]),
        next_more=max(0, len(following) - MAX_NEIGHBOURS),
        is_trigger=step_id in shape.triggers,
    )


@dataclass(frozen=True)
class Topology:
    """What every step's placement needs from the whole definition: computed once per
    definition content, shared by all the panels of that workflow (read only)."""

    children: dict[str, list[str]]
    parents: dict[str, list[str]]
    triggers: list[str]
    came_from: dict[str, str | None]  # a shortest path's previous step, from a trigger

    @classmethod
    def of(cls, nodes: dict[str, Any]) -> Topology:
        children = {node_id: _children(node, nodes) for node_id, node in nodes.items()}
        parents: dict[str, list[str]] = {}
        for node_id, kids in children.items():
            for kid in kids:
                parents.setdefault(kid, []).append(node_id)
        triggers = _triggers(nodes, parents)
        return cls(children, parents, triggers, _shortest_paths(triggers, children))


# A panel read carries the whole definition: its topology is worked out once per content.
TOPOLOGIES: ContentMemo[Topology] = ContentMemo(max_entries=8, max_weight=40_000)


def _children(node: object, nodes: dict[str, Any]) -> list[str]:
    kids = node.get("children") if isinstance(node, dict) else None
    if not isinstance(kids, list):
        return []
    return list(dict.fromkeys(kid for kid in kids if isinstance(kid, str) and kid in nodes))


def _shortest_paths(triggers: list[str], children: dict[str, list[str]]) -> dict[str, str | None]:
    """For every step reachable from a trigger, the step before it on a shortest path from
    that trigger (breadth first, in definition order)."""
    came_from: dict[str, str | None] = dict.fromkeys(triggers)
    queue = deque(triggers)
    while queue:
        current = queue.popleft()
        for kid in children.get(current, []):
            if kid not in came_from:
                came_from[kid] = current
                queue.append(kid)
    return came_from


def _triggers(nodes: dict[str, Any], parents: dict[str, list[str]]) -> list[str]:
    """Steps without parents, `root` first (even when a loop leads back to it)."""
    found = [node_id for node_id in nodes if not parents.get(node_id) and node_id != "root"]
    return ["root", *found] if "root" in nodes else found or [next(iter(nodes))]


def _chain_to(step_id: str, came_from: dict[str, str | None]) -> list[str]:
    """The steps from the trigger to `step_id` (just the step when no trigger reaches it)."""
    chain = [step_id]
    while (before := came_from.get(chain[-1])) is not None and before not in chain:
        chain.append(before)
    return chain[::-1]


def _named(node: object) -> bool:
    return isinstance(node, dict) and any(one_line(node.get(key), 200) for key in NAME_FIELDS)


def _folded(
    chain: list[str],
    nodes: dict[str, Any],
    parents: dict[str, list[str]],
    link: Callable[[str], StepLink],
    pinned: set[str],
) -> tuple[PathPart, ...]:
    """The path with its unnamed steps folded into counts; the trigger, the step's own parent
    and the `pinned` steps always show. A long path keeps only those and the last few."""
    last = len(chain) - 1
    keep = {i for i, node_id in enumerate(chain) if _named(nodes.get(node_id))}
    if len(keep) > MAX_PATH:
        keep = {i for i in keep if i >= last - 2}
    keep |= {0, last} | {i for i, node_id in enumerate(chain) if node_id in pinned}
    parts: list[PathPart] = []
    for index, node_id in enumerate(chain):
        if index in keep:
            joins = len(parents.get(node_id, []))
            parts.append(PathPart(link(node_id), joins=joins if joins > 1 else 0))
        elif parts and parts[-1].step is None:
            parts[-1] = PathPart(None, folded=parts[-1].folded + 1)
        else:
            parts.append(PathPart(None, folded=1))
    return tuple(parts)


def _branch(
    chain: list[str], children: dict[str, list[str]], link: Callable[[str], StepLink]
) -> Branch | None:
    """The branch taken at the widest fan-out (three or more next steps) on the path."""
    best: tuple[int, int] | None = None
    for index, node_id in enumerate(chain[:-1]):
        width = len(children.get(node_id, []))
        if width >= 3 and (best is None or width > best[1]):
            best = (index, width)
    if best is None:
        return None
    index, width = best
    return Branch(link(chain[index + 1]), link(chain[index]), width)


def _members(definition: dict[str, Any], block_id: str) -> list[str]:
    expansions = definition.get("blockExpansions")
    members = expansions.get(block_id) if isinstance(expansions, dict) else None
    return [m for m in members if isinstance(m, str)] if isinstance(members, list) else []


def _block(
    definition: dict[str, Any], step_id: str, nodes: dict[str, Any], href: Callable[[str], str]
) -> Block | None:
    """The block whose expansion holds this step, from `blockExpansions`."""
    expansions = definition.get("blockExpansions")
    if not isinstance(expansions, dict):
        return None
    for block_id, members in expansions.items():
        if isinstance(block_id, str) and isinstance(members, list) and step_id in members:
            clean = _members(definition, block_id)
            label = step_label(block_id, nodes.get(block_id))
            position = clean.index(step_id) + 1
            return Block(StepLink(block_id, label, href(block_id)), position, len(clean))
    return None
