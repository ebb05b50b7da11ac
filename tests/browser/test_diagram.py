"""The diagram in a real browser: scrolling, zooming, finding failures, fitting, skipping past.

Most tests use the generated 520-step run, where these matter: it does not fit on screen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.browser.helpers import (
    FOCUSED_STEP,
    PHONE,
    STEP_ID,
    STEPS,
    Clock,
    ServerProcess,
    Watch,
    clock_driven_viewer,
    marked_steps,
    open_run,
    panel_for,
    step,
)
from viewer.demo.api import GENERATED_RUN_ID, LIVE_RUN_ID
from viewer.graph.icons import at
from viewer.runs.status import ICONS

pytestmark = pytest.mark.browser

BIG_FAILURES = ("uniswap_swap_0254", "http_request_0422")  # in the diagram's order
LAPTOP = {"width": 1280, "height": 800}
WARNING_ICON = "M8 2L14.5 13.5H1.5L8 2M8 6.5v3.2M8 11.6v.2"  # the warned mark's (_macros.html)
RECT = "el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def rect(locator: Locator) -> list[float]:
    return locator.evaluate(RECT)


def on_canvas(page: Page, box: Locator) -> bool:
    """True when the whole step box is inside the diagram's visible canvas."""
    left, top, right, bottom = rect(box)
    c_left, c_top, c_right, c_bottom = rect(page.locator("#graph .graph-canvas"))
    return left >= c_left and top >= c_top and right <= c_right and bottom <= c_bottom


def open_big(page: Page, query: str = "") -> None:
    open_run(page, "", GENERATED_RUN_ID, query)
    expect(page.get_by_role("button", name="Fit to screen")).to_be_visible()
    page.wait_for_timeout(300)  # the first view is placed on the next frame


def width_on_screen(box: Locator) -> float:
    left, _, right, _ = rect(box)
    return right - left


def test_the_wheel_scrolls_the_page_and_ctrl_wheel_zooms(watch: Watch, page: Page) -> None:
    """Over the diagram the wheel scrolls the page (and shows how to zoom); Ctrl + wheel zooms."""
    open_big(page)
    canvas = page.locator("#graph .graph-canvas")
    canvas.scroll_into_view_if_needed()
    box = step(page, "root")
    before = width_on_screen(box)
    scrolled = page.evaluate("window.scrollY")
    middle = canvas.bounding_box()
    assert middle is not None
    page.mouse.move(middle["x"] + middle["width"] / 2, middle["y"] + 40)
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(400)
    assert page.evaluate("window.scrollY") > scrolled, "the page should scroll"
    assert width_on_screen(box) == pytest.approx(before), "the diagram should not zoom"
    hint = page.locator("#graph [data-role='hint']")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("scroll to zoom")

    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_timeout(300)
    assert width_on_screen(box) > before * 1.2, "Ctrl + wheel should zoom in"


def test_one_finger_swipe_on_a_phone_scrolls_the_page(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    """On a phone a one-finger swipe over the diagram scrolls the page, not the diagram."""
    context = browser.new_context(
        base_url=viewer_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    try:
        page = context.new_page()
        open_big(page)
        canvas = page.locator("#graph .graph-canvas")
        page.evaluate("window.scrollTo(0, 0)")
        top = canvas.bounding_box()
        assert top is not None
        x = top["x"] + top["width"] / 2
        y = min(top["y"] + 120, PHONE["height"] - 40)
        before = in_canvas(page, step(page, "root"))
        cdp = context.new_cdp_session(page)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point(x, y)]})
        for i in range(1, 11):
            touch = point(x, y - 30 * i)
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [touch]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        page.wait_for_timeout(500)
        assert page.evaluate("window.scrollY") > 100, "the swipe should scroll the page"
        after = in_canvas(page, step(page, "root"))
        # a pan would move the box by the swipe's 300 px; the canvas may only re-centre (resize)
        assert abs(after[0] - before[0]) < 2 and abs(after[1] - before[1]) < 60, (before, after)
        expect(page.locator("#graph [data-role='hint']")).to_contain_text("Two fingers")
    finally:
        context.close()


