"""graph_view and _graph.html: what a run's diagram says, escaping, collapsing, caching."""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader

from viewer.demo.generate import generate_workflow_run
from viewer.graph import geometry, view
from viewer.graph.build import build_graph
from viewer.graph.cache import LayoutCache
from viewer.graph.draw import path_d
from viewer.graph.fitting import fit, width
from viewer.graph.icons import TOKEN, at
from viewer.graph.svg import WARNED_TITLE
from viewer.graph.toggles import parse_boxes, resolve
from viewer.graph.view import GraphView, graph_view, status_key
from viewer.runs.status import ICONS, TEMPLATE_GLOBALS

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_ID = '"><script>alert(1)</script>'
EXAMPLE = {
    "nodes": {
        "root": {"type": "manual", "name": "Manual trigger", "children": ["price", HOSTILE_ID]},
        "price": {"type": "read_price", "name": "Read ETH price", "children": ["check"]},
        "check": {"type": "condition", "name": "Below 2,900 USD?", "children": ["swap"]},
        "swap": {"type": "uniswap_swap", "name": "Swap USDC for ETH", "children": []},
        HOSTILE_ID: {"type": "http_request", "name": HOSTILE_NAME, "children": ["ghost"]},
    }
}
STATUSES = {"root": "success", "price": "success", "check": "weird", "swap": "failure"}


class Elements(HTMLParser):
    """Every start tag with its (unescaped) attributes."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.found
            if name == tag and (cls is None or cls in (attrs.get("class") or "").split())
        ]


def opened(definition: object, href: str | None) -> tuple[set[str], set[str]]:
    """(expanded fan-out parents, collapsed blocks) a link's `boxes` value stands for."""
    query = parse_qs(urlsplit(href or "").query)
    assert set(query) <= {"steps", "boxes"}
    expanded, collapsed = resolve(build_graph(definition), parse_boxes(query["boxes"][0]))
    return set(expanded), set(collapsed)


def make(definition: object = EXAMPLE, **kwargs) -> GraphView:
    args = {
        "run_id": "run_1",
        "workflow_id": "wf",
        "workflow_version": 7,
        "definition": definition,
        "statuses": STATUSES,
        "cache": LayoutCache(8),
    } | kwargs
    return graph_view(**args)


def render(graph: GraphView) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    env.globals.update(TEMPLATE_GLOBALS)
    return env.get_template("_graph.html").render(graph=graph)


@pytest.fixture(scope="module")
def page() -> str:
    return render(make(step_facts={"price": ("1.2 s", "40"), "swap": ("", "1,800")}))


def steps_markup(html: str) -> str:
    """The diagram's steps alone (what repeats per step)."""
    return html[html.index('<g class="steps">') :]


