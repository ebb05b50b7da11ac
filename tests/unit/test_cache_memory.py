"""What the caches count for an entry is at least what it really keeps in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from tests.support.memory import deep_size
from viewer.demo.generate import generate_workflow_run
from viewer.graph.build import build_graph
from viewer.graph.cache import LayoutCache, drawing_bytes
from viewer.graph.draw import draw
from viewer.graph.plan import plan
from viewer.runs.cache import ANSWER_BYTES_PER_JSON_BYTE, MODEL_BYTES_PER_JSON_BYTE, kept_bytes
from viewer.runs.model import Run
from viewer.runs.service import redact_payload
from viewer.web.diagrams import Diagram, deflated
from viewer.web.diagrams import kept_bytes as kept_diagram_or_layout

DEMO_RUNS = sorted(Path("viewer/demo/runs").glob("*.json"))


def runs() -> list[tuple[str, dict[str, Any]]]:
    found = [(path.stem, json.loads(path.read_text())) for path in DEMO_RUNS]
    return [*found, *((f"generated-{n}", generate_workflow_run(n, seed=5)) for n in (50, 800))]


@pytest.mark.parametrize(("name", "run"), runs(), ids=lambda value: str(value)[:20])
def test_estimates_cover_the_answer_and_its_model(name: str, run: dict[str, Any]) -> None:
    body = json.dumps(run).encode()
    answer = redact_payload(json.loads(body))
    model = Run.from_payload(answer, str(run.get("id", "run_x")))
    answer_bytes = deep_size(answer)
    model_bytes = deep_size(answer, model) - answer_bytes
    assert answer_bytes <= kept_bytes(len(body), ANSWER_BYTES_PER_JSON_BYTE)
    assert model_bytes <= kept_bytes(len(body), MODEL_BYTES_PER_JSON_BYTE)


@pytest.mark.parametrize("steps", [30, 400, 1500])
def test_the_layout_estimate_covers_the_drawing(steps: int) -> None:
    definition = generate_workflow_run(steps, seed=steps)["workflowDefinition"]
    graph = build_graph(definition)
    statuses = {node.id: "success" for node in graph.nodes}
    drawing = draw(plan(graph, statuses, expanded=(), collapsed=(), threshold=12))
    assert deep_size(drawing) <= drawing_bytes(drawing)


def test_the_layout_cache_keeps_within_its_bytes() -> None:
    cache: LayoutCache[str] = LayoutCache(max_entries=10, max_bytes=100, size=len)
    for key in "abcdef":
        cache.get_or_compute(key, lambda key=key: key * 30)
    assert cache.bytes <= 100
    assert len(cache) == 3
    assert cache.get_or_compute("big", lambda: "x" * 500) == "x" * 500
    assert len(cache) == 3, "a value larger than the bound is used, not kept"


@pytest.mark.parametrize("text", ["", "<svg>" + "é" * 5000 + "</svg>", "<g>" * 20000])
def test_a_diagrams_estimate_covers_it(text: str) -> None:
    kept = Diagram(Markup(text), deflated(text))  # noqa: S704 - test text, never sent
    assert deep_size(kept) <= kept.kept_bytes
    assert kept_diagram_or_layout(kept) == kept.kept_bytes
