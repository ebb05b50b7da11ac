"""The run page in a real browser: opening, the graph, step panels, history, keyboard, search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    FOCUSED_STEP,
    STEP_ID,
    STEPS,
    ServerProcess,
    Watch,
    marked_steps,
    open_run,
    panel_for,
    step,
    viewer_log_lines,
    wait_for_graph,
)
from viewer.demo.api import DEMO_RUN_IDS

pytestmark = pytest.mark.browser

SUCCESS_RUN = "run_7f3a2c9e41"
FAILED_RUN = "run_8fd21b6c07"
CANCELLED_RUN = "run_5a09d3e7c8"
SIMULATION_RUN = "run_e13f6b82a4"
DUST_RUN = "run_9d64c1f0b3"


def test_open_a_demo_run_from_the_home_page(
    watch: Watch, page: Page, demo_mode_viewer: ServerProcess
) -> None:
    """Without a runs API the home page lists the demo runs; a row's link opens the run."""
    watch.allow_origin(demo_mode_viewer.url)
    page.goto(demo_mode_viewer.url + "/")
    expect(page.locator("table.runs-table tbody tr")).to_have_count(len(DEMO_RUN_IDS))
    page.locator("table.runs-table").get_by_role("link", name=SUCCESS_RUN, exact=True).click()
    expect(page).to_have_url(f"{demo_mode_viewer.url}/runs/{SUCCESS_RUN}")
    expect(page.locator("#run-header")).to_contain_text(SUCCESS_RUN)
    wait_for_graph(page)


def test_open_a_run_by_pasting_its_link_on_the_home_page(watch: Watch, page: Page) -> None:
    """With a runs API configured, the home page's form opens a pasted run link."""
    page.goto("/")
    page.get_by_label("Run id or link").fill(f"https://example.com/runs/{FAILED_RUN}")
    page.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(rf"/runs/{FAILED_RUN}$"))
    expect(page.locator("#run-header")).to_contain_text(FAILED_RUN)
    wait_for_graph(page)


def test_graph_shows_every_step_coloured_by_status(watch: Watch, page: Page) -> None:
    """The diagram is an SVG inside #graph with one box per step, coloured by its status."""
    open_run(page, "", FAILED_RUN)
    steps = page.locator(STEPS)
    expect(steps).to_have_count(9)
    expect(step(page, "swap")).to_have_attribute("data-status", "failure")
    # the commonest status is left off (status.css colours it as success), the icon says it
    expect(step(page, "root")).not_to_have_attribute("data-status", re.compile(""))
    expect(step(page, "root")).to_have_accessible_name(re.compile(r"manual Succeeded$"))
    colour = "el => getComputedStyle(el).stroke"
    failed = step(page, "swap").evaluate(colour)
    succeeded = step(page, "root").evaluate(colour)
    assert failed != succeeded, f"failed and succeeded steps share the colour {failed}"
    tint = "el => getComputedStyle(el).getPropertyValue('--c')"
    legend = page.locator('.graph-legend [data-status="success"]').evaluate(tint)
    assert step(page, "root").evaluate(tint) == legend, "the trigger is not success-coloured"