def in_canvas(page: Page, box: Locator) -> tuple[float, float]:
    """Where a step box is inside the diagram's canvas."""
    left, top, _, _ = rect(box)
    c_left, c_top, _, _ = rect(page.locator("#graph .graph-canvas"))
    return left - c_left, top - c_top


def point(x: float, y: float) -> dict[str, Any]:
    return {"x": x, "y": y, "radiusX": 4, "radiusY": 4, "force": 1, "id": 1}


def test_a_failure_link_moves_the_diagram_to_the_step(watch: Watch, page: Page) -> None:
    """A link in "Why this run failed" opens the step's panel and brings its box into view."""
    open_big(page)
    target = step(page, BIG_FAILURES[1])
    assert not on_canvas(page, target), "the test needs a failed step off screen at first"
    page.locator(f'#failure-summary a[data-step-id="{BIG_FAILURES[1]}"]').click()
    expect(panel_for(page, BIG_FAILURES[1])).to_be_visible()
    page.wait_for_timeout(400)
    assert on_canvas(page, target), "the failed step should be on screen in the diagram"
    top = rect(page.locator("#graph .graph-canvas"))[1]
    assert 0 <= top < page.viewport_size["height"], "the diagram should be in the window"


def test_jump_to_failure_goes_to_the_next_failure_each_time(watch: Watch, page: Page) -> None:
    """Each press of "Jump to failure" opens the next failed step, then starts again."""
    open_big(page)
    button = page.locator("#graph [data-action='jump']")
    for expected in (*BIG_FAILURES, BIG_FAILURES[0]):
        button.click()
        expect(panel_for(page, expected)).to_be_visible()
        expect(page).to_have_url(re.compile(rf"\?node={expected}$"))
        page.wait_for_timeout(300)
        assert on_canvas(page, step(page, expected)), expected
    expect(button).to_contain_text("of 2")


def test_failed_only_brings_the_failures_into_view(watch: Watch, page: Page) -> None:
    """Choosing "Failed only" dims the rest and moves the diagram to the failed steps."""
    open_big(page)
    assert not any(on_canvas(page, step(page, s)) for s in BIG_FAILURES)
    page.locator("select[data-role=filter]").select_option("failed")
    page.wait_for_timeout(400)
    assert on_canvas(page, step(page, BIG_FAILURES[0])), "the first failure should be in view"
    readable = width_on_screen(step(page, BIG_FAILURES[0]))
    assert readable >= 0.55 * float(step(page, "root").evaluate("a => a.getBBox().width"))
    marked = marked_steps(page)
    assert sorted(i for i, m in marked.items() if not m["dimmed"]) == sorted(BIG_FAILURES)
    assert not any(m["ringed"] for m in marked.values()), "only Find rings steps"

    page.locator("select[data-role=filter]").select_option("all")
    assert not any(m["dimmed"] for m in marked_steps(page).values())


def test_a_mouse_drag_moves_the_diagram_and_opens_nothing(watch: Watch, page: Page) -> None:
    """A drag that starts on a step moves the diagram by as much, selects no text and opens
    no panel; the press focuses the step, and a click on it then opens it."""
    open_big(page)
    page.locator("#graph .graph-canvas").scroll_into_view_if_needed()
    root = step(page, "root")
    left, top, _, _ = rect(root)
    box = root.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x + 12 * i, y + 6 * i)
    page.mouse.up()
    page.wait_for_timeout(100)  # the last move is drawn at the next frame
    moved_left, moved_top, _, _ = rect(root)
    assert abs(moved_left - left - 120) < 2 and abs(moved_top - top - 60) < 2
    expect(page.locator("#step-panel")).to_be_hidden()
    assert page.evaluate("getSelection().toString()") == ""
    assert page.evaluate(FOCUSED_STEP) == "root"
    root.click()
    expect(panel_for(page, "root")).to_be_visible()


def test_the_step_under_the_pointer_is_outlined(watch: Watch, page: Page) -> None:
    """The mouse over a step outlines it; off the steps, nothing is outlined."""
    open_big(page)
    step(page, "root").hover()
    assert [i for i, m in marked_steps(page).items() if m["hovered"]] == ["root"]
    box = page.locator("#graph .graph-canvas").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] - 3)  # the canvas's empty corner
    assert not any(m["hovered"] for m in marked_steps(page).values())
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] - 40)  # off the canvas
    assert not any(m["hovered"] for m in marked_steps(page).values())


