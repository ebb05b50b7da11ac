"""The graph's view model: the boxes, arrows and block frames _graph.html draws."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from viewer.graph.build import Graph, Node, build_graph
from viewer.graph.cache import LayoutCache
from viewer.graph.chunks import Layers, layers_svg, split
from viewer.graph.draw import Drawing, EdgeView, draw
from viewer.graph.firstview import Frame, first_view, frame, region
from viewer.graph.fitting import fit, width
from viewer.graph.geometry import (
    BAR_INSET,
    GEOMETRY,
    GROUP_HEAD,
    GROUP_PAD,
    LABEL_X,
    NAME_SIZE,
    NODE_W,
    SMALL_SIZE,
    TEXT_RIGHT,
    TYPE_SIZE,
    Geometry,
)
from viewer.graph.icons import at
from viewer.graph.layout import Box
from viewer.graph.plan import FANOUT_THRESHOLD, Cluster, Item, Plan, plan
from viewer.graph.toggles import Boxes, Links, resolve
from viewer.graph.work import WORK_LIMIT, Work
from viewer.runs.digest import ContentMemo
from viewer.runs.status import ATTENTION, ORDER, STATUS_LABELS

STATUS_RANK = {key: rank for rank, key in enumerate(ORDER)}
TEXT_ROOM = NODE_W - LABEL_X - TEXT_RIGHT  # px for a box's name and type
# a box of several steps: its label shares the line with "Show all" (ending 10 px inside)
CLUSTER_ROOM = NODE_W - 10 - LABEL_X - width("Show all", SMALL_SIZE, bold=True) - TEXT_RIGHT
COLLAPSE_ROOM = width("Collapse", SMALL_SIZE, bold=True) + 2 * GROUP_PAD + TEXT_RIGHT
# Graphs by definition content: every view of a workflow (each run, each refresh) shares one.
GRAPHS: ContentMemo[Graph] = ContentMemo(max_entries=16, max_weight=40_000)
URL_SAFE = re.compile(r"[A-Za-z0-9_.~:-]*")  # left as they are in a query value


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: str
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class StepView:
    id: str
    name: str  # in full
    label: str  # fitted to the box
    title: str | None  # the full name, when the label had to be cut
    type: str
    type_label: str
    full_type: str | None  # the full type, when type_label had to be cut
    status: str
    status_label: str  # the word shown: the status's own, or the upstream's ("Timed out")
    is_root: bool
    href: str  # relative to the run page: "?node=<id>"
    x: int  # the box's top-left corner
    y: int
    duration: str | None
    cu: str | None


@dataclass(frozen=True, slots=True)
class ClusterView:
    """A box standing for several steps (a wide fan-out or a collapsed block)."""

    kind: str  # "fanout" or "block"
    key: str  # the fan-out's parent step, or the block
    count: int
    label: str
    summary: str
    title: str
    status: str  # the status most worth a look among its steps
    bar: tuple[tuple[str, int, int], ...]  # (status, x, width) of a proportion bar
    page_href: str
    x: int  # the box's top-left corner
    y: int


@dataclass(frozen=True, slots=True)
class GroupView:
    """The frame around a block's expanded steps, with a link that collapses it."""

    id: str
    label: str
    title: str
    x: int
    y: int
    w: int
    h: int
    page_href: str | None  # None: not collapsible (one of its steps failed)


@dataclass(frozen=True, slots=True)
class GraphView:
    run_id: str
    fragment: str  # the graph fragment's URL: graph.js adds a toggle's `boxes` to it
    step_count: int
    steps: tuple[StepView, ...]
    clusters: tuple[ClusterView, ...]
    groups: tuple[GroupView, ...]
    edges: tuple[EdgeView, ...]
    problems: tuple[str, ...]
    counts: tuple[StatusCount, ...]  # legend order; "unknown" only when present
    first_failed: str | None
    width: int
    height: int
    drawn: bool = True  # False: too costly to lay out; the steps are listed instead
    geo: Geometry = GEOMETRY

    def layers_svg(
        self,
        warned: Collection[str] = (),
        keep_steps: bool = False,
        warning_icon: str = "",
        node: str | None = None,
    ) -> Layers:
        """The diagram's layers, drawn (graph/svg.py): first what the first view shows (on the
        trigger, or on step `node`), then the rest in chunks drawn later (graph/chunks.py).
        `warned` steps get a mark whose path data is `warning_icon`; `keep_steps` links keep
        the server-drawn list of steps."""
        view = first_view(self, node)
        parts = split(
            self.steps,
            self.clusters,
            self.groups,
            self.edges,
            self.geo,
            region(view) if view else None,
        )
        return layers_svg(parts, self.geo, warned, keep_steps, warning_icon)

    def frame(self, node: str | None) -> Frame:
        """The <svg>'s viewBox and size for the first view, on the trigger or on step `node`
        (graph/firstview.py)."""
        return frame(self, first_view(self, node))

    @staticmethod
    def icon(d: str) -> str:
        """An icon's path data in the form the steps draw it with (graph/icons.py), which
        graph-live.js reads from the <symbol>s to draw another status."""
        return at(d, 0, 0)


