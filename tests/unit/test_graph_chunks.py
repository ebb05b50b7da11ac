"""viewer/graph/chunks.py and _graph.html: a big diagram is sent as what its first view shows,
first, then the rest in chunks by place, every element once, layers in their order."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.unit.test_graph_view import make, render
from viewer.demo.generate import generate_workflow_run
from viewer.graph.chunks import TILE_H, TILE_W, Part, split
from viewer.graph.firstview import first_view, region
from viewer.graph.view import GraphView

LAYERS = ("groups", "edges", "clusters", "steps")


@pytest.fixture(scope="module")
def big() -> GraphView:
    """A generated run of 600 steps with blocks, wide fan-outs and long arrows."""
    run = generate_workflow_run(600, seed=3)
    statuses = {key: value["status"] for key, value in run["executionState"].items()}
    return make(run["workflowDefinition"], statuses=statuses)


def place(item: object, graph: GraphView) -> tuple[int, int, int, int]:
    """Where an element is drawn (its box, frame or the box round its arrow)."""
    area = getattr(item, "area", None)
    if area is not None:
        return area
    w = getattr(item, "w", graph.geo.w)
    h = getattr(item, "h", graph.geo.h)
    return (item.x, item.y, item.x + w, item.y + h)


def meets(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] <= b[2] and a[2] >= b[0] and a[1] <= b[3] and a[3] >= b[1]


def inside(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return b[0] <= a[0] and a[2] <= b[2] and b[1] <= a[1] and a[3] <= b[3]


def parts_of(graph: GraphView, where: tuple[float, float, float, float] | None) -> list[Part]:
    parts = split(graph.steps, graph.clusters, graph.groups, graph.edges, graph.geo, where)
    return [parts.first, *parts.chunks]


def test_the_region_goes_first_and_every_element_is_in_exactly_one_part(big: GraphView) -> None:
    where = (1_000.0, 0.0, 3_000.0, 1_500.0)
    parts = parts_of(big, where)
    assert len(parts) > 4
    for layer in LAYERS:
        every = [id(item) for part in parts for item in getattr(part, layer)]
        assert sorted(every) == sorted(id(item) for item in getattr(big, layer)), layer
        for i, part in enumerate(parts):
            for item in getattr(part, layer):
                assert meets(place(item, big), where) == (i == 0), (layer, item)
    first_steps = {s.id for s in parts[0].steps}
    assert first_steps and len(first_steps) < len(big.steps) // 4


def test_each_chunk_holds_one_tile_in_order_and_its_area_covers_its_elements(
    big: GraphView,
) -> None:
    chunks = parts_of(big, (1_000.0, 0.0, 3_000.0, 1_500.0))[1:]
    tiles = []
    for chunk in chunks:
        corners = {
            (place(item, big)[1] // TILE_H, place(item, big)[0] // TILE_W)
            for layer in LAYERS
            for item in getattr(chunk, layer)
        }
        assert len(corners) == 1  # the tile its elements' top-left corners are in
        tiles.extend(corners)
        for layer in LAYERS:
            for item in getattr(chunk, layer):
                assert inside(place(item, big), tuple(chunk.area)), (layer, item)
    assert tiles == sorted(tiles)  # row by row, as sent


def test_a_block_frame_never_comes_after_its_steps(big: GraphView) -> None:
    """Frames are the bottom layer: one sent after a step would cover it (and its clicks)."""
    assert big.groups
    for where in ((1_000.0, 0.0, 3_000.0, 1_500.0), (0.0, 5_000.0, 900.0, 5_600.0)):
        parts = parts_of(big, where)
        part_of = {s.id: i for i, p in enumerate(parts) for s in p.steps}
        for i, part in enumerate(parts):
            for frame in part.groups:
                box = place(frame, big)
                within = [s.id for s in big.steps if inside(place(s, big), box)]
                assert within and all(part_of[s] >= i for s in within), frame.id


def test_without_a_region_everything_is_one_part(big: GraphView) -> None:
    (only,) = parts_of(big, None)
    assert len(only.steps) == len(big.steps) and len(only.edges) == len(big.edges)


class Layers(HTMLParser):
    """The diagram's layer groups as sent: for each step link, where it is (in the first part
    or which chunk, and in which layer); each chunk's area and its layers in order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []  # (tag, class)
        self.chunks: list[dict] = []
        self.steps: list[tuple[str, int | None]] = []  # (step id, chunk index or None)
        self.first_layers: list[str] = []
        start = html.index('<g class="viewport"')
        self.feed(html[start : html.index("</svg>", start)])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls = a.get("class") or ""
        parent = self.stack[-1][1] if self.stack else ""
        if tag == "g" and cls == "later":
            self.chunks.append({"area": a.get("data-area"), "layers": []})
        elif tag == "g" and cls in LAYERS:
            if parent == "later":
                self.chunks[-1]["layers"].append(cls)
            elif parent == "viewport":
                assert not self.chunks, "a layer of the first part after a chunk"
                self.first_layers.append(cls)
        elif tag == "a" and parent == "steps":
            (step_id,) = parse_qs(urlsplit(a["href"] or "").query)["node"]
            in_chunk = any(c == "later" for _, c in self.stack)
            self.steps.append((step_id, len(self.chunks) - 1 if in_chunk else None))
        self.stack.append((tag, cls))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop()[0] == tag


def test_the_page_sends_the_first_view_first_then_chunks_of_layers_in_order(
    big: GraphView,
) -> None:
    view = first_view(big, None)
    assert view is not None  # too big to show whole: it opens on its top
    sent = Layers(render(big))
    assert sent.first_layers == list(LAYERS)
    assert sent.chunks
    for chunk in sent.chunks:
        assert chunk["layers"] == [n for n in LAYERS if n in chunk["layers"]]
        assert len(chunk["area"].split()) == 4
    ids = [step_id for step_id, _ in sent.steps]
    assert sorted(ids) == sorted(s.id for s in big.steps)  # each once, each a .steps > a
    first = {step_id for step_id, chunk in sent.steps if chunk is None}
    root = next(s for s in big.steps if s.is_root)
    assert root.id in first
    assert first == {s.id for s in big.steps if meets(place(s, big), region(view))}
    assert ids[: len(first)] == [i for i in ids if i in first]  # before any chunk's


def test_the_first_part_is_where_the_page_opens(big: GraphView) -> None:
    far = max(big.steps, key=lambda s: s.y)
    view = first_view(big, far.id)
    assert view is not None
    html = f'<g class="viewport">{big.layers_svg(node=far.id)}</g></svg>'
    first = {step_id for step_id, chunk in Layers(html).steps if chunk is None}
    assert far.id in first
    assert next(s for s in big.steps if s.is_root).id not in first


def test_a_small_diagram_is_sent_in_one_part() -> None:
    graph = make()
    assert first_view(graph, None) is None
    sent = Layers(render(graph))
    assert sent.chunks == [] and sent.first_layers == list(LAYERS)
    assert {step_id for step_id, _ in sent.steps} == {s.id for s in graph.steps}
