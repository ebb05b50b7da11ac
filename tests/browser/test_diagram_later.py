"""A big diagram is drawn first where it opens, the rest after (viewer/graph/chunks.py,
static/graph-later.js): its chunks are not rendered at first, all are shortly after without any
action, and whatever moves the view shows the chunks it comes to. Without JavaScript all shows.

On the generated 520-step run, which does not fit on screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import (
    STEPS,
    ServerProcess,
    Watch,
    open_run,
    panel_for,
    step,
)
from viewer.demo.api import GENERATED_RUN_ID

pytestmark = pytest.mark.browser

FAR_FAILURE = "uniswap_swap_0254"  # the first failure, far below the trigger
# Before any script: how the chunks stood when the page was parsed (graph.js set up, no frame yet).
AT_PARSE = """
document.addEventListener('DOMContentLoaded', () => {
  const chunks = Array.from(document.querySelectorAll('#graph .later'));
  window.__atParse = {
    chunks: chunks.length,
    hidden: chunks.filter(c => getComputedStyle(c).display === 'none').length,
  };
});
"""
# A page that is never idle: only the view's moves may show chunks.
NEVER_IDLE = "window.requestIdleCallback = function () { return 0; };"
# The chunks: how many, how many are shown, and how many meet the view yet are not rendered.
CHUNKS = """() => {
  const root = document.querySelector('#graph .graph');
  const s = window.viewerGraph.states.get(root);
  const view = [-s.x / s.k, -s.y / s.k, (s.cw - s.x) / s.k, (s.ch - s.y) / s.k];
  const chunks = Array.from(root.querySelectorAll('.later'));
  const meets = c => {
    const a = c.getAttribute('data-area').split(' ').map(Number);
    return a[0] <= view[2] && a[2] >= view[0] && a[1] <= view[3] && a[3] >= view[1];
  };
  return {
    total: chunks.length,
    shown: chunks.filter(c => getComputedStyle(c).display !== 'none').length,
    missing: chunks.filter(c => meets(c) && getComputedStyle(c).display === 'none').length,
  };
}"""
UNDRAWN = (
    f"() => Array.from(document.querySelectorAll('{STEPS}'))"
    ".filter(a => !a.getClientRects().length).length"
)


def drawn(page: Page, step_id: str) -> bool:
    return step(page, step_id).evaluate("a => a.getClientRects().length > 0")


def open_big(page: Page) -> None:
    open_run(page, "", GENERATED_RUN_ID)
    expect(page.get_by_role("button", name="Fit to screen")).to_be_visible()
    page.wait_for_timeout(300)  # the first view is placed on the next frame


def test_the_rest_is_drawn_after_the_first_view_without_any_action(
    watch: Watch, page: Page
) -> None:
    page.add_init_script(AT_PARSE)
    open_big(page)
    parsed = page.evaluate("window.__atParse")
    assert parsed["chunks"] > 3
    assert parsed["hidden"] == parsed["chunks"], "no chunk is drawn with the first view"
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('#graph .later'))"
        ".every(c => getComputedStyle(c).display !== 'none')",
        timeout=20_000,
    )
    assert page.evaluate(UNDRAWN) == 0, "every step is drawn"
    assert drawn(page, FAR_FAILURE)


def drag(page: Page) -> None:
    canvas = page.locator("#graph .graph-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.9
    for _ in range(3):  # far past the first view's region
        page.mouse.move(x, y)
        page.mouse.down()
        for i in range(1, 21):
            page.mouse.move(x - box["width"] * 0.04 * i, y - box["height"] * 0.04 * i)
        page.mouse.up()


def zoom_out(page: Page) -> None:
    for _ in range(6):
        page.get_by_role("button", name="Zoom out").click()


def arrow_keys(page: Page) -> None:
    page.locator("#graph .graph-svg").focus()
    for _ in range(40):
        page.keyboard.press("ArrowDown")


ACTIONS: dict[str, Callable[[Page], None]] = {
    "drag": drag,
    "zoom out": zoom_out,
    "arrow keys": arrow_keys,
    # (Fit to screen shows such a diagram's top, readable: where it opens)
    "show failed only": lambda page: page.locator("#graph [data-role=filter]").select_option(
        "failed"
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_moving_the_view_draws_what_it_comes_to(watch: Watch, page: Page, action: str) -> None:
    page.add_init_script(NEVER_IDLE)
    open_big(page)
    before = page.evaluate(CHUNKS)
    assert before["missing"] == 0 and before["shown"] < before["total"]
    ACTIONS[action](page)
    page.wait_for_timeout(200)
    after = page.evaluate(CHUNKS)
    assert after["missing"] == 0, after
    assert after["shown"] > before["shown"], "the view came to chunks not shown before"


def test_jump_to_failure_and_find_reach_a_step_not_drawn_yet(watch: Watch, page: Page) -> None:
    page.add_init_script(NEVER_IDLE)
    open_big(page)
    assert not drawn(page, FAR_FAILURE)
    page.get_by_role("button", name="Jump to failure").click()
    expect(panel_for(page, FAR_FAILURE)).to_be_visible()
    assert drawn(page, FAR_FAILURE)
    assert page.evaluate(CHUNKS)["missing"] == 0

    far = page.evaluate(
        f"() => Array.from(document.querySelectorAll('{STEPS}'))"
        ".filter(a => !a.getClientRects().length).map(window.viewerGraph.stepId).pop()"
    )
    assert far, "a step still not drawn"
    find = page.get_by_label("Find a step")
    find.fill(far)
    find.press("Enter")
    page.wait_for_timeout(200)
    assert drawn(page, far)
    assert page.evaluate(CHUNKS)["missing"] == 0


def test_should_the_scripts_never_run_every_step_shows_after_a_while(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    """Scripting is on but the script never arrives: graph.css shows the chunks by itself."""
    context = browser.new_context(base_url=viewer_server.url)
    try:
        page = context.new_page()
        page.route("**/static/bundle.*.js", lambda route: route.abort())
        page.goto(f"/runs/{GENERATED_RUN_ID}")
        assert page.locator("#graph .later").count() > 3
        assert page.evaluate(UNDRAWN) > 0
        page.wait_for_function(f"() => ({UNDRAWN})() === 0", timeout=20_000)
    finally:
        context.close()


def test_without_javascript_every_step_shows(page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto(f"/runs/{GENERATED_RUN_ID}")
    assert page.locator("#graph .later").count() > 3
    expect(page.locator(STEPS).last).to_be_visible()
    assert page.evaluate(UNDRAWN) == 0