class Steps(HTMLParser):
    """The diagram's steps: each link's attributes, its elements in order, and what a screen
    reader names it by (its texts in order, a <title> standing for its element's text, an
    aria-label for its element)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.steps: dict[str, dict] = {}
        self.step: dict | None = None
        self.inside: list[str] = []  # open elements of the current step, the link first
        self.titled: list[bool] = []  # per open element: a <title> gave its text
        self.layers: list[str] = []  # classes of the open <g> elements round the steps
        self.feed(steps_markup(html))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.step is None:
            if tag == "g":
                self.layers.append(dict(attrs).get("class") or "")
            if tag != "a" or not self.layers or self.layers[-1] != "steps":
                return
            href = dict(attrs)["href"] or ""
            (step_id,) = parse_qs(urlsplit(href).query)["node"]
            self.step = {"attrs": dict(attrs), "elements": [], "words": []}
            self.steps[step_id] = self.step
        else:
            self.step["elements"].append((tag, dict(attrs)))
            if dict(attrs).get("aria-label"):
                self.step["words"].append(dict(attrs)["aria-label"])
        self.inside.append(tag)
        self.titled.append(False)

    def handle_endtag(self, tag: str) -> None:
        if self.step is None:
            if tag == "g" and self.layers:
                self.layers.pop()
            return
        self.inside.pop()
        self.titled.pop()
        if not self.inside:
            self.step = None

    def handle_data(self, data: str) -> None:
        if self.step is None or not self.inside:
            return
        if self.inside[-1] == "title":
            self.titled[-2] = True
            self.step["words"].append(data)
        elif not self.titled[-1]:
            self.step["words"].append(data)


def test_every_step_is_a_link_named_by_its_name_type_and_status(page: str) -> None:
    steps = Steps(page).steps
    assert set(steps) == {"root", "price", "check", "swap", HOSTILE_ID}
    words = {step_id: step["words"] for step_id, step in steps.items()}
    assert words["price"] == ["Read ETH price", "read_price", "Succeeded"]
    assert words["check"] == ["Below 2,900 USD?", "condition", "Unknown status"]
    assert words["swap"] == ["Swap USDC for ETH", "uniswap_swap", "Failed"]
    assert words[HOSTILE_ID] == [HOSTILE_NAME, "http_request", "Not run yet"]
    assert words["root"] == ["Manual trigger", "manual", "Succeeded", "Trigger"]  # tag: hidden
    # the commonest status, success, is left off (status.css and graph.js read it so)
    status = {step_id: step["attrs"].get("data-status") for step_id, step in steps.items()}
    assert status == {
        "root": None,
        "price": None,
        "check": "unknown",
        "swap": "failure",
        HOSTILE_ID: "not_run",
    }
    assert steps["price"]["attrs"]["href"] == "?node=price"
    hostile = steps[HOSTILE_ID]["attrs"]["href"]
    assert hostile == "?node=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E"


def test_each_step_is_placed_once_and_draws_the_same_inside(page: str) -> None:
    """One translation per step, to its name's start; inside it, the same plain shapes for
    every step of a status: a <rect> (graph.css offsets and sizes it), the name, the type one
    line below and the status's icon (its own path data, made relative). No <use>."""
    graph = make(step_facts={"price": ("1.2 s", "40"), "swap": ("", "1,800")})
    steps = Steps(page).steps
    assert "<use" not in steps_markup(page)
    x0, y0 = geometry.LABEL_X, geometry.NAME_Y
    for s in graph.steps:
        link = steps[s.id]["attrs"]
        assert link["transform"] == f"translate({s.x + x0},{s.y + y0})"
        shapes = [(tag, attrs) for tag, attrs in steps[s.id]["elements"] if tag != "title"]
        assert [tag for tag, _ in shapes[:4]] == ["rect", "text", "text", "path"]
        rect, name, kind, icon = (attrs for _, attrs in shapes[:4])
        assert rect == {} and name == {}
        assert kind == {"y": str(geometry.TYPE_Y - y0)}
        drawn = at(ICONS[s.status], geometry.ICON_X - x0, geometry.ICON_Y - y0)
        assert TOKEN.findall(icon["d"] or "") == TOKEN.findall(drawn)
    xs = {s.x for s in graph.steps}
    assert len(xs) > 1 or len({s.y for s in graph.steps}) > 1, "the steps are apart"


def test_every_step_of_a_big_diagram_keeps_its_link_place_texts_and_named_icon() -> None:
    """Over a generated run of 600 steps, sent in chunks: each step once, as a link to its
    panel, placed where the layout put its box, with its name, its type and the icon of its
    status named by the status word (a warned step's too)."""
    run = generate_workflow_run(600, seed=5)
    statuses = {key: value["status"] for key, value in run["executionState"].items()}
    graph = make(run["workflowDefinition"], statuses=statuses)
    warned = {s.id for s in graph.steps if s.status == "success"}
    html = f'<g class="viewport">{graph.layers_svg(warned, False, "M1 1h1", None)}</g></svg>'
    assert 'class="later"' in html, "sent in chunks"
    steps = Steps(html).steps
    assert len(steps) == len(graph.steps) > 400
    for s in graph.steps:
        step = steps[s.id]
        assert step["attrs"]["href"] == s.href
        x, y = s.x + geometry.LABEL_X, s.y + geometry.NAME_Y
        assert step["attrs"]["transform"] == f"translate({x},{y})"
        icon = next(attrs for tag, attrs in step["elements"] if tag == "path")
        icon_at = (geometry.ICON_X - geometry.LABEL_X, geometry.ICON_Y - geometry.NAME_Y)
        assert TOKEN.findall(icon["d"] or "") == TOKEN.findall(at(ICONS[s.status], *icon_at))
        words = ", with a warning in its logs" if s.id in warned else ""
        said = [w for w in step["words"] if w not in ("Trigger", WARNED_TITLE)]  # aria-hidden
        assert said == [s.title or s.label, s.full_type or s.type_label, s.status_label + words]
    assert {s.status for s in graph.steps} >= {"success", "failure", "skipped"}


