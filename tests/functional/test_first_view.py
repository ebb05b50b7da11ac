"""The run page writes a big diagram's first view into its <svg> (viewer/graph/firstview.py):
on the trigger, or on the step in the address; a diagram that may fit is left to graph.js."""

from __future__ import annotations

import re

from flask import Flask

from viewer.demo.api import GENERATED_RUN_ID
from viewer.graph import geometry

FAILED_RUN = "run_8fd21b6c07"  # 9 steps
FAILURE = "uniswap_swap_0254"  # a step of the generated run


def svg_of(app: Flask, path: str) -> dict[str, str]:
    html = app.test_client().get(path).get_data(as_text=True)
    tag = re.search(r'<svg class="graph-svg"[^>]*>', html)
    assert tag is not None
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag.group(0)))


def step_box(app: Flask, path: str, step_id: str) -> tuple[float, float]:
    """The top-left corner of a step's box, as drawn."""
    html = app.test_client().get(path).get_data(as_text=True)
    link = re.search(
        rf'<a [^>]*href="\?node={step_id}"[^>]* transform=translate\((\d+),(\d+)\)>', html
    )
    assert link is not None  # placed at its name's start
    return float(link.group(1)) - geometry.LABEL_X, float(link.group(2)) - geometry.NAME_Y


def test_a_diagram_that_may_fit_is_drawn_whole_for_graph_js_to_place(app: Flask) -> None:
    svg = svg_of(app, f"/runs/{FAILED_RUN}")
    assert "data-first" not in svg
    width, height = svg["data-size"].split()
    assert (svg["viewBox"], svg["width"], svg["height"]) == (f"0 0 {width} {height}", width, height)


def test_a_big_diagram_opens_on_its_trigger_or_on_the_step_asked_for(app: Flask) -> None:
    page = f"/runs/{GENERATED_RUN_ID}"
    for query, kind, focus in (("", "top", "root"), (f"?node={FAILURE}", "centre", FAILURE)):
        svg = svg_of(app, page + query)
        assert svg["data-first"] == kind
        x, y, w, h = (float(n) for n in svg["viewBox"].split())
        assert (svg["width"], svg["height"]) == (f"{w:g}", f"{h:g}"), "drawn at its own size"
        left, top = step_box(app, page + query, focus)
        assert x + w / 2 == left + 100, "the view's point is the box's horizontal centre"
        if kind == "top":
            assert y == top - 24, "the trigger's top is 24 px below the box's top"
        else:
            assert y + h / 2 == top + 28, "the step's centre is the box's centre"
    # each page keeps its own (the diagram of a finished run is kept per step asked for)
    assert svg_of(app, page)["data-first"] == "top"
    assert svg_of(app, f"{page}?node=no-such-step")["data-first"] == "top"