def graph_view(
    *,
    run_id: str,
    workflow_id: str | None,
    workflow_version: int | None,
    definition: object,
    statuses: Mapping[str, str],
    cache: LayoutCache,
    expanded: frozenset[str] = frozenset(),
    collapsed: frozenset[str] = frozenset(),
    step_facts: Mapping[str, tuple[str, str]] | None = None,
    labels: Mapping[str, str] | None = None,
    boxes: Boxes | None = None,
    fanout_threshold: int = FANOUT_THRESHOLD,
    work_limit: int = WORK_LIMIT,
) -> GraphView:
    """Build, lay out (cached per workflow version and shape) and describe one run's graph.

    `statuses`: step id -> status key; `expanded`: fan-out parents to show in full;
    `collapsed`: blocks to draw as one box (or `boxes`: both as numbers, from a link);
    `step_facts`: step id -> (duration, compute units) texts for the list view; `labels`: step
    id -> the status word shown when it is not the status's own (an upstream "timed_out" is a
    failure that reads "Timed out")."""
    graph = GRAPHS.get(definition, lambda: build_graph(definition), weight=_weight(definition))
    if boxes is not None:
        expanded, collapsed = resolve(graph, boxes)
    status = {node.id: status_key(statuses, node.id) for node in graph.nodes}
    drawn = plan(graph, status, expanded=expanded, collapsed=collapsed, threshold=fanout_threshold)
    drawing = cache.get_or_compute(
        (workflow_id, workflow_version, drawn.digest()), lambda: draw(drawn, Work(work_limit))
    )
    links = Links(run_id, graph, expanded, collapsed)
    counts = Counter(status.values())
    common = {
        "run_id": run_id,
        "fragment": links.fragment,
        "step_count": len(graph.nodes),
        "problems": graph.problems,
        "counts": tuple(
            StatusCount(key, STATUS_LABELS[key], counts[key])
            for key in ORDER
            if key != "unknown" or counts[key]
        ),
        "first_failed": next((n.id for n in graph.nodes if status[n.id] == "failure"), None),
    }
    facts, words = step_facts or {}, labels or {}
    if drawing.layout is None:  # too costly to lay out: every step, listed
        every = [node.id for node in graph.nodes]
        steps = _steps(graph, every, [None] * len(every), status, links, facts, words)
        return GraphView(
            steps=steps, clusters=(), groups=(), edges=(), width=0, height=0, drawn=False, **common
        )
    return GraphView(
        steps=_steps(graph, drawn.items, drawing.layout.boxes, status, links, facts, words),
        clusters=_clusters(graph, drawn, drawing, status, links),
        groups=_groups(graph, drawn, drawing, status, links),
        edges=drawing.edges,
        width=drawing.layout.width,
        height=drawing.layout.height,
        **common,
    )


def _weight(definition: object) -> int:
    nodes = definition.get("nodes") if isinstance(definition, dict) else None
    return len(nodes) if isinstance(nodes, dict) else 1


def status_key(statuses: Mapping[str, str], step_id: str) -> str:
    """The step's status key: `not_run` without an entry, `unknown` for anything unexpected."""
    if step_id not in statuses:
        return "not_run"
    value = statuses[step_id]
    return value if isinstance(value, str) and value in STATUS_LABELS else "unknown"


