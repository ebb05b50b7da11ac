"""A workflow definition (hostile JSON) turned into a drawable graph and plain-English problems."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from viewer.graph.cycles import find_back_edges
from viewer.runs.text import clean_text, one_line, step_label

ROOT_ID = "root"
MAX_LABEL = 200
MAX_LISTED = 5  # problems of one kind spelled out before "and N more"
MAX_STEPS = 10_000  # more would take seconds to lay out: the rest is left out, and said


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    label: str
    type: str
    is_root: bool
    group: str | None


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    back: bool  # closes a cycle: laid out reversed and drawn dashed


@dataclass(frozen=True, slots=True)
class Group:
    """The steps a block node was expanded into at run time."""

    id: str
    label: str
    members: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    groups: tuple[Group, ...]
    problems: tuple[str, ...]


class _Problems:
    """Sentences grouped by kind; past MAX_LISTED of a kind, one summary sentence."""

    def __init__(self) -> None:
        self._kinds: dict[str, tuple[list[str], str]] = {}

    def add(
        self, kind: str, sentence: str, more: str = "{n} more problems like these are not listed."
    ) -> None:
        """Add a sentence; `more` (with {n}) stands for those past MAX_LISTED."""
        self._kinds.setdefault(kind, ([], more))[0].append(sentence)

    def sentences(self) -> tuple[str, ...]:
        out: list[str] = []
        for sentences, more in self._kinds.values():
            out += sentences[:MAX_LISTED]
            extra = len(sentences) - MAX_LISTED
            if extra > 0:
                out.append(more.format(n=extra))
        return tuple(out)


def _q(text: str) -> str:
    """A step name or id quoted for a sentence."""
    return f"“{clean_text(text, 60) or text[:60]}”"


def build_graph(definition: object) -> Graph:
    """The steps, links and block groups of a workflow definition; never raises."""
    problems = _Problems()
    raw = _raw_nodes(definition, problems)
    ids = list(raw)
    left_out = frozenset(ids[MAX_STEPS:])
    if left_out:
        problems.add(
            "size",
            f"This workflow has {len(ids):,} steps; the diagram shows the first {MAX_STEPS:,}.",
        )
        ids = ids[:MAX_STEPS]
    index = {node_id: i for i, node_id in enumerate(ids)}
    labels = [step_label(node_id, raw[node_id], MAX_LABEL) for node_id in ids]
    succ = [
        _children(raw[node_id], labels[i], index, left_out, problems)
        for i, node_id in enumerate(ids)
    ]
    root = index.get(ROOT_ID)
    if root is None and ids:
        problems.add(
            "root",
            "No root step: the workflow has no step called “root”, so the steps that no other "
            "step leads to are drawn at the top.",
        )
    starts = [] if root is None else [root]
    back = _cycles(succ, starts, labels, problems)
    if root is not None:
        _unreachable(succ, root, labels, problems)
    groups, group_of = _groups(definition, index, left_out, labels, problems)
    nodes = tuple(
        Node(
            id=node_id,
            label=labels[i],
            type=_type(raw[node_id]),
            is_root=i == root,
            group=group_of.get(node_id),
        )
        for i, node_id in enumerate(ids)
    )
    edges = tuple(Edge(ids[u], ids[v], (u, v) in back) for u, out in enumerate(succ) for v in out)
    return Graph(nodes, edges, groups, problems.sentences())


def _raw_nodes(definition: object, problems: _Problems) -> dict[str, object]:
    if definition is None:
        problems.add(
            "definition", "The run came without its workflow definition, so no steps can be drawn."
        )
        return {}
    if not isinstance(definition, dict):
        problems.add(
            "definition", "The workflow definition is not an object, so no steps can be drawn."
        )
        return {}
    nodes = definition.get("nodes")
    if isinstance(nodes, dict):
        if not nodes:
            problems.add("definition", "The workflow definition has no steps.")
        return {str(key): value for key, value in nodes.items()}
    if isinstance(nodes, list):
        listed = {
            str(item["id"]): item for item in nodes if isinstance(item, dict) and "id" in item
        }
        problems.add(
            "definition",
            "The workflow's steps are a list rather than an object keyed by step id; "
            "the ones with an “id” are drawn.",
        )
        return listed
    problems.add(
        "definition", "The workflow definition has no “nodes” object, so no steps can be drawn."
    )
    return {}


def _type(item: object) -> str:
    return (one_line(item.get("type"), 80) or "") if isinstance(item, dict) else ""


def _children(
    item: object,
    label: str,
    index: dict[str, int],
    left_out: frozenset[str],
    problems: _Problems,
) -> list[int]:
    if not isinstance(item, dict):
        problems.add(
            "not-object",
            f"Step {_q(label)} is not an object, so it is drawn without its details.",
            "{n} more steps are not objects either.",
        )
        return []
    children = item.get("children")
    if children is None:
        return []
    if not isinstance(children, list):
        problems.add(
            "children-type",
            f"Step {_q(label)} has “children” that are not a list; they are ignored.",
            "{n} more steps have “children” that are not a list.",
        )
        return []
    out: list[int] = []
    for child in children:
        target = index.get(child) if isinstance(child, str) else None
        if target is None and isinstance(child, str) and child in left_out:
            continue
        if target is None:
            shown = child if isinstance(child, str) else repr(child)[:60]
            problems.add(
                "missing-child",
                f"Step {_q(label)} lists a child {_q(shown)} that is not in the workflow.",
                "{n} more children are named that are not in the workflow.",
            )
        elif target not in out:
            out.append(target)
    return out


def _cycles(
    succ: list[list[int]], starts: list[int], labels: list[str], problems: _Problems
) -> set[tuple[int, int]]:
    """The links that close a cycle (they are laid out reversed), each told in a sentence."""
    flat = [(u, v) for u, out in enumerate(succ) for v in out]
    back = [flat[i] for i in find_back_edges(succ, starts)]
    for count, (u, v) in enumerate(back):
        more = "{n} more arrows close a cycle; they are drawn dashed too."
        if u == v:
            sentence = f"Step {_q(labels[u])} lists itself as a child; that arrow is drawn dashed."
        else:
            path = _path(succ, v, u) if count < MAX_LISTED else [v, u]
            names = [labels[i] for i in [*path, v]]
            if len(names) > 6:
                names = [*names[:3], "…", *names[-2:]]
            sentence = (
                f"The steps {' → '.join(names)} form a cycle; "
                f"the arrow {labels[u]} → {labels[v]} is drawn dashed."
            )
        problems.add("cycle", sentence, more)
    return set(back)


def _path(succ: list[list[int]], start: int, goal: int) -> list[int]:
    """A shortest path start → … → goal (one exists: goal was reached from start)."""
    came_from = {start: start}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        if u == goal:
            break
        for v in succ[u]:
            if v not in came_from:
                came_from[v] = u
                queue.append(v)
    path = [goal]
    while path[-1] != start and path[-1] in came_from:
        path.append(came_from[path[-1]])
    return path[::-1]


def _unreachable(succ: list[list[int]], root: int, labels: list[str], problems: _Problems):
    seen = {root}
    queue = deque([root])
    while queue:
        for v in succ[queue.popleft()]:
            if v not in seen:
                seen.add(v)
                queue.append(v)
    lost = [labels[i] for i in range(len(succ)) if i not in seen]
    if lost:
        named = ", ".join(_q(label) for label in lost[:3])
        rest = f" and {len(lost) - 3} more" if len(lost) > 3 else ""
        steps = "1 step cannot" if len(lost) == 1 else f"{len(lost)} steps cannot"
        problems.add(
            "unreachable",
            f"{steps} be reached from the root step: {named}{rest}. They are drawn anyway.",
        )


def _groups(
    definition: object,
    index: dict[str, int],
    left_out: frozenset[str],
    labels: list[str],
    problems: _Problems,
) -> tuple[tuple[Group, ...], dict[str, str]]:
    """Block expansions as groups; a step belongs to the first block that lists it."""
    expansions = definition.get("blockExpansions") if isinstance(definition, dict) else None
    if expansions is None:
        return (), {}
    if not isinstance(expansions, dict):
        problems.add("blocks", "The block expansions are not an object; they are ignored.")
        return (), {}
    groups: list[Group] = []
    group_of: dict[str, str] = {}
    for key, value in expansions.items():
        block_id = str(key)
        block = labels[index[block_id]] if block_id in index else (clean_text(block_id) or "?")
        member_ids = _member_ids(value)
        if member_ids is None:
            problems.add(
                "blocks",
                f"The expansion of block {_q(block)} is not a list of steps; it is ignored.",
                "{n} more block expansions are not lists of steps either.",
            )
            continue
        members: list[str] = []
        for member in member_ids:
            if member in left_out:
                continue
            if member not in index:
                problems.add(
                    "block-missing",
                    f"Block {_q(block)} lists a step {_q(member)} that is not in the workflow.",
                    "{n} more steps listed in blocks are not in the workflow.",
                )
            elif member not in group_of:
                group_of[member] = block_id
                members.append(member)
            elif group_of[member] != block_id:
                problems.add(
                    "block-twice",
                    f"Step {_q(labels[index[member]])} is listed in more than one block; "
                    "it is drawn in the first.",
                    "{n} more steps are listed in more than one block.",
                )
        if members:
            groups.append(Group(block_id, block, tuple(members)))
    return tuple(groups), group_of


def _member_ids(value: object) -> list[str] | None:
    """Step ids from a list of ids or node objects, or from one node object (or {"nodes": …})."""
    if isinstance(value, list):
        return [member for item in value if (member := _member_id(item)) is not None]
    if isinstance(value, dict):
        nodes = value.get("nodes")
        if isinstance(nodes, dict):
            return [str(key) for key in nodes]
        if isinstance(nodes, list):
            return _member_ids(nodes)
        single = _member_id(value)
        if single is not None:
            return [single]
    return None


def _member_id(item: object) -> str | None:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return item["id"]
    return None
