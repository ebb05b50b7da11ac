"""The graph's view model: boxes, arrows, groups and the list view rows _graph.html draws."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from unicodedata import east_asian_width
from urllib.parse import quote, urlencode

from viewer.graph.build import Graph, build_graph
from viewer.graph.cache import LayoutCache
from viewer.graph.layout import NODE_H, NODE_W, Box, Layout, Point, layered_layout
from viewer.graph.plan import FANOUT_THRESHOLD, Cluster, Plan, plan
from viewer.status import KNOWN

STATUS_TEXT = {key: status.label for key, status in KNOWN.items()} | {"unknown": "Unknown status"}
LEGEND = ("failure", "running", "waiting", "pending", "success", "skipped", "cancelled", "not_run")
STATUS_RANK = {key: rank for rank, key in enumerate((*LEGEND, "unknown"))}
LABEL_UNITS = 23.0  # room for a name in a box, in widths of an average lowercase letter
TYPE_UNITS = 27.0  # the same for the smaller type line
GROUP_PAD = 12
GROUP_HEAD = 22  # room above a block's first row for its title


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: str
    text: str
    count: int


@dataclass(frozen=True, slots=True)
class StepView:
    id: str
    name: str  # full
    label: str  # fitted to the box
    type: str
    type_label: str
    status: str
    is_root: bool
    href: str
    aria_label: str
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class ClusterView:
    """A box standing for several steps (a wide fan-out or a collapsed block)."""

    kind: str
    key: str
    label: str
    summary: str
    title: str
    status: str  # the most telling status among its steps
    bar: tuple[tuple[str, int, int], ...]  # (status, x, width) segments of a proportion bar
    page_href: str
    fragment_href: str
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class GroupView:
    """The box around a block's expanded steps, with a link that collapses it."""

    id: str
    label: str
    title: str
    x: int
    y: int
    w: int
    h: int
    page_href: str | None  # None: cannot collapse (one of its steps failed)
    fragment_href: str | None


@dataclass(frozen=True, slots=True)
class EdgeView:
    d: str
    back: bool


@dataclass(frozen=True, slots=True)
class StepRow:
    id: str
    name: str
    type: str
    status: str
    status_text: str
    href: str
    duration: str
    cu: str


@dataclass(frozen=True, slots=True)
class GraphView:
    run_id: str
    step_count: int
    steps: tuple[StepView, ...]
    clusters: tuple[ClusterView, ...]
    groups: tuple[GroupView, ...]
    edges: tuple[EdgeView, ...]
    rows: tuple[StepRow, ...]
    problems: tuple[str, ...]
    counts: tuple[StatusCount, ...]  # legend order; "unknown" only when present
    first_failed: str | None
    width: int
    height: int
    box_w: int = NODE_W
    box_h: int = NODE_H


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
    fanout_threshold: int = FANOUT_THRESHOLD,
) -> GraphView:
    """Build, lay out (cached per workflow version and shape) and describe one run's graph.

    `expanded`: fan-out parents to show in full; `collapsed`: blocks to draw as one box."""
    graph = build_graph(definition)
    status = {node.id: status_key(statuses, node.id) for node in graph.nodes}
    drawn = plan(graph, status, expanded=expanded, collapsed=collapsed, threshold=fanout_threshold)
    layout = cache.get_or_compute(
        (workflow_id, workflow_version, drawn.digest()),
        lambda: layered_layout(
            len(drawn.items), drawn.edges, starts=drawn.starts, clusters=drawn.groups
        ),
    )
    links = _Links(run_id, expanded, collapsed)
    counts = Counter(status.values())
    return GraphView(
        run_id=run_id,
        step_count=len(graph.nodes),
        steps=_steps(graph, drawn, layout, status, links),
        clusters=_clusters(graph, drawn, layout, status, links),
        groups=_groups(graph, drawn, layout, status, links),
        edges=_edges(drawn, layout),
        rows=_rows(graph, status, links, step_facts or {}),
        problems=graph.problems,
        counts=tuple(
            StatusCount(key, STATUS_TEXT[key], counts[key])
            for key in (*LEGEND, "unknown")
            if key != "unknown" or counts[key]
        ),
        first_failed=next((n.id for n in graph.nodes if status[n.id] == "failure"), None),
        width=layout.width,
        height=layout.height,
    )