def test_upstream_text_is_escaped_and_nothing_runs_inline(page: str) -> None:
    assert HOSTILE_NAME not in page
    assert "<script>" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    elements = Elements(page)
    assert not [tag for tag, _ in elements.found if tag == "script"]
    attributes = {name for _, attrs in elements.found for name in attrs}
    assert not {name for name in attributes if name == "style" or name.startswith("on")}
    root = elements.all("div", "graph")[0]
    assert "data-hx-ignore" in root


def test_the_svg_has_a_label_one_arrowhead_and_an_icon_per_status(page: str) -> None:
    elements = Elements(page)
    (svg,) = elements.all("svg", "graph-svg")
    assert svg["role"] == "document"
    assert svg["aria-label"] == "Workflow diagram, 5 steps"
    assert len(elements.all("marker")) == 1
    symbols = {s["id"] for s in elements.all("symbol")}
    expected = {"success", "failure", "running", "waiting", "cancelled", "skipped", "not_run"}
    # the warning mark's icon too: a live refresh may mark a step that succeeded with a warning
    assert symbols == {f"st-{k}" for k in (*expected, "pending", "unknown", "warned")}
    assert len(elements.all("g", "viewport")) == 1
    # graph.js's box size and a box's corner from its step's place, as graph.css draws them
    assert svg["data-box"] == "200 56 8 34 23"


def test_the_trigger_is_marked_and_the_first_failure_can_be_jumped_to(page: str) -> None:
    steps = Steps(page).steps
    assert steps["root"]["attrs"]["class"] == "root"
    assert ">Trigger</text>" in page
    (jump,) = [b for b in Elements(page).all("button") if b.get("data-action") == "jump"]
    assert jump["data-target"] == "swap"
    assert "disabled" not in jump


def test_without_a_failure_the_jump_button_is_disabled() -> None:
    html = render(make(statuses={"root": "success"}))
    (jump,) = [b for b in Elements(html).all("button") if b.get("data-action") == "jump"]
    assert "disabled" in jump


def test_legend_counts_every_status_and_unknown_only_when_present(page: str) -> None:
    counts = {c.status: c.count for c in make().counts}
    assert counts == {
        "failure": 1,
        "running": 0,
        "waiting": 0,
        "pending": 0,
        "success": 2,
        "skipped": 0,
        "cancelled": 0,
        "not_run": 1,
        "unknown": 1,
    }
    assert "unknown" not in {c.status for c in make(statuses={}).counts}
    assert 'data-count="unknown">1<' in page


def test_a_step_without_data_status_succeeded_for_readers_legend_and_scripts(page: str) -> None:
    """The default status left off a step's link still means "Succeeded": its spoken name
    says so, the legend counts it, status.css colours it as success and graph.js reads the
    default from the diagram (data-status-default), not from a list of its own."""
    steps = Steps(page).steps
    bare = {i for i, step in steps.items() if "data-status" not in step["attrs"]}
    assert bare == {"root", "price"}
    for step_id in bare:
        assert steps[step_id]["words"][2] == "Succeeded"
    legend = r'<li data-status="success">[^<]*<svg[^>]*><use href="#st-success"/></svg>Succeeded '
    assert re.search(legend + r'<span class="n" data-count="success">2<', page)
    (root,) = Elements(page).all("div", "graph")
    assert root["data-status-default"] == "success"
    css = (TEMPLATES.parent / "static/status.css").read_text()
    colours = re.search(r'\.graph \[data-status="success"\] (\{[^}]*\})', css)
    assert colours and f".graph .steps > a:not([data-status]) {colours[1]}" in css
    js = (TEMPLATES.parent / "static/graph.js").read_text()
    assert "el.getAttribute('data-status') || s.defaultStatus" in js
    assert "root.getAttribute('data-status-default')" in js


