"""Find on a diagram too big for the screen (the generated 520-step run): every match is counted
and reached by Enter, but only the matches near the view are ringed, and the view's moves ring
the matches they come to (static/graph-marks.js)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.helpers import STEP_ID, STEPS, Watch, marked_steps, open_run, step
from viewer.demo.api import GENERATED_RUN_ID

pytestmark = pytest.mark.browser

QUERY = "read price"  # about forty steps, from the top of the diagram to its bottom
RECT = "el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def on_canvas(page: Page, box: Locator) -> bool:
    """True when the whole step box is inside the diagram's visible canvas."""
    left, top, right, bottom = box.evaluate(RECT)
    c_left, c_top, c_right, c_bottom = page.locator("#graph .graph-canvas").evaluate(RECT)
    return left >= c_left and top >= c_top and right <= c_right and bottom <= c_bottom


def drawn(page: Page) -> None:
    """Wait until the view graph.js has set is drawn (it moves the diagram on the next frame)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def test_find_rings_the_matches_the_view_comes_to(watch: Watch, page: Page) -> None:
    open_run(page, "", GENERATED_RUN_ID)
    expect(page.get_by_role("button", name="Fit to screen")).to_be_visible()
    names = page.locator(STEPS).evaluate_all(
        f"els => els.map(el => [({STEP_ID})(el), el.textContent.toLowerCase()])"
    )
    matches = [step_id for step_id, name in names if QUERY in name]
    assert len(matches) > 20

    find = page.get_by_label("Find a step")
    find.fill(QUERY)
    expect(page.locator('#graph [data-role="matches"]')).to_have_text(f"{len(matches)} matches")
    seen = [m for m in matches if on_canvas(page, step(page, m))]
    far = [m for m in matches if m not in seen]
    assert seen and far, "the first view shows some matches, not all"
    ringed = {i for i, m in marked_steps(page).items() if m["ringed"]}
    assert set(seen) <= ringed, "the matches on screen are ringed"
    assert ringed <= set(matches), "only matches are ringed"
    assert not ringed >= set(far), "the matches far from the view are not drawn yet"
    # the lowest: a step's link is placed by its translation (viewer/graph/svg.py)
    place_y = "a => a.transform.baseVal.consolidate().matrix.f"
    farthest = max(far, key=lambda m: step(page, m).evaluate(place_y))
    assert farthest not in ringed

    # Enter goes from match to match, in the diagram's order, the whole diagram over.
    for _ in matches:
        if on_canvas(page, step(page, farthest)):
            break
        find.press("Enter")
        drawn(page)
    assert on_canvas(page, step(page, farthest)), "Enter brought the farthest match into view"
    marked = marked_steps(page)
    assert marked[farthest]["ringed"], "the match the view came to is ringed"
    assert not marked[farthest]["dimmed"]
    now_seen = {m for m in matches if on_canvas(page, step(page, m))}
    assert now_seen <= {i for i, m in marked.items() if m["ringed"]}
    expect(page.locator('#graph [data-role="matches"]')).to_have_text(f"{len(matches)} matches")
