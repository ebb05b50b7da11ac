"""Without JavaScript: the first page holds the failure and its cause, and every step link keeps
the steps drawn on the server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import step

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"


def _diagram_and_panel_kept(page: Page, step_id: str) -> None:
    assert re.search(rf"[?&]steps=all&node={re.escape(step_id)}$", page.url), page.url
    expect(page.locator("#graph svg.graph-svg")).to_be_visible()
    expect(page.locator(f'#step-panel .step-detail[data-step-id="{step_id}"]')).to_be_visible()


def test_without_javascript_the_first_page_points_to_the_details_and_links_keep_the_diagram(
    page_without_javascript: Page,
) -> None:
    page = page_without_javascript
    page.goto(f"/runs/{FAILED_RUN}")
    # The page streams the full read: the failure, its cause and the missing input are on
    # the first page, with the diagram, no script needed.
    expect(page.locator("#failure-summary")).to_contain_text("execution reverted: STF")
    expect(page.locator("#inputs")).to_contain_text("1 required input had no value.")
    page.goto(f"/runs/{FAILED_RUN}?steps=all")
    expect(page.locator("#graph svg.graph-svg")).to_be_visible()

    # A box of the diagram, a line of "Why this run failed", a neighbour in the panel:
    # each opens its step and keeps the diagram.
    step(page, "swap").click()
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