def test_problems_are_shown_in_a_status_notice(page: str) -> None:
    (notice,) = Elements(page).all("div", "graph-problems")
    assert notice["role"] == "status"
    assert "lists a child “ghost” that is not in the workflow" in page


def test_steps_carry_only_what_the_scripts_read(page: str) -> None:
    """The list view is fetched when asked for (_step_list.html): a step's duration, compute
    units and full type do not ride on every box of the diagram; its id is its link's."""
    steps = Steps(page).steps
    assert set(steps["price"]["attrs"]) == {"href", "transform"}  # succeeded: no data-status
    assert set(steps["swap"]["attrs"]) == {"href", "data-status", "transform"}
    assert steps["root"]["attrs"]["class"] == "root"
    (table,) = Elements(page).all("div", "graph-list")
    assert "hidden" in table


def test_long_names_are_cut_with_the_full_name_in_the_title() -> None:
    name = "Swap every last token in the treasury for ETH before the deadline"
    definition = {"nodes": {"root": {"type": "a_very_long_type_name_that_will_not_fit_in_a_box"}}}
    definition["nodes"]["root"]["name"] = name
    (step,) = make(definition).steps
    assert step.label.endswith("…") and len(step.label) < len(name)
    assert step.title == name
    assert step.full_type == "a_very_long_type_name_that_will_not_fit_in_a_box"
    html = render(make(definition))
    assert f"<title>{name}</title>" in html
    (short,) = make({"nodes": {"root": {"name": "Short"}}}).steps
    assert (short.label, short.title, short.full_type) == ("Short", None, None)


def test_status_keys() -> None:
    statuses = {"a": "running", "b": "bogus", "c": None, "d": "not_run"}
    assert [status_key(statuses, s) for s in "abcde"] == [
        "running",
        "unknown",
        "unknown",
        "not_run",
        "not_run",
    ]


def fan_out(children: int, *, merge: bool = False) -> dict:
    kids = [f"k{i:02d}" for i in range(children)]
    nodes = {"root": {"children": ["hub"]}, "hub": {"name": "Hub", "children": kids}}
    for kid in kids:
        nodes[kid] = {"type": "transfer", "children": ["end"] if merge else []}
    if merge:
        nodes["end"] = {"name": "End"}
    return {"nodes": nodes}


def test_a_wide_fan_out_of_leaves_is_one_box_with_counts() -> None:
    statuses = {f"k{i:02d}": "success" for i in range(27)} | {"k27": "skipped", "k28": "failure"}
    graph = make(fan_out(30), statuses=statuses)
    (cluster,) = graph.clusters
    assert (cluster.kind, cluster.key, cluster.count, cluster.status) == (
        "fanout",
        "hub",
        29,
        "skipped",
    )
    assert "in one box: 27 Succeeded, 1 Skipped, 1 Not run yet." in cluster.title
    assert cluster.summary.startswith("27 Succeeded, 1 Skipped")
    assert "k28" in {s.id for s in graph.steps}, "a failed step is never hidden"
    assert {s.id for s in graph.steps} == {"root", "hub", "k28"}
    assert cluster.page_href == "?steps=all&boxes=e1"  # step number 1 (hub) shown in full
    assert graph.fragment == "/_fragments/runs/run_1/graph"
    assert opened(fan_out(30), cluster.page_href) == ({"hub"}, set())
    assert sum(w for _, _, w in cluster.bar) == 184
    html = render(graph)
    (box,) = Elements(html).all("a", "cluster")
    assert box["aria-label"] == cluster.title
    assert "29 steps after “Hub” in one box" in cluster.title


