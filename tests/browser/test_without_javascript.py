"""With JavaScript off, a run page still tells the whole story through plain links."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"


def test_steps_and_panels_work_without_javascript(page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto(f"/runs/{FAILED_RUN}")
    expect(page.locator("#run-header .run-status")).to_contain_text("Failed")
    expect(page.get_by_text("Loading the workflow steps")).to_be_hidden()
    expect(page.locator("button.copy").first).to_be_hidden()
    expect(page.locator("#graph svg.graph-svg")).to_be_visible()
    expect(page.get_by_role("heading", name="Why this run failed")).to_be_visible()

    page.get_by_role("link", name="Every step as a table").click()
    page.locator(".step-list").get_by_role("link", name="Swap USDC → WETH (0.05%)").click()

    assert page.url.endswith(f"/runs/{FAILED_RUN}?steps=all&node=swap")
    panel = page.locator("#step-panel .step-detail")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("execution reverted: STF")
    expect(page.locator(".step-list")).to_be_visible()
    expect(page.locator("#graph svg.graph-svg")).to_be_visible()