def test_fit_to_screen_stays_readable_and_says_what_is_off_screen(watch: Watch, page: Page) -> None:
    """On 520 steps "Fit to screen" stops at a readable size and says how much is left out."""
    open_big(page)
    natural = float(step(page, "root").evaluate("a => a.getBBox().width"))
    page.get_by_role("button", name="Fit to screen").click()
    page.wait_for_timeout(500)
    assert width_on_screen(step(page, "root")) >= 0.55 * natural, "boxes must stay readable"
    note = page.locator("#graph [data-role='offscreen']")
    expect(note).to_be_visible()
    expect(note).to_contain_text(re.compile(r"\d+ of \d+ steps are off screen"))
    name = page.locator(f"{STEPS}.root text").first
    size = name.evaluate("t => t.getBoundingClientRect().height")
    assert size >= 7, f"the trigger's name is {size:.1f} px high on screen"


def test_a_skip_link_takes_the_keyboard_past_the_diagram(watch: Watch, page: Page) -> None:
    """Keyboard users reach a link that skips the 500-odd steps, to the panel or the inputs."""
    open_big(page, f"?node={BIG_FAILURES[0]}")
    expect(panel_for(page, BIG_FAILURES[0])).to_be_visible()
    page.get_by_role("button", name="List view").focus()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip the diagram, to the step details")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = "document.activeElement.closest('#graph svg') !== null"
    assert not page.evaluate(inside), "Tab went into the diagram after the skip link"
    assert page.evaluate("document.activeElement.closest('#step-panel') !== null")

    page.get_by_role("button", name="List view").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    to_inputs = page.get_by_role("link", name="Skip the diagram, to the run inputs")
    expect(to_inputs).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#inputs$"))
    page.keyboard.press("Tab")
    assert not page.evaluate(inside)


def test_the_list_view_is_rendered_by_the_server_when_first_asked_for(
    watch: Watch, page: Page
) -> None:
    """No list is built until asked for; then the server's table comes, sortable by status."""
    open_big(page)
    assert watch.requests_to(f"/_fragments/runs/{GENERATED_RUN_ID}/list") == []
    expect(page.locator("#graph .steps-table tbody tr")).to_have_count(0)
    page.get_by_role("button", name="List view").click()
    rows = page.locator("#graph .steps-table tbody tr")
    expect(rows).to_have_count(521)
    assert len(watch.requests_to(f"/_fragments/runs/{GENERATED_RUN_ID}/list")) == 1
    page.get_by_role("button", name="Status").click()
    first = rows.evaluate_all("rs => rs.slice(0, 2).map(r => r.dataset.stepId)")
    assert sorted(first) == sorted(BIG_FAILURES)
    page.get_by_role("button", name="Diagram").click()
    page.get_by_role("button", name="List view").click()
    expect(rows).to_have_count(521)
    assert len(watch.requests_to(f"/_fragments/runs/{GENERATED_RUN_ID}/list")) == 1


LIVE_SECONDS = 40.0  # waits from 30 % to 47 % of it (viewer/demo/runs)
SAMPLE = """() => {
  const canvas = document.querySelector('#graph .graph-canvas');
  const live = document.getElementById('live');
  const waiting = document.querySelector('#failure-summary .attention');
  return {
    top: canvas ? canvas.getBoundingClientRect().top : null,
    y: window.scrollY,
    note: waiting ? waiting.getBoundingClientRect().height : 0,
    done: !!live && live.classList.contains('done'),
  };
}"""


