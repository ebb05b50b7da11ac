"""What gets drawn as one box: every step, except collapsed blocks and wide fan-outs."""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from hashlib import blake2b

from viewer.graph.build import Graph

FANOUT_THRESHOLD = 25


@dataclass(frozen=True, slots=True)
class Cluster:
    """Several steps drawn as one box; `key` is the id whose toggle shows them again (the
    fan-out's parent step, or the block)."""

    kind: str  # "fanout" or "block"
    key: str
    members: tuple[str, ...]
    group: str | None  # the expanded block it sits in


Item = str | Cluster  # a step id, or a cluster


@dataclass(frozen=True, slots=True)
class Plan:
    items: tuple[Item, ...]
    edges: tuple[tuple[int, int], ...]
    groups: tuple[int | None, ...]  # per item: the expanded block it belongs to, as a number
    starts: tuple[int, ...]

    def digest(self) -> str:
        """Everything the layout depends on, hashed (names and statuses are not part of it)."""
        data = array("q", [len(self.items), *self.starts, -1])
        data.extend(x for edge in self.edges for x in edge)
        data.extend(-1 if g is None else g for g in self.groups)
        return blake2b(data.tobytes(), digest_size=16).hexdigest()


def plan(
    graph: Graph,
    status: Mapping[str, str],
    *,
    expanded: frozenset[str] = frozenset(),
    collapsed: frozenset[str] = frozenset(),
    threshold: int = FANOUT_THRESHOLD,
) -> Plan:
    """Collapse the requested blocks, then each fan-out of more than `threshold` children
    that end there or all lead to the same step (unless its parent is in `expanded`).
    Failed steps are never hidden: they stay out of fan-out boxes and keep blocks open."""
    failed = {step for step, key in status.items() if key == "failure"}
    blocks = frozenset(
        group.id
        for group in graph.groups
        if group.id in collapsed and failed.isdisjoint(group.members)
    )
    index = {node.id: i for i, node in enumerate(graph.nodes)}
    block_of = {
        index[m]: cluster
        for cluster in (
            Cluster("block", g.id, g.members, None) for g in graph.groups if g.id in blocks
        )
        for m in cluster.members
    }
    items, edges = _merge(
        [node.id for node in graph.nodes],
        [(index[e.source], index[e.target]) for e in graph.edges],
        block_of,
    )
    group_of = {node.id: node.group for node in graph.nodes if node.group not in blocks}
    root = next((node.id for node in graph.nodes if node.is_root), None)
    fans = _fanouts(items, edges, group_of, expanded, failed | {root}, threshold)
    items, edges = _merge(items, edges, fans)
    numbers: dict[str, int] = {}
    groups = tuple(
        None if g is None else numbers.setdefault(g, len(numbers))
        for g in (item.group if isinstance(item, Cluster) else group_of.get(item) for item in items)
    )
    starts = tuple(i for i, item in enumerate(items) if item == root)
    return Plan(tuple(items), tuple(edges), groups, starts)


def _merge(
    items: list[Item], edges: list[tuple[int, int]], into: Mapping[int, Cluster]
) -> tuple[list[Item], list[tuple[int, int]]]:
    """Replace items by their cluster (placed where its first member was); edges follow,
    those inside a cluster vanish, duplicates go."""
    if not into:
        return items, edges
    new_items: list[Item] = []
    renumber: list[int] = []
    placed: dict[Cluster, int] = {}  # cluster -> its new index
    for i, item in enumerate(items):
        cluster = into.get(i)
        if cluster is None:
            renumber.append(len(new_items))
            new_items.append(item)
        elif cluster in placed:
            renumber.append(placed[cluster])
        else:
            placed[cluster] = len(new_items)
            renumber.append(len(new_items))
            new_items.append(cluster)
    seen: set[tuple[int, int]] = set()
    new_edges: list[tuple[int, int]] = []
    for u, v in edges:
        edge = (renumber[u], renumber[v])
        if edge in seen or (edge[0] == edge[1] and u != v):
            continue
        seen.add(edge)
        new_edges.append(edge)
    return new_items, new_edges


def _fanouts(
    items: list[Item],
    edges: list[tuple[int, int]],
    group_of: Mapping[str, str | None],
    expanded: frozenset[str],
    keep: set[str | None],
    threshold: int,
) -> dict[int, Cluster]:
    """More than `threshold` children of one step that have no other parent, each with the
    chain of steps that only it leads to (a step with one parent and one child, down to
    where chains merge, branch or end): one box, whose arrows go where the chains went."""
    succ: list[list[int]] = [[] for _ in items]
    parents = [0] * len(items)
    for u, v in edges:
        succ[u].append(v)
        parents[v] += 1

    def plain(i: int, group: str | None) -> bool:
        item = items[i]
        return isinstance(item, str) and item not in keep and group_of.get(item) == group

    into: dict[int, Cluster] = {}
    for x, parent in enumerate(items):
        if not isinstance(parent, str) or parent in expanded or len(succ[x]) <= threshold:
            continue
        buckets: dict[str | None, list[int]] = {}
        heads: dict[str | None, int] = {}
        for c in succ[x]:
            group = group_of.get(items[c]) if isinstance(items[c], str) else None
            if c == x or c in into or parents[c] != 1 or not plain(c, group):
                continue
            chain = [c]
            while len(succ[chain[-1]]) == 1:
                nxt = succ[chain[-1]][0]
                # one parent each: the chain cannot come back on itself
                if nxt == x or nxt in into or parents[nxt] != 1 or not plain(nxt, group):
                    break
                chain.append(nxt)
            buckets.setdefault(group, []).extend(chain)
            heads[group] = heads.get(group, 0) + 1
        for group, members in buckets.items():
            if heads[group] > threshold:
                cluster = Cluster("fanout", parent, tuple(items[m] for m in members), group)
                into.update(dict.fromkeys(members, cluster))
    return into
