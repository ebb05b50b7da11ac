"""The timeline tab in Chromium: reached by a plain link, bars open step panels, accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Watch, panel_for
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"
STEPS = 6  # steps of the failed run that started


def test_the_timeline_tab_shows_every_step_and_bars_open_panels(watch: Watch, page: Page) -> None:
    page.goto(f"/runs/{FAILED_RUN}")
    page.get_by_role("navigation", name="Views of the steps").get_by_role(
        "link", name="Timeline"
    ).click()
    expect(page).to_have_url(re.compile(rf"/runs/{FAILED_RUN}\?view=timeline$"))
    chart = page.get_by_role("document", name=re.compile(r"^Timeline of 6 steps, times in UTC$"))
    expect(chart).to_be_visible()
    expect(chart.get_by_role("link")).to_have_count(STEPS)
    swap = chart.get_by_role("link", name=re.compile(r"^Swap USDC → WETH.*Failed after 14 s"))
    swap.click()
    expect(panel_for(page, "swap")).to_be_visible()
    expect(page).to_have_url(re.compile(r"view=timeline&node=swap$"))
    assert page.locator("#timeline").is_visible(), "the timeline stays while the panel is open"
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/runs/{FAILED_RUN}\?view=timeline$"))


def test_the_timeline_page_is_accessible(watch: Watch, page: Page) -> None:
    page.goto(f"/runs/{FAILED_RUN}?view=timeline&node=swap")
    expect(panel_for(page, "swap")).to_be_visible()
    assert_accessible(page)
    tree = page.locator("#timeline").aria_snapshot()
    assert 'link "Run manually: Succeeded in 0 ms, on the longest chain"' in tree, tree


def test_the_timeline_works_without_javascript(page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto(f"/runs/{FAILED_RUN}")
    page.get_by_role("link", name="Timeline").click()
    expect(page.locator("#timeline svg.timeline-svg")).to_be_visible()
    page.locator("#timeline").get_by_role("link", name=re.compile(r"^Swap USDC")).click()
    assert page.url.endswith(f"/runs/{FAILED_RUN}?view=timeline&node=swap")
    expect(page.locator("#step-panel .step-detail")).to_contain_text("execution reverted: STF")
    page.get_by_role("link", name="Only the longest chain").click()
    assert "show=critical" in page.url
    expect(page.locator("#timeline a.row")).to_have_count(STEPS)