def test_clicking_a_step_fetches_only_that_step(
    watch: Watch, page: Page, viewer_server: ServerProcess
) -> None:
    """One click: one fragment request, one upstream call with nodeIds=<step>, its panel."""
    # No other test may open this step: the viewer caches a finished run's answers, and a
    # cached answer would make no upstream call to see.
    open_run(page, "", SUCCESS_RUN)
    log_start = viewer_server.stderr_size()
    step(page, "quote").click()
    expect(panel_for(page, "quote")).to_be_visible()
    expect(page.locator("#step-panel")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/runs/{SUCCESS_RUN}\?node=quote$"))
    page.wait_for_timeout(1500)  # longer than a refresh: no second request may follow

    assert watch.requests_to(f"/_fragments/runs/{SUCCESS_RUN}/steps") == [
        f"{viewer_server.url}/_fragments/runs/{SUCCESS_RUN}/steps/quote"
    ]
    log = viewer_server.stderr_since(log_start)
    calls = viewer_log_lines(log, SUCCESS_RUN)
    assert len(calls) == 1, "expected exactly one upstream call:\n" + log
    assert "params=nodeIds " in calls[0], calls[0]
    assert f"/v1/runs/{SUCCESS_RUN}?nodeIds=quote " in log, "the upstream URL:\n" + log


def test_a_steps_link_opens_the_same_panel_server_rendered(watch: Watch, page: Page) -> None:
    """The step's address, opened in a new page, shows the same panel in the first HTML."""
    open_run(page, "", SUCCESS_RUN)
    link = step(page, "price").evaluate(
        "a => { const u = new URL(a.getAttribute('href'), location.href);"
        " return u.pathname + u.search; }"
    )
    assert link == f"/runs/{SUCCESS_RUN}?node=price"
    step(page, "price").click()
    first = panel_for(page, "price")
    expect(first).to_be_visible()
    fragment_requests = len(watch.requests_to(f"/_fragments/runs/{SUCCESS_RUN}/steps"))

    other = watch.context.new_page()
    response = other.goto(link)
    assert response is not None
    assert response.status == 200
    assert 'class="step-detail" data-step-id="price"' in response.text()
    second = panel_for(other, "price")
    expect(second).to_be_visible()
    for part in ("h2", ".step-head .badge", "dl.facts", ".step-raw"):
        assert second.locator(part).inner_text() == first.locator(part).inner_text(), part
    assert len(watch.requests_to(f"/_fragments/runs/{SUCCESS_RUN}/steps")) == fragment_requests


def test_back_closes_the_panel_and_forward_reopens_it(watch: Watch, page: Page) -> None:
    """The panel follows the address: back closes it, forward opens it again."""
    open_run(page, "", CANCELLED_RUN)
    first = page.locator(STEPS).first
    step_id = first.evaluate(STEP_ID)
    assert step_id
    first.click()
    expect(panel_for(page, step_id)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?node={step_id}$"))

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/runs/{CANCELLED_RUN}$"))
    expect(page.locator("#step-panel")).to_be_hidden()

    page.go_forward()
    expect(page).to_have_url(re.compile(rf"\?node={step_id}$"))
    expect(panel_for(page, step_id)).to_be_visible()
    expect(page.locator("#graph svg.graph-svg")).to_be_visible()


def test_jump_to_failure_opens_the_failed_step(watch: Watch, page: Page) -> None:
    """On the failed run, "Jump to failure" selects the failed step and opens its panel."""
    open_run(page, "", FAILED_RUN)
    failed = page.locator(f'{STEPS}[data-status="failure"]')
    expect(failed).to_have_count(1)
    failed_id = failed.evaluate(STEP_ID)
    assert failed_id == "swap"
    button = page.get_by_role("button", name="Jump to failure")
    expect(button).to_be_visible(timeout=5_000)
    button.click()
    expect(panel_for(page, failed_id)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?node={failed_id}$"))
    expect(step(page, failed_id)).to_have_attribute("aria-current", "true")
    selected = [i for i, m in marked_steps(page).items() if m["selected"]]
    assert selected == [failed_id], "the selected step is outlined over the diagram"


def test_keyboard_only_opens_and_closes_a_panel(watch: Watch, page: Page) -> None:
    """Tab reaches a step, Enter opens its panel, Escape closes it and focus goes back."""
    open_run(page, "", SIMULATION_RUN)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED_STEP):
            break
    step_id = page.evaluate(FOCUSED_STEP)
    assert step_id, "Tab never reached a step of the diagram"

    page.keyboard.press("Enter")
    expect(panel_for(page, step_id)).to_be_visible()
    expect(page).to_have_url(re.compile(rf"\?node={step_id}$"))

    page.keyboard.press("Escape")
    expect(page.locator("#step-panel")).to_be_hidden()
    expect(page).to_have_url(re.compile(rf"/runs/{SIMULATION_RUN}$"))
    assert not any(m["selected"] for m in marked_steps(page).values())
    assert page.evaluate(FOCUSED_STEP) == step_id


def test_search_highlights_matching_steps(watch: Watch, page: Page) -> None:
    """Typing in "Find a step" rings the steps whose name matches and dims the others."""
    open_run(page, "", SUCCESS_RUN)
    names = page.locator(STEPS).evaluate_all(
        f"els => els.map(el => [({STEP_ID})(el), el.textContent])"
    )
    expected = sorted(step_id for step_id, name in names if "usdc" in name.lower())
    assert len(expected) == 5

    find = page.get_by_label("Find a step")
    expect(find).to_be_visible(timeout=5_000)
    find.fill("US")
    find.fill("USDC")  # narrowing a query looks again at the last matches only
    expect(page.locator('[data-role="matches"]')).to_have_text("5 matches")
    marked = marked_steps(page)
    assert sorted(i for i, m in marked.items() if m["ringed"]) == expected
    assert sorted(i for i, m in marked.items() if not m["dimmed"]) == expected

    find.fill("USD")  # wider again
    expect(page.locator('[data-role="matches"]')).to_contain_text("matches")
    assert sorted(i for i, m in marked_steps(page).items() if m["ringed"]) == sorted(
        step_id for step_id, name in names if "usd" in name.lower()
    )

    find.fill("")
    expect(page.locator('[data-role="matches"]')).to_have_text("")
    assert not any(m["ringed"] or m["dimmed"] for m in marked_steps(page).values())


def test_times_name_their_zone_and_show_the_readers_own_on_hover(watch: Watch, page: Page) -> None:
    """Every time says its timezone; hovering shows it in the reader's, also in panels."""
    open_run(page, "", FAILED_RUN, "?node=swap")
    times = page.locator("#run-header time[datetime], #step-panel time[datetime]")
    expect(times.first).to_be_visible()
    assert times.count() >= 4
    for index in range(times.count()):
        time_el = times.nth(index)
        assert time_el.inner_text().endswith(" UTC"), time_el.inner_text()
        time_el.hover()
        assert (time_el.get_attribute("title") or "").startswith("Your time: ")