def test_a_note_that_comes_and_goes_above_does_not_move_the_diagram(
    watch: Watch,
    page: Page,
    start_pair: Callable[[float], tuple[ServerProcess, ServerProcess]],
) -> None:
    """While the running run waits, "What this run is waiting for" shows above the diagram,
    then goes away: while the run moves, the diagram stays where it is on screen."""
    _, viewer = start_pair(LIVE_SECONDS)
    watch.allow_origin(viewer.url)
    open_run(page, viewer.url, LIVE_RUN_ID)
    page.wait_for_timeout(300)
    samples = [page.evaluate(SAMPLE)]
    deadline = time.monotonic() + LIVE_SECONDS + 15
    while not samples[-1]["done"] and time.monotonic() < deadline:
        page.wait_for_timeout(150)
        samples.append(page.evaluate(SAMPLE))
    assert samples[-1]["done"], "the run should have finished"
    assert any(s["note"] > 20 for s in samples), "the waiting note should have shown"
    assert samples[-1]["note"] == 0, "and gone again"
    tops = [s["top"] for s in samples if not s["done"]]
    changes = [s for i, s in enumerate(samples) if i == 0 or s != samples[i - 1]]
    assert max(tops) - min(tops) <= 1, f"the diagram moved on screen: {changes}"


SMALL_FAILED_RUN = "run_8fd21b6c07"  # 9 steps, one fan-out


@pytest.mark.parametrize("query", ["", "?node=swap"], ids=["closed", "with-panel"])
def test_a_small_run_opens_whole_at_a_readable_size(
    browser: Browser, viewer_server: ServerProcess, query: str
) -> None:
    """At 1280x800 the 9-step failed run opens with every step on screen in the diagram, at
    the size Fit would stop at (no "off screen" note), with or without a panel beside it."""
    context = browser.new_context(base_url=viewer_server.url, viewport=LAPTOP)
    try:
        page = context.new_page()
        open_run(page, "", SMALL_FAILED_RUN, query)
        page.wait_for_timeout(400)  # the first view is placed on the next frame
        boxes = page.locator(STEPS)
        expect(boxes).to_have_count(9)
        ids = boxes.evaluate_all(f"els => els.map({STEP_ID})")
        off = [s for s in ids if not on_canvas(page, step(page, s))]
        assert off == [], f"steps off screen at first: {off}"
        natural = float(step(page, "root").evaluate("a => a.getBBox().width"))
        assert width_on_screen(step(page, "root")) >= 0.84 * natural, "boxes must be readable"
        expect(page.locator("#graph [data-role='offscreen']")).to_be_hidden()
    finally:
        context.close()


# Moments of the demo's running run (100 s) the next test moves its clock to: a step running,
# the cool-down wait (a note above the diagram), the steps after it, the end.
MOMENTS = (8, 20, 35, 40, 60, 80, 95)


def test_on_a_phone_nothing_above_moves_the_diagram_while_the_run_moves(browser: Browser) -> None:
    """At 390 px wide, while the run moves through its steps and its wait, the diagram does not
    move back and forth: the ticking live marker and story keep their largest height, and the
    waiting note its place."""
    clock = Clock()
    with clock_driven_viewer(clock, 100) as viewer:
        context = browser.new_context(base_url=viewer.url, viewport=PHONE, is_mobile=True)
        try:
            page = context.new_page()
            clock.at(3)
            open_run(page, "", LIVE_RUN_ID)
            page.wait_for_timeout(300)
            place = "() => document.querySelector('#graph').getBoundingClientRect().top + scrollY"
            live = page.locator("#live")
            tops = [page.evaluate(place)]
            saw_note = False
            for at in MOMENTS:
                clock.at(at)
                before = live.get_attribute("data-updated")
                for _ in range(3):  # three refreshes at this moment (their times tick)
                    expect(live).not_to_have_attribute("data-updated", before or "")
                    before = live.get_attribute("data-updated")
                    tops.append(page.evaluate(place))
                saw_note = (
                    saw_note
                    or page.locator(
                        "#failure-summary .wait-line, #failure-summary .attention"
                    ).count()
                    > 0
                )
            assert saw_note, "the waiting note should have shown"
            # a longer step name may wrap one more line once; nothing moves back and forth
            back = [b for a, b in pairwise(tops) if b < a - 1]
            assert back == [], f"the diagram moved back up: {tops}"
            assert max(tops) - min(tops) <= 40, f"the diagram moved on the page: {tops}"
            page.goto("about:blank")  # stop polling before the servers stop
        finally:
            context.close()


