"""One status registry: the model, the cache lifetimes, the graph, the templates, status.css and
graph.js all agree on every status, whatever its case, and on words nobody planned for."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream
from tests.unit.test_service import make_service
from viewer.graph.cache import LayoutCache
from viewer.graph.view import graph_view
from viewer.runs.model import Run
from viewer.runs.status import BY_KEY, ICONS, KINDS, ORDER, humanise, status_of, stylesheet

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "key", "label", "final"),
    [
        ("running", "running", "Running", False),
        ("RUNNING", "running", "Running", False),
        ("pending", "pending", "Pending", False),
        ("Pending", "pending", "Pending", False),
        ("waiting", "waiting", "Waiting", False),
        ("SUCCESS", "success", "Succeeded", True),
        ("notRun", "not_run", "Not run yet", False),
        ("timed_out", "failure", "Timed out", True),
        ("TIMED_OUT", "failure", "Timed out", True),
        ("timedOut", "failure", "Timed out", True),
        ("canceled", "cancelled", "Canceled", True),
        ("in_progress", "running", "In progress", False),
        ("queued", "pending", "Queued", False),
        ("frobnicated", "unknown", "Frobnicated", False),
        (42, "unknown", "42", False),
    ],
)
def test_upstream_words_map_to_one_kind(value: object, key: str, label: str, final: bool) -> None:
    status = status_of(value)
    assert (status.key, status.label, status.final) == (key, label, final)


def test_an_unknown_word_is_final_once_the_run_has_finished() -> None:
    assert status_of("frobnicated", finished=True).final
    assert not status_of("frobnicated").final


def test_humanised_words() -> None:
    assert humanise("timed_out") == humanise("TIMED-OUT") == humanise("timedOut") == "Timed out"


@pytest.mark.parametrize(
    ("status", "finished", "ttl"),
    [
        ("pending", None, 2.0),
        ("RUNNING", None, 2.0),
        ("Waiting", None, 2.0),
        ("frobnicated", None, 2.0),
        ("frobnicated", "2026-11-20T14:05:00Z", 300.0),
        ("timed_out", "2026-11-20T14:05:00Z", 300.0),
        ("SUCCESS", "2026-11-20T14:05:00Z", 300.0),
    ],
)
def test_the_cache_lifetime_follows_the_page(
    scripted: ScriptedUpstream, status: str, finished: str | None, ttl: float
) -> None:
    """A run the page polls is cached briefly; one it does not poll is kept longer."""
    data = {"id": "run_1", "status": status, "finishedAt": finished}
    scripted.script(Reply(200, envelope(data)))
    service = make_service(scripted.url, live_ttl=2.0, final_ttl=300.0)
    run = service.get("run_1").run
    assert service._ttl(data) == ttl
    assert run.status.live == (ttl == 2.0)


def test_the_stylesheet_is_generated_from_the_registry() -> None:
    assert (ROOT / "static/status.css").read_text() == stylesheet(), (
        "run `python -m viewer.runs.status > static/status.css`"
    )


def test_badges_and_the_diagram_share_each_status_colour() -> None:
    css = stylesheet()
    for kind in KINDS:
        badge = re.search(rf"\.status-{kind.key} \{{ --c: ([^;]+); --bg: ([^;]+);", css)
        graph = re.search(rf'\[data-status="{kind.key}"\] \{{ --c: ([^;]+); --bg: ([^;]+);', css)
        assert badge and graph, kind.key
        assert badge.groups() == graph.groups(), kind.key
    for sheet in ("static/app.css", "static/graph.css"):
        text = (ROOT / sheet).read_text()
        for kind in KINDS:
            assert not re.search(rf"\.status-{kind.key}\s*[,{{]", text), f"{sheet}: {kind.key}"
            assert not re.search(rf'data-status="{kind.key}"\]\s*\{{\s*--c', text), sheet


def test_graph_js_reads_the_order_from_the_page() -> None:
    js = "".join(path.read_text() for path in sorted((ROOT / "static").glob("graph*.js")))
    assert "data-status-order" in js
    assert not re.search(r"\[\s*'failure',\s*'running'", js), "graph.js lists statuses itself"
    graph = graph_view(
        run_id="run_1",
        workflow_id="wf",
        workflow_version=1,
        definition={"nodes": {"root": {"type": "manual", "children": []}}},
        statuses={},
        cache=LayoutCache(),
    )
    from flask import render_template

    from tests.conftest import TEST_SETTINGS
    from viewer import create_app
    from viewer.graph.icons import at

    app = create_app(TEST_SETTINGS)
    with app.test_request_context("/"):
        html = render_template("_graph.html", graph=graph)
    assert f'data-status-order="{" ".join(ORDER)}"' in html
    for key, path in ICONS.items():
        assert f'<symbol id="st-{key}"' in html
        assert at(path, 0, 0) in html  # the same icon, as the diagram draws it (relative)


def test_a_timed_out_step_reads_timed_out_and_counts_as_a_failure() -> None:
    run = Run.from_payload(
        {
            "id": "run_1",
            "status": "failure",
            "workflowDefinition": {
                "nodes": {"root": {"type": "manual", "children": ["n"]}, "n": {"type": "http"}}
            },
            "executionState": {"n": {"status": "timed_out", "error": {"code": 504}}},
        },
        "run_1",
    )
    step = run.step("n")
    assert step is not None and step.error is not None
    assert (step.status.key, step.status.label) == ("failure", "Timed out")
    assert step.error.message == "Timed out: the runs service gave no message (code 504)."
    graph = graph_view(
        run_id="run_1",
        workflow_id="wf",
        workflow_version=1,
        definition=run.definition,
        statuses={"n": step.status.key},
        labels={"n": step.status.label},
        cache=LayoutCache(),
    )
    (view,) = [s for s in graph.steps if s.id == "n"]
    assert (view.status, view.status_label) == ("failure", "Timed out")
    assert 'aria-label="Timed out"' in str(graph.layers_svg())  # the icon says it, and the name
    assert graph.first_failed == "n"


def test_every_kind_has_an_icon_and_a_place_in_the_order() -> None:
    assert set(ORDER) == set(BY_KEY) == set(ICONS)