def status_key(statuses: Mapping[str, str], step_id: str) -> str:
    """The step's status key: `not_run` without an entry, `unknown` for anything unexpected."""
    if step_id not in statuses:
        return "not_run"
    value = statuses[step_id]
    return value if isinstance(value, str) and value in STATUS_TEXT else "unknown"


class _Links:
    """URLs of steps, and of the page / fragment with one more or one less box toggled."""

    def __init__(self, run_id: str, expanded: frozenset[str], collapsed: frozenset[str]) -> None:
        run = quote(run_id, safe="")
        self.step_prefix = f"/runs/{run}?node="
        self.page = f"/runs/{run}?steps=all&"
        self.fragment = f"/_fragments/runs/{run}/graph?"
        self.expanded = expanded
        self.collapsed = collapsed

    def step(self, step_id: str) -> str:
        return self.step_prefix + quote(step_id, safe="")

    def toggled(self, *, expand: str = "", collapse: str = "", reopen: str = "") -> tuple[str, str]:
        """(page URL, fragment URL) with one fan-out expanded or one block collapsed/reopened."""
        pairs = [("expand", s) for s in sorted(self.expanded | {expand} - {""})]
        pairs += [("collapse", s) for s in sorted((self.collapsed | {collapse}) - {reopen, ""})]
        query = urlencode(pairs)
        return self.page + query, self.fragment + query


def _steps(
    graph: Graph, drawn: Plan, layout: Layout, status: Mapping[str, str], links: _Links
) -> tuple[StepView, ...]:
    nodes = {node.id: node for node in graph.nodes}
    out = []
    for item, box in zip(drawn.items, layout.boxes, strict=True):
        if isinstance(item, Cluster):
            continue
        node = nodes[item]
        kind = node.type or "no type"
        text = STATUS_TEXT[status[item]]
        out.append(
            StepView(
                id=item,
                name=node.label,
                label=fit(node.label, LABEL_UNITS),
                type=kind,
                type_label=fit(kind, TYPE_UNITS),
                status=status[item],
                is_root=node.is_root,
                href=links.step(item),
                aria_label=f"{node.label} — {kind} — {text}",
                x=box.x,
                y=box.y,
            )
        )
    return tuple(out)


def _clusters(
    graph: Graph, drawn: Plan, layout: Layout, status: Mapping[str, str], links: _Links
) -> tuple[ClusterView, ...]:
    labels = {node.id: node.label for node in graph.nodes}
    labels |= {group.id: group.label for group in graph.groups}
    out = []
    for item, box in zip(drawn.items, layout.boxes, strict=True):
        if not isinstance(item, Cluster):
            continue
        counts = Counter(status[m] for m in item.members)
        ordered = sorted(counts.items(), key=lambda kv: STATUS_RANK[kv[0]])
        said = ", ".join(f"{n} {STATUS_TEXT[key]}" for key, n in ordered)
        n = len(item.members)
        owner = labels.get(item.key, item.key)
        if item.kind == "block":
            label, page, fragment = owner, *links.toggled(reopen=item.key)
            title = f"Block “{owner}”, {n} steps shown as one box: {said}. Show its steps."
            summary = f"{n} steps · {said}"
        else:
            label, page, fragment = f"{n} steps", *links.toggled(expand=item.key)
            title = f"{n} steps after “{owner}”, shown as one box: {said}. Show them all."
            summary = said
        out.append(
            ClusterView(
                kind=item.kind,
                key=item.key,
                label=fit(label, LABEL_UNITS),
                summary=fit(summary, TYPE_UNITS),
                title=title,
                status=ordered[0][0],
                bar=_bar(ordered, n, box.w - 16),
                page_href=page,
                fragment_href=fragment,
                x=box.x,
                y=box.y,
            )
        )
    return tuple(out)