def test_an_expanded_fan_out_shows_every_step() -> None:
    graph = make(fan_out(30), expanded=frozenset({"hub"}))
    assert graph.clusters == ()
    assert len(graph.steps) == 32


def test_fan_outs_up_to_the_threshold_stay_open() -> None:
    assert make(fan_out(25)).clusters == ()
    assert len(make(fan_out(26)).clusters) == 1


def test_a_fan_out_that_merges_again_is_one_box_between_hub_and_merge() -> None:
    graph = make(fan_out(40, merge=True))
    (cluster,) = graph.clusters
    assert cluster.count == 40
    assert {s.id for s in graph.steps} == {"root", "hub", "end"}
    assert len(graph.edges) == 3


def block_run() -> dict:
    return {
        "nodes": {
            "root": {"children": ["blk"]},
            "blk": {"type": "block", "name": "Rebalance", "children": ["q"]},
            "q": {"children": ["s"]},
            "s": {"children": ["after"]},
            "after": {},
        },
        "blockExpansions": {"blk": ["q", "s"]},
    }


def test_a_block_is_framed_and_can_be_collapsed_into_one_box() -> None:
    graph = make(block_run(), expanded=frozenset({"root", "not-a-step"}))
    (group,) = graph.groups
    assert (group.id, group.label) == ("blk", "Rebalance")
    # the link keeps what is open (a name that is no step is dropped) and collapses the block
    assert opened(block_run(), group.page_href) == ({"root"}, {"blk"})
    boxes = {s.id: s for s in graph.steps}
    assert "q" in boxes and "s" in boxes
    collapsed = make(block_run(), collapsed=frozenset({"blk"}))
    assert collapsed.groups == ()
    (cluster,) = collapsed.clusters
    assert (cluster.kind, cluster.key, cluster.count) == ("block", "blk", 2)
    assert cluster.page_href == "?steps=all"
    assert collapsed.fragment == "/_fragments/runs/run_1/graph"
    assert {s.id for s in collapsed.steps} == {"root", "blk", "after"}
    assert len(collapsed.edges) == 3


def test_a_block_with_a_failed_step_stays_open() -> None:
    graph = make(block_run(), statuses={"s": "failure"}, collapsed=frozenset({"blk"}))
    assert graph.clusters == ()
    (group,) = graph.groups
    assert group.page_href is None


def test_a_second_view_of_the_same_workflow_version_reuses_the_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    real_draw = view.draw
    monkeypatch.setattr(
        view, "draw", lambda plan, work=None: calls.append(plan) or real_draw(plan, work)
    )
    cache = LayoutCache(8)
    first = make(cache=cache, run_id="run_1")
    second = make(cache=cache, run_id="run_2", statuses={"root": "running"})
    assert len(calls) == 1
    assert [(s.x, s.y) for s in first.steps] == [(s.x, s.y) for s in second.steps]
    make(cache=cache, workflow_version=8)
    make(fan_out(30), cache=cache)
    assert len(calls) == 3


def test_an_unreadable_definition_still_renders() -> None:
    html = render(make(None))
    assert "Workflow diagram, 0 steps" in html
    assert "came without its workflow definition" in html


ids = st.sampled_from(["root", "a", "b", "<i>", '"q"', "k1", "k2"])
names = st.text(max_size=8) | st.none() | st.integers()
node_maps = st.dictionaries(
    ids,
    st.fixed_dictionaries(
        {}, optional={"name": names, "type": names, "children": st.lists(ids, max_size=4) | names}
    )
    | names,
    max_size=7,
)
status_maps = st.dictionaries(ids, st.sampled_from(["success", "failure", "running", "junk"]))