def test_on_a_phone_a_small_run_opens_with_its_trigger_clear_of_the_note(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    """At 390 px the 9-step failed run is too wide to open whole at a readable size: it opens
    at its trigger, which the note saying what is off screen does not cover, and the note
    says how to move the diagram with fingers."""
    context = browser.new_context(
        base_url=viewer_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        open_run(page, "", SMALL_FAILED_RUN)
        note = page.locator("#graph [data-role='offscreen']")
        expect(note).to_contain_text("steps are off screen: move with two fingers")
        assert on_canvas(page, step(page, "root"))
        assert rect(note)[3] <= rect(step(page, "root"))[1], "the note covers the trigger"
    finally:
        context.close()


def test_every_status_icon_made_relative_draws_the_same_shape(page: Page) -> None:
    """viewer/graph/icons.py rewrites each icon's path data relative to its first point:
    in Chromium both forms have the same length and the same points all along."""
    pairs = [(d, at(d, 100, 50)) for d in (*ICONS.values(), WARNING_ICON)]
    page.set_content('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"></svg>')
    differences = page.evaluate(
        """pairs => pairs.map(([d, moved]) => {
          const svg = document.querySelector('svg');
          const path = value => {
            const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
            p.setAttribute('d', value);
            svg.appendChild(p);
            return p;
          };
          const a = path(d), b = path(moved);
          const n = a.getTotalLength();
          let worst = Math.abs(n - b.getTotalLength());
          for (let i = 0; i <= 40; i++) {
            const p = a.getPointAtLength(n * i / 40), q = b.getPointAtLength(n * i / 40);
            worst = Math.max(worst, Math.hypot(p.x + 100 - q.x, p.y + 50 - q.y));
          }
          return worst;
        })""",
        pairs,
    )
    assert max(differences) < 0.02, dict(zip((d for d, _ in pairs), differences, strict=True))


def test_the_diagram_shows_even_if_its_script_never_runs(watch: Watch, page: Page) -> None:
    """graph.css keeps the diagram's canvas unrendered until graph.js has set its first view;
    should graph.js never run, the diagram shows anyway (without its controls)."""

    def without_graph_js(route: Route) -> None:
        # bundle.js with its graph.js part left out (viewer/web/assets.py names each part)
        bundle = route.fetch().text()
        rest = re.sub(r";/\* graph\.js \*/\n.*?(?=;/\* )", "", bundle, count=1, flags=re.S)
        assert len(rest) < len(bundle) - 10_000
        route.fulfill(status=200, content_type="text/javascript", body=rest)

    page.route(re.compile(r"/static/bundle\.[0-9a-f]+\.js$"), without_graph_js)
    open_run(page, "", SMALL_FAILED_RUN)
    # graph.css shows it 8 s after the page opens (its graph-unready animation)
    expect(step(page, "root")).to_be_visible(timeout=20_000)
    expect(page.locator("#graph .graph-toolbar")).to_be_hidden()


# Each text of a box (steps, boxes of several steps) that reaches past 4 px inside its right edge.
CROSSING = """els => els.flatMap(a => {
  const box = a.querySelector('rect:not(.under)').getBBox();
  return Array.from(a.querySelectorAll(':scope > text'))
    .filter(t => { const b = t.getBBox(); return b.x + b.width > box.x + box.width - 4; })
    .map(t => t.textContent);
})"""


def test_no_label_crosses_its_box(watch: Watch, page: Page) -> None:
    """Names and types cut to fit (viewer/graph/fitting.py) stay inside their boxes, in the
    widest font of the page's stack (DejaVu Sans, this machine's system-ui)."""
    open_big(page)
    assert page.locator(STEPS).evaluate_all(CROSSING) == []
    assert page.locator("#graph .cluster").evaluate_all(CROSSING) == []
    open_run(page, "", SMALL_FAILED_RUN)
    assert page.locator(STEPS).evaluate_all(CROSSING) == []
    cut = page.locator(f"{STEPS} > text").evaluate_all(
        "ts => ts.filter(t => t.textContent.endsWith('…')).length"
    )
    assert cut > 0, "some names of the failed run are long enough to be cut"