def _bar(
    ordered: list[tuple[str, int]], total: int, width: int
) -> tuple[tuple[str, int, int], ...]:
    """Segments of a bar split in proportion to the counts (each at least 2 px wide), drawn
    8 px in from the box's left edge."""
    segments = []
    x = 8
    for i, (key, n) in enumerate(ordered):
        w = width + 8 - x if i == len(ordered) - 1 else max(2, round(width * n / total))
        segments.append((key, x, w))
        x += w
    return tuple(segments)


def _groups(
    graph: Graph, drawn: Plan, layout: Layout, status: Mapping[str, str], links: _Links
) -> tuple[GroupView, ...]:
    boxes: dict[str, list[Box]] = {}
    group_of = {node.id: node.group for node in graph.nodes}
    for item, box in zip(drawn.items, layout.boxes, strict=True):
        group = item.group if isinstance(item, Cluster) else group_of[item]
        if group is not None and group not in drawn.collapsed_blocks:
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
        page, fragment = (None, None) if failed else links.toggled(collapse=group.id)
        n = len(group.members)
        out.append(
            GroupView(
                id=group.id,
                label=fit(group.label, (right - left - 40) / 7),
                title=f"Block “{group.label}”: {n} step{'s' if n != 1 else ''}",
                x=left,
                y=top,
                w=right - left,
                h=bottom - top,
                page_href=page,
                fragment_href=fragment,
            )
        )
    return tuple(out)


def _edges(drawn: Plan, layout: Layout) -> tuple[EdgeView, ...]:
    out = []
    for (u, v), line, back in zip(drawn.edges, layout.edges, layout.back, strict=True):
        out.append(EdgeView(_loop(layout.boxes[u]) if u == v else path_d(line), back))
    return tuple(out)


def path_d(points: Sequence[Point]) -> str:
    """SVG path data: vertical runs as lines, every other hop an S-curve leaving and
    entering vertically (so the arrowhead points along the flow)."""
    if not points:
        return ""
    x0, y0 = points[0]
    parts = [f"M{x0} {y0}"]
    last = len(points) - 1
    for i in range(1, last + 1):
        x, y = points[i]
        if x == x0:
            if i < last and points[i + 1][0] == x:
                continue
            parts.append(f"V{y}")
        else:
            mid = (y0 + y) // 2
            parts.append(f"C{x0} {mid} {x} {mid} {x} {y}")
        x0, y0 = x, y
    return "".join(parts)


def _loop(box: Box) -> str:
    """A step that lists itself as its child: a small loop on the box's right side."""
    r, y = box.x + box.w, box.y
    return f"M{r} {y + 18}C{r + 40} {y + 4} {r + 40} {y + 52} {r} {y + 38}"


def _rows(
    graph: Graph,
    status: Mapping[str, str],
    links: _Links,
    facts: Mapping[str, tuple[str, str]],
) -> tuple[StepRow, ...]:
    none = ("—", "—")
    return tuple(
        StepRow(
            id=node.id,
            name=node.label,
            type=node.type or "no type",
            status=status[node.id],
            status_text=STATUS_TEXT[status[node.id]],
            href=links.step(node.id),
            duration=facts.get(node.id, none)[0] or "—",
            cu=facts.get(node.id, none)[1] or "—",
        )
        for node in graph.nodes
    )


@lru_cache(maxsize=32768)
def fit(text: str, units: float) -> str:
    """The text, cut with an ellipsis where it would overflow `units` average letter widths."""
    total = 0.0
    cut = 0
    for i, ch in enumerate(text):
        width = _width(ch)
        if total + width <= units - 1:
            cut = i + 1
        total += width
        if total > units:
            return text[:cut].rstrip() + "…"
    return text


def _width(ch: str) -> float:
    """Rough width of a character in a sans-serif font, in average lowercase letters."""
    if ch in "iljtfrI.,:;'|!()[] ":
        return 0.55
    if ch in "mwMW@%":
        return 1.5
    if ch.isupper() or ch.isdigit():
        return 1.25
    if ch.isascii():
        return 1.0
    return 2.0 if east_asian_width(ch) in "WF" else 1.1