@settings(max_examples=150, deadline=None)
@given(
    node_maps,
    st.dictionaries(ids, st.lists(ids, max_size=3) | names, max_size=3),
    status_maps,
    st.frozensets(ids, max_size=2),
)
def test_any_definition_renders(
    nodes: dict, expansions: dict, statuses: dict, toggled: frozenset[str]
) -> None:
    definition = {"nodes": nodes, "blockExpansions": expansions}
    graph = make(
        definition, statuses=statuses, expanded=toggled, collapsed=toggled, fanout_threshold=1
    )
    html = render(graph)
    assert "<i>" not in html
    assert f"Workflow diagram, {graph.step_count} step" in html
    # every step is drawn once: in its own box or counted in one collapsed box
    assert len(graph.steps) + sum(c.count for c in graph.clusters) == graph.step_count


def test_path_data_keeps_vertical_runs_straight() -> None:
    assert path_d([(10, 0), (10, 50), (10, 80)]) == "M10 0v80"
    assert path_d([(10, 0), (30, 40), (30, 80), (30, 120), (10, 160)]) == (
        "M10 0c0 20 20 20 20 40v80c0 20-20 20-20 40"
    )


def test_fit_cuts_by_width_with_an_ellipsis() -> None:
    """Widths in pixels of the font drawn (13 px bold: an "n" is 9.4 px, an "i" 4.5 px)."""
    assert fit("short", 100, 13, bold=True) == "short"
    assert fit("n" * 16, 100, 13, bold=True) == "n" * 9 + "…"
    assert fit("i" * 16, 100, 13, bold=True) == "i" * 16
    assert fit("n" * 16, 100, 11) == "n" * 12 + "…"  # the type line's smaller, lighter font
    assert fit("漢字" * 4, 100, 13, bold=True).endswith("…")
    for text in ("W" * 40, "Read ARB and USDC balances on Arbitrum", "m_m_m_m_m_m_m_m_m_m_m"):
        assert width(fit(text, 158, 13, bold=True), 13, bold=True) <= 158


def test_a_graph_is_built_once_per_definition_content_and_never_stale() -> None:
    first = make()
    again = make(copy.deepcopy(EXAMPLE))  # another read of the same workflow
    assert view.GRAPHS.get(EXAMPLE, lambda: None) is view.GRAPHS.get(
        copy.deepcopy(EXAMPLE), lambda: None
    )
    assert [s.label for s in again.steps] == [s.label for s in first.steps]
    renamed = copy.deepcopy(EXAMPLE)  # same workflow id and version, other content
    renamed["nodes"]["price"]["name"] = "Read BTC price"
    labels = {s.id: s.label for s in make(renamed).steps}
    assert labels["price"] == "Read BTC price"


def test_sizes_every_box_shares_are_graph_css_and_match_the_geometry() -> None:
    """What repeats in every block frame and proportion bar is graph.css's, not an attribute."""
    css = (Path(__file__).resolve().parents[2] / "static/graph.css").read_text()
    assert re.search(rf"\.cluster \.seg \{{[^}}]*height: {geometry.BAR_H}px;", css)
    assert re.search(rf"\.group rect \{{[^}}]*rx: {geometry.GROUP_CORNER}px;", css)
    # a step's box, from its link's place (its name's start)
    offset = rf"x: -{geometry.LABEL_X}px; y: -{geometry.NAME_Y}px;"
    assert re.search(rf"\.steps > a > rect \{{ {offset} \}}", css)
    sizes = rf"width: {geometry.NODE_W}px; height: {geometry.NODE_H}px; rx: {geometry.CORNER}px;"
    assert re.search(rf"\.steps > a > rect, \.cluster > rect:not\(\.seg\) \{{ {sizes} \}}", css)
    assert re.search(r"\.cluster text\.more, \.group \.toggle text \{[^}]*text-anchor: end;", css)
    framed = render(make(block_run()))
    group = framed[framed.index("<g class=group") : framed.index('<g class="edges">')]
    assert "<rect " in group and " rx=" not in group and "text-anchor" not in group
    folded = render(make(block_run(), collapsed=frozenset({"blk"})))
    cluster = folded[folded.index('<g class="clusters">') : folded.index('<g class="steps">')]
    assert "<rect class=seg " in cluster and " height=" not in cluster
    assert "text-anchor" not in cluster
