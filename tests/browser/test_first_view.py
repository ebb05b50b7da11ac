"""A diagram too big to fit opens in a view the server wrote (viewer/graph/firstview.py) and
graph.css draws: rendered before graph.js runs, and left where it is when graph.js sets up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    Clock,
    ServerProcess,
    clock_driven_viewer,
    wait_for_graph,
)
from viewer.demo.api import GENERATED_RUN_ID
from viewer.demo.generate import generate_workflow_run

pytestmark = pytest.mark.browser

FAILURE = "uniswap_swap_0254"  # a failed step deep in the generated 520-step run

# Runs before the page's scripts (which the test holds back). At the first frame drawn once
# the page is parsed (readyState "interactive"; frames wait for the stylesheets), records
# whether the diagram is rendered (no element round its <svg> skips rendering its content or
# is not displayed) and where each step is, as window.__parsed.
BEFORE_SET_UP = """
document.addEventListener('readystatechange', () => {
  if (document.readyState !== 'interactive') return;
  requestAnimationFrame(() => {
    const svg = document.querySelector('#graph .graph-svg');
    let rendered = !!svg;
    for (let up = svg && svg.parentElement; up; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.display === 'none' || style.contentVisibility === 'hidden') rendered = false;
    }
    const setUp = !!(window.viewerGraph && window.viewerGraph.states);
    window.__parsed = {rendered: rendered, setUp: setUp, places: (%s)()};
  });
});
"""
SCRIPTS = re.compile(r"/static/.*\.js$")

# Each step's box (its <rect>) and the canvas, by id, in page coordinates.
PLACES = """() => {
  const place = el => {
    const r = el.getBoundingClientRect();
    return [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY];
  };
  const steps = {};
  document.querySelectorAll('#graph .steps > a').forEach(a => {
    const id = new URLSearchParams(a.getAttribute('href').split('?')[1]).get('node');
    steps[id] = place(a.querySelector('rect'));
  });
  const ring = document.querySelector('#graph .graph-marks .graph-selected');
  return {canvas: place(document.querySelector('#graph .graph-canvas')), steps: steps,
          ring: ring && ring.getAttribute('d') ? place(ring) : null};
}"""


def places_after_set_up(page: Page) -> dict[str, Any]:
    expect(page.locator("#graph .graph-canvas.is-ready")).to_be_attached()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page.evaluate(PLACES)


def assert_same_view(before: dict[str, Any], after: dict[str, Any]) -> None:
    """The canvas is where it was; every step drawn before set-up is where it was (within half
    a pixel), and every step on the canvas after it was drawn before (steps far from the view
    may be drawn later: graph-later.js)."""
    assert before["canvas"] == pytest.approx(after["canvas"], abs=0.5), "the canvas moved"
    left, top, right, bottom = after["canvas"]
    shown = [
        s
        for s, box in after["steps"].items()
        if box[0] >= left and box[2] <= right and box[1] >= top and box[3] <= bottom
    ]
    assert len(shown) >= 3, f"too few steps on the canvas: {shown}"
    drawn = {s: box for s, box in before["steps"].items() if box[2] > box[0]}
    assert set(shown) <= set(drawn), f"not drawn before set-up: {set(shown) - set(drawn)}"
    moved = {
        s: (box, after["steps"][s])
        for s, box in drawn.items()
        if box != pytest.approx(after["steps"][s], abs=0.5)
    }
    assert moved == {}, f"{len(moved)} steps moved at set-up, e.g. {list(moved.items())[:3]}"


def open_watched(page: Page, base_url: str, run_id: str, query: str = "") -> dict[str, Any]:
    """Open the run page; what it looked like once parsed and drawn, before its scripts ran
    (held back until then)."""
    held: list[Route] = []

    def hold(route: Route) -> None:
        held.append(route)

    page.route(SCRIPTS, hold)
    page.add_init_script(BEFORE_SET_UP % PLACES)
    page.goto(f"{base_url}/runs/{run_id}{query}", wait_until="commit")
    parsed = page.evaluate(
        """async () => {
          while (!window.__parsed) await new Promise(r => setTimeout(r, 10));
          return window.__parsed;
        }"""
    )
    assert held, "the page's scripts were not held back"
    for route in held:
        route.continue_()
    page.unroute(SCRIPTS)
    wait_for_graph(page)
    return parsed


def assert_first_view(places: dict[str, Any], focus: str | None, phone: bool) -> None:
    """At the readable scale, the step `focus` is in the canvas's middle (and outlined), or
    the trigger at its top centre, with room for the note above it."""
    x0, y0, x1, _ = box = places["steps"][focus or "root"]
    assert (x1 - x0) / 200 == pytest.approx(0.85, abs=0.01), "not at the readable scale"
    canvas = places["canvas"]
    if focus:
        assert middle(box) == pytest.approx(middle(canvas), abs=1)
        assert places["ring"] == pytest.approx(box, abs=1), "the outline is off the step"
    else:
        assert middle(box)[0] == pytest.approx(middle(canvas)[0], abs=1)
        room = 72 if phone else 32
        assert y0 - (canvas[1] + 1) == pytest.approx(room, abs=1)  # 1: the canvas's border


def middle(box: list[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


@pytest.mark.parametrize("query", ["", f"?node={FAILURE}"], ids=["top", "step"])
@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_first_view_is_drawn_before_graph_js_and_kept_by_it(
    browser: Browser, viewer_server: ServerProcess, query: str, size: str
) -> None:
    """The 520-step run's diagram is rendered in its first view once the page is parsed,
    before graph.js runs; setting up leaves every step where it was, at desktop and phone
    widths, on its trigger or on the step in the address (whose outline lines up)."""
    phone = size == "phone"
    context = browser.new_context(
        base_url=viewer_server.url, viewport=PHONE if phone else DESKTOP, is_mobile=phone
    )
    try:
        page = context.new_page()
        parsed = open_watched(page, "", GENERATED_RUN_ID, query)
        assert parsed["rendered"], "the diagram is not rendered before graph.js runs"
        assert not parsed["setUp"]
        after = places_after_set_up(page)
        assert_same_view(parsed["places"], after)
        assert_first_view(after, FAILURE if query else None, phone)
        if not query:  # the note above the trigger says what is off screen
            expect(page.locator("#graph [data-role='offscreen']")).to_be_visible()
    finally:
        context.close()


def test_a_thousand_steps_are_rendered_before_the_page_has_loaded(browser: Browser) -> None:
    """A 1,000-step run's diagram is rendered, at its trigger, once the page is parsed:
    nothing waits for graph.js; and graph.js moves nothing."""
    run = generate_workflow_run(1000, run_id="run_gen_1000")
    with clock_driven_viewer(Clock(), 100, extra_runs={"run_gen_1000": run}) as viewer:
        context = browser.new_context(base_url=viewer.url, viewport=DESKTOP)
        try:
            page = context.new_page()
            parsed = open_watched(page, "", "run_gen_1000")
            assert parsed["rendered"], "the diagram is not rendered before graph.js runs"
            after = places_after_set_up(page)
            assert_same_view(parsed["places"], after)
            assert_first_view(after, None, phone=False)
        finally:
            context.close()
