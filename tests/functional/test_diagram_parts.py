"""The run page sends a big diagram's first view first: on the trigger, or on the step in the
address (?node=), and a finished run's kept diagram is kept per such step."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.unit.test_graph_chunks import Layers
from viewer.demo.api import GENERATED_RUN_ID  # finished, 520 steps: too big to show whole

PAGE = f"/runs/{GENERATED_RUN_ID}"


def first_part(html: str) -> set[str]:
    return {step for step, chunk in Layers(html).steps if chunk is None}


def test_the_first_part_follows_the_step_the_page_opens_on(client: FlaskClient) -> None:
    plain = client.get(PAGE).get_data(as_text=True)
    sent = Layers(plain)
    assert sent.chunks, "a 520-step diagram comes in parts"
    trigger = "root"
    on_top = first_part(plain)
    assert trigger in on_top
    far = sent.steps[-1][0]  # in the last chunk
    assert far not in on_top
    there = client.get(f"{PAGE}?node={far}").get_data(as_text=True)
    assert far in first_part(there)
    assert trigger not in first_part(there)
    again = client.get(PAGE).get_data(as_text=True)  # kept apart from the ?node= one
    assert first_part(again) == on_top
