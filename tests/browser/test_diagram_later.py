"""A big diagram is drawn first where it opens, the rest after (viewer/graph/chunks.py,
static/graph-later.js): the page carries its first part only, graph-later.js fetches the chunks
and shows them, all shortly after without any action, and whatever moves the view shows the
chunks it comes to. Without JavaScript the page says so and links to the whole diagram.

On the generated 520-step run, which does not fit on screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.helpers import (
    STEP_ID,
    STEPS,
    ServerProcess,
    Watch,
    open_run,
    panel_for,
    path_of,
    step,
)
from viewer.demo.api import GENERATED_RUN_ID

pytestmark = pytest.mark.browser

FAR_FAILURE = "uniswap_swap_0254"  # the first failure, far below the trigger
# Before any script: what the page carried when it was parsed.
AT_PARSE = """
document.addEventListener('DOMContentLoaded', () => {
  window.__atParse = {
    chunks: document.querySelectorAll('#graph .later').length,
    steps: document.querySelectorAll('#graph .steps > a').length,
    rest: document.querySelector('#graph .viewport').getAttribute('data-rest'),
  };
});
"""
# When the fetched chunks came in: how many, and how many graph.css renders.
ON_ARRIVAL = """
new MutationObserver((changes, observer) => {
  const chunks = Array.from(document.querySelectorAll('#graph .later'));
  if (!chunks.length) return;
  observer.disconnect();
  window.__onArrival = {
    chunks: chunks.length,
    hidden: chunks.filter(c => getComputedStyle(c).display === 'none').length,
  };
}).observe(document, { childList: true, subtree: true });
"""
# A page that is never idle: only the view's moves may show chunks.
NEVER_IDLE = "window.requestIdleCallback = function () { return 0; };"
# A page whose idle time comes when the test says: window.__idleNow() runs the idle callbacks
# asked for until then, with time to spare.
IDLE_WHEN_TOLD = """
window.__idle = [];
window.requestIdleCallback = function (fn) { window.__idle.push(fn); return window.__idle.length; };
window.__idleNow = function () {
  window.__idle.splice(0).forEach(fn => fn({ didTimeout: false, timeRemaining: () => 50 }));
};
"""
SHOWN = "() => document.querySelectorAll('#graph .later.is-shown').length"
# In one task: a keystroke in "Find a step", then idle time; how many chunks are shown then.
KEY_THEN_IDLE = """() => {
  const input = document.querySelector('#graph [data-role="find"]');
  input.value = 'swap';
  input.dispatchEvent(new InputEvent('input', {data: 'swap', bubbles: true}));
  window.__idleNow();
  return document.querySelectorAll('#graph .later.is-shown').length;
}"""
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
    page.add_init_script(ON_ARRIVAL)
    open_big(page)
    parsed = page.evaluate("window.__atParse")
    assert parsed["chunks"] == 0 and 0 < parsed["steps"] < 200, "the page has the first part"
    assert parsed["rest"].startswith(f"/_fragments/runs/{GENERATED_RUN_ID}/graph/rest")
    arrived = page.evaluate("window.__onArrival")
    assert arrived["chunks"] > 3
    assert arrived["hidden"] == arrived["chunks"], "the chunks come in hidden"
    expect(page.locator("#graph [data-role=rest]")).to_have_count(0)
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


def test_typing_in_find_holds_the_rest_until_it_stops(watch: Watch, page: Page) -> None:
    """While the person types in "Find a step", idle time draws no chunk (its style and layout
    would fall in the keystroke's frame); once the typing has stopped a moment, it goes on."""
    page.add_init_script(IDLE_WHEN_TOLD)
    open_big(page)
    page.wait_for_timeout(500)  # the view has rested: idle time would show chunks now
    before = page.evaluate(SHOWN)
    assert before < page.locator("#graph .later").count()
    assert page.evaluate(KEY_THEN_IDLE) == before, "no chunk is shown right after a keystroke"
    expect(page.locator('#graph [data-role="matches"]')).to_contain_text("matches")
    page.wait_for_timeout(500)
    page.evaluate("window.__idleNow()")
    assert page.evaluate(SHOWN) > before, "the typing has stopped: the rest is shown again"


STEP_IDS = f"els => els.map({STEP_ID})"
# The rest's entry in Resource Timing: bytes that crossed the wire (0 when the browser's cache
# answered) and bytes of the answer.
REST_TIMING = """() => performance.getEntriesByType('resource')
  .filter(e => e.name.includes('/graph/rest'))
  .map(e => ({ wire: e.transferSize, body: e.decodedBodySize }))"""


def test_a_second_visit_to_a_finished_run_takes_the_rest_from_the_browsers_cache(
    watch: Watch, page: Page, viewer_server: ServerProcess
) -> None:
    log_start = viewer_server.stderr_size()
    open_run(page, "", GENERATED_RUN_ID)
    first = page.evaluate(REST_TIMING)
    assert len(first) == 1 and first[0]["wire"] > 0, "the first visit fetches the rest"
    again = watch.context.new_page()
    open_run(again, "", GENERATED_RUN_ID)
    second = again.evaluate(REST_TIMING)
    assert len(second) == 1 and second[0]["wire"] == 0 and second[0]["body"] > 0, second
    whole = watch.context.new_page()
    open_run(whole, "", GENERATED_RUN_ID, "?steps=all")
    every_step = sorted(whole.locator(STEPS).evaluate_all(STEP_IDS))
    assert len(every_step) > 400
    assert sorted(again.locator(STEPS).evaluate_all(STEP_IDS)) == every_step, "all of it"
    page.wait_for_timeout(200)  # the access log line follows the answer
    asked = [
        line
        for line in viewer_server.stderr_since(log_start).splitlines()
        if "viewer.access" in line and f"/_fragments/runs/{GENERATED_RUN_ID}/graph/rest" in line
    ]
    assert len(asked) == 1, "the server was asked for the rest once:\n" + "\n".join(asked)


def test_should_the_scripts_never_run_a_note_links_to_the_whole_diagram(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    """Scripting is on but the script never arrives: graph.css shows, after a while, the note
    that only the first part is here, with a link to the whole diagram."""
    context = browser.new_context(base_url=viewer_server.url)
    try:
        page = context.new_page()
        page.route("**/static/bundle.*.js", lambda route: route.abort())
        page.goto(f"/runs/{GENERATED_RUN_ID}")
        note = page.locator("#graph [data-role=rest]")
        expect(note).to_be_hidden()
        expect(note).to_be_visible(timeout=20_000)  # graph.css: 10 s after the page opens
        expect(note).to_contain_text("Only the first part of this diagram is here.")
    finally:
        context.close()


def test_should_the_rest_not_come_the_note_says_so(watch: Watch, page: Page) -> None:
    def refuse(route: Route) -> None:
        watch.expect_http_error(path_of(route.request.url), 503)
        route.fulfill(status=503, content_type="text/html", body="<p>Unavailable</p>")

    page.route("**/_fragments/runs/*/graph/rest*", refuse)
    page.goto(f"/runs/{GENERATED_RUN_ID}")
    note = page.locator("#graph [data-role=rest]")
    expect(note).to_contain_text("could not be loaded (HTTP 503)")
    expect(note).to_be_visible()
    expect(note.get_by_role("link", name="open it whole")).to_have_attribute(
        "href", f"/runs/{GENERATED_RUN_ID}?steps=all"
    )
    expect(page.get_by_role("button", name="Fit to screen")).to_be_enabled()


def test_should_the_run_have_changed_since_the_page_the_note_says_to_reload(
    watch: Watch, page: Page
) -> None:
    def stale(route: Route) -> None:  # the address of a rest drawn before the change
        url = re.sub(r"\bv=[0-9a-f]+", "v=" + "0" * 16, route.request.url)
        assert url != route.request.url, "a finished run's rest is asked for under its version"
        watch.expect_http_error(path_of(route.request.url), 409)  # as the page asked
        route.continue_(url=url)

    page.route("**/_fragments/runs/*/graph/rest*", stale)
    page.goto(f"/runs/{GENERATED_RUN_ID}")
    note = page.locator("#graph [data-role=rest]")
    expect(note).to_contain_text(
        "This diagram changed after the page was loaded: reload the page to see it whole, or"
    )
    expect(note).to_be_visible()
    expect(page.get_by_role("button", name="Fit to screen")).to_be_enabled()


def test_without_javascript_the_page_links_to_the_whole_diagram(
    page_without_javascript: Page,
) -> None:
    page = page_without_javascript
    page.goto(f"/runs/{GENERATED_RUN_ID}")
    assert page.locator("#graph .later").count() == 0
    first_part = page.locator(STEPS).count()
    note = page.locator("#graph [data-role=rest]")
    expect(note).to_be_visible()
    note.get_by_role("link", name="Open it whole").click()
    expect(page).to_have_url(re.compile(r"\?steps=all$"))
    page.wait_for_load_state("load")
    expect(page.locator("#graph [data-role=rest]")).to_have_count(0)
    assert page.locator(STEPS).count() > 2 * first_part
    expect(page.locator(STEPS).last).to_be_visible()
    assert page.evaluate(UNDRAWN) == 0
