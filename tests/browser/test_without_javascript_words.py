"""Without JavaScript: the first page says where the details are, and every step link keeps
the steps drawn on the server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import ServerProcess

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"


def _diagram_and_panel_kept(page: Page, step_id: str) -> None:
    assert re.search(rf"[?&]steps=all&node={re.escape(step_id)}$", page.url), page.url
    expect(page.locator("#graph svg.graph-svg")).to_be_visible()
    expect(page.locator(f'#step-panel .step-detail[data-step-id="{step_id}"]')).to_be_visible()


def test_without_javascript_the_first_page_points_to_the_details_and_links_keep_the_diagram(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    context = browser.new_context(base_url=viewer_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/runs/{FAILED_RUN}")
        # (Text inside <noscript> is matched on its paragraphs.)
        summary = page.locator("#failure-summary p")
        expect(summary).to_contain_text("This run failed.")
        expect(summary).to_contain_text("any required input that was missing")
        expect(summary.get_by_role("link", name="Show the steps")).to_be_visible()
        inputs = page.locator("#inputs p").filter(has_text="Show the steps")
        expect(inputs).to_contain_text("whether a required one was missing")
        inputs.get_by_role("link", name="Show the steps").click()
        expect(page.locator("#graph svg.graph-svg")).to_be_visible()

        # A box of the diagram, a line of "Why this run failed", a neighbour in the panel:
        # each opens its step and keeps the diagram.
        page.locator('#graph a.step[data-step-id="swap"]').click()
        _diagram_and_panel_kept(page, "swap")
        page.locator(".step-place .place-neighbours").get_by_role(
            "link", name="Approve USDC for SwapRouter02"
        ).click()
        _diagram_and_panel_kept(page, "approve")
        summary_links = page.locator("#failure-summary")
        summary_links.get_by_role("link", name="Swap USDC → WETH (0.05%)").click()
        _diagram_and_panel_kept(page, "swap")
        page.get_by_role("link", name="Close step details").click()
        assert page.url.endswith(f"/runs/{FAILED_RUN}?steps=all"), page.url
        expect(page.locator("#graph svg.graph-svg")).to_be_visible()
    finally:
        context.close()
