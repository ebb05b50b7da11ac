"""A big diagram's rest (/_fragments/runs/<id>/graph/rest): drawn only where it is sent (the
run page draws its first part alone), and for a finished run kept by the browser under an
address that names what it was drawn from."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import RecordingTransport
from tests.functional.test_diagram_parts import REST, as_drawn, first_part
from tests.unit.test_graph_chunks import Layers
from viewer.demo.api import DEMO_TOKEN, create_demo_api
from viewer.demo.generate import generate_workflow_run
from viewer.graph import chunks

MOVING = "run_gen_moving"
FINISHED = "run_gen_finished"


def big_run(run_id: str, status: str) -> dict[str, Any]:
    run = generate_workflow_run(600, seed=3, run_id=run_id)
    if status == "running":
        run = {**run, "status": "running", "finishedAt": None}
    return run


@pytest.fixture
def upstream() -> RecordingTransport:
    """The demo API with a big run still running and a big finished one."""
    runs = {MOVING: big_run(MOVING, "running"), FINISHED: big_run(FINISHED, "failure")}
    return RecordingTransport(create_demo_api(token=DEMO_TOKEN, extra_runs=runs))


@pytest.fixture
def drawn_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many steps each call of chunks.steps_svg (the real one) draws."""
    counts: list[int] = []
    real = chunks.steps_svg

    def counted(steps: Any, *args: Any) -> str:
        counts.append(len(steps))
        return real(steps, *args)

    monkeypatch.setattr(chunks, "steps_svg", counted)
    return counts


def rest_url(html: str) -> str:
    found = REST.search(html)
    assert found, "a big diagram's page carries its first part and where the rest is"
    return unescape(found[1])


def test_the_page_of_a_moving_run_draws_its_first_part_only_and_the_rest_route_the_rest(
    client: FlaskClient, drawn_steps: list[int]
) -> None:
    page = client.get(f"/runs/{MOVING}").get_data(as_text=True)
    in_page = sum(drawn_steps)
    assert in_page == len(first_part(page)), "no step drawn that the page does not send"
    drawn_steps.clear()
    rest = client.get(rest_url(page)).get_data(as_text=True)
    in_rest = sum(drawn_steps)
    everything = [step for step, _ in as_drawn(page, rest).steps]
    whole = client.get(f"/runs/{MOVING}?steps=all").get_data(as_text=True)
    assert sorted(everything) == sorted(step for step, _ in Layers(whole).steps)
    assert in_page < len(everything) / 4
    assert in_rest == len(everything) - in_page, "the rest route draws the rest alone"