def _steps(
    graph: Graph,
    items: Sequence[Item],
    boxes: Sequence[Box | None],
    status: Mapping[str, str],
    links: Links,
    facts: Mapping[str, tuple[str, str]],
    labels: Mapping[str, str],
) -> tuple[StepView, ...]:
    nodes: dict[str, Node] = {node.id: node for node in graph.nodes}
    out = []
    for item, box in zip(items, boxes, strict=True):
        if isinstance(item, Cluster):
            continue
        node = nodes[item]
        kind = node.type or "no type"
        label = fit(node.label, TEXT_ROOM, NAME_SIZE, bold=True)
        type_label = fit(kind, TEXT_ROOM, TYPE_SIZE)
        duration, cu = facts.get(item) or (None, None)
        said = labels.get(item) or STATUS_LABELS[status[item]]
        out.append(
            StepView(
                id=item,
                name=node.label,
                label=label,
                title=node.label if label != node.label else None,
                type=kind,
                type_label=type_label,
                full_type=kind if type_label != kind else None,
                status=status[item],
                status_label=said,
                is_root=node.is_root,
                href=links.step(item),
                x=box.x if box else 0,
                y=box.y if box else 0,
                duration=duration or None,
                cu=cu or None,
            )
        )
    return tuple(out)


def _clusters(
    graph: Graph, drawn: Plan, drawing: Drawing, status: Mapping[str, str], links: Links
) -> tuple[ClusterView, ...]:
    labels = {node.id: node.label for node in graph.nodes}
    labels |= {group.id: group.label for group in graph.groups}
    out = []
    assert drawing.layout is not None
    for item, box in zip(drawn.items, drawing.layout.boxes, strict=True):
        if not isinstance(item, Cluster):
            continue
        ordered = sorted(
            Counter(status[m] for m in item.members).items(), key=lambda kv: STATUS_RANK[kv[0]]
        )
        said = ", ".join(f"{n} {STATUS_LABELS[key]}" for key, n in ordered)
        present = {key for key, _ in ordered}
        n = len(item.members)
        owner = labels.get(item.key, item.key)
        if item.kind == "block":
            label, page = owner, links.toggled(reopen=item.key)
            title = f"Block “{owner}”, {n} steps in one box: {said}. Show its steps."
            summary = f"{n} steps · {said}"
        else:
            label, page = f"{n} steps", links.toggled(expand=item.key)
            title = f"{n} steps after “{owner}” in one box: {said}. Show them all."
            summary = said
        out.append(
            ClusterView(
                kind=item.kind,
                key=item.key,
                count=n,
                label=fit(label, CLUSTER_ROOM, NAME_SIZE, bold=True),
                summary=fit(summary, TEXT_ROOM, TYPE_SIZE),
                title=title,
                status=next((key for key in ATTENTION if key in present), "success"),
                bar=_bar(ordered, n, NODE_W - 2 * BAR_INSET),
                page_href=page,
                x=box.x,
                y=box.y,
            )
        )
    return tuple(out)


def _bar(
    ordered: list[tuple[str, int]], total: int, width: int
) -> tuple[tuple[str, int, int], ...]:
    """Segments of a bar split in proportion to the counts (each at least 2 px wide),
    starting BAR_INSET in from the box's left edge (x from that edge)."""
    segments = []
    x = BAR_INSET
    end = x + width
    for i, (key, n) in enumerate(ordered):
        w = end - x if i == len(ordered) - 1 else max(2, round(width * n / total))
        segments.append((key, x, w))
        x += w
    return tuple(segments)


def _groups(
    graph: Graph, drawn: Plan, drawing: Drawing, status: Mapping[str, str], links: Links
) -> tuple[GroupView, ...]:
    boxes: dict[str, list[Box]] = {}
    group_of = {node.id: node.group for node in graph.nodes}
    for item, box in zip(drawn.items, drawing.layout.boxes, strict=True):
        group = item.group if isinstance(item, Cluster) else group_of[item]
        if group is not None:
            boxes.setdefault(group, []).append(box)
    out = []
    for group in graph.groups:
        inside = boxes.get(group.id)
        if not inside:
            continue
        left = min(b.x for b in inside) - GROUP_PAD
        top = min(b.y for b in inside) - GROUP_PAD - GROUP_HEAD
        right = max(b.x + b.w for b in inside) + GROUP_PAD
        bottom = max(b.y + b.h for b in inside) + GROUP_PAD
        failed = any(status[m] == "failure" for m in group.members)
        page = None if failed else links.toggled(collapse=group.id)
        n = len(group.members)
        out.append(
            GroupView(
                id=group.id,
                # "Collapse" shares its line
                label=fit(group.label, right - left - COLLAPSE_ROOM, SMALL_SIZE, bold=True),
                title=f"Block “{group.label}”: {n} step{'' if n == 1 else 's'}",
                x=left,
                y=top,
                w=right - left,
                h=bottom - top,
                page_href=page,
            )
        )
    return tuple(out)
