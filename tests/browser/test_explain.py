"""What happened, errors explained, comparison and the ticket, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import ServerProcess, Watch, panel_for, wait_for_graph

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"
SIMULATION_RUN = "run_e13f6b82a4"


def test_what_happened_fills_in_and_its_step_link_opens_the_panel(watch: Watch, page: Page) -> None:
    page.goto(f"/runs/{FAILED_RUN}")
    story = page.locator("#what-happened")
    wait_for_graph(page)
    expect(story).to_contain_text("This run failed at the step Swap USDC → WETH (0.05%)")
    expect(story).to_contain_text("the swap could not take the tokens it needed")
    expect(story).to_contain_text("What you can do:")
    expect(story.get_by_text("Reading the steps to say more")).to_have_count(0)
    story.get_by_role("link", name="Swap USDC → WETH (0.05%)").click()
    expect(page).to_have_url(re.compile(rf"/runs/{FAILED_RUN}\?node=swap$"))
    panel = panel_for(page, "swap")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("In plain words: The swap contract tried to move the tokens")


def test_copy_for_a_ticket_copies_the_markdown(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    context = browser.new_context(base_url=viewer_server.url)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"/runs/{FAILED_RUN}")
        wait_for_graph(page)
        page.bring_to_front()  # the clipboard answers only the focused page
        button = page.locator("#what-happened button", has_text="Copy for a ticket")
        button.click()
        expect(page.locator("#what-happened .story-tools button")).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith(f"### Run `{FAILED_RUN}`: Failed")
        assert "- **Error:** `execution reverted: STF`" in copied
        assert f"<{viewer_server.url}/runs/{FAILED_RUN}>" in copied
        # The same text is served at ticket.md.
        served = page.request.get(f"/runs/{FAILED_RUN}/ticket.md")
        assert served.headers["content-type"] == "text/markdown; charset=utf-8"
        assert served.text().split("**For support:**")[0] == copied.split("**For support:**")[0]
    finally:
        context.close()


def test_compare_with_a_typed_id_and_from_a_simulation(watch: Watch, page: Page) -> None:
    page.goto(f"/runs/{FAILED_RUN}")
    page.get_by_label("Compare with another run").fill(SIMULATION_RUN)
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/runs/{FAILED_RUN}/compare/{SIMULATION_RUN}$"))
    expect(page.locator("h1")).to_have_text("Comparing two runs")
    expect(page.locator(".compare-summary")).to_contain_text("They first part ways at the step")
    expect(page.locator("tr.first")).to_contain_text("Swap USDC → WETH (0.05%)")

    page.goto(f"/runs/{SIMULATION_RUN}")
    wait_for_graph(page)
    page.get_by_role("link", name="Compare with the run it copied").click()
    expect(page).to_have_url(re.compile(rf"/runs/{SIMULATION_RUN}/compare/{FAILED_RUN}$"))
    expect(page.locator("table.compare-runs thead")).to_contain_text("Simulation")
    expect(page.locator("table.compare-runs thead")).to_contain_text("Original run")


def test_compare_and_what_happened_without_javascript(page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto(f"/runs/{FAILED_RUN}")
    story = page.locator("#what-happened")
    # The page streams the full read after the summary: the whole story, no script needed.
    expect(story).to_contain_text("This run failed at the step Swap USDC → WETH (0.05%)")
    expect(story.get_by_text("Reading the steps to say more")).to_be_hidden()
    expect(story.get_by_role("button", name="Copy for a ticket")).to_be_hidden()
    story.get_by_role("link", name="Swap USDC → WETH (0.05%)").click()
    assert page.url.endswith(f"/runs/{FAILED_RUN}?node=swap")
    expect(page.locator("#step-panel .step-detail")).to_contain_text("In plain words")
    page.get_by_label("Compare with another run").fill(SIMULATION_RUN)
    page.get_by_role("button", name="Compare", exact=True).click()
    expect(page.locator("tr.first")).to_contain_text("Swap USDC → WETH (0.05%)")
    page.goto(f"/runs/{FAILED_RUN}/compare/run_nope")
    expect(page.locator(".error-page h1")).to_have_text("Run not found")
    expect(page.locator(".error-page")).to_contain_text("The run to compare with (run_nope)")
