"""Dark mode and the time switch in Chromium: applied at once, remembered, axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import ServerProcess, Watch, origin_of, panel_for, wait_for_graph
from tests.browser.test_accessibility import assert_accessible

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"
DARK_BG = "rgb(13, 17, 23)"
LIGHT_BG = "rgb(244, 245, 247)"


def background(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.documentElement).backgroundColor")


def open_display_menu(page: Page) -> None:
    page.locator(".prefs summary").click()
    expect(page.get_by_role("combobox", name="Theme")).to_be_visible()


def test_the_system_dark_mode_is_followed(browser: Browser, viewer_server: ServerProcess) -> None:
    context = browser.new_context(base_url=viewer_server.url, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(f"/runs/{FAILED_RUN}")
        assert background(page) == DARK_BG
    finally:
        context.close()


def test_a_chosen_theme_applies_at_once_and_is_remembered(watch: Watch, page: Page) -> None:
    page.goto(f"/runs/{FAILED_RUN}")
    assert background(page) == LIGHT_BG
    open_display_menu(page)
    expect(page.get_by_role("button", name="Save")).to_be_hidden()
    with page.expect_response("**/preferences") as saved:
        page.get_by_role("combobox", name="Theme").select_option("dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_BG
    assert saved.value.status == 303
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_BG, "the server renders the remembered theme"


def test_times_in_the_readers_own_zone(browser: Browser, viewer_server: ServerProcess) -> None:
    context = browser.new_context(base_url=viewer_server.url, timezone_id="America/New_York")
    watch = Watch(context=context, origins={origin_of(viewer_server.url)})
    try:
        page = watch.start()
        page.goto(f"/runs/{FAILED_RUN}")
        expect(page.locator("#run-header")).to_contain_text("2026-11-22 09:15:00 UTC")
        open_display_menu(page)
        with page.expect_navigation():
            page.get_by_role("combobox", name="Times").select_option("local")
        expect(page.locator("#run-header")).to_contain_text("2026-11-22 04:15:00 EST")
        open_display_menu(page)
        expect(page.get_by_role("combobox", name="Times")).to_have_value("local")
        assert watch.problems() == []
    finally:
        context.close()


def test_preferences_work_without_javascript(page_without_javascript: Page) -> None:
    page = page_without_javascript
    page.goto(f"/runs/{FAILED_RUN}?view=timeline")
    open_display_menu(page)
    page.get_by_role("combobox", name="Theme").select_option("dark")
    page.get_by_role("combobox", name="Times").select_option("relative")
    page.get_by_role("button", name="Save").click()
    assert page.url.endswith(f"/runs/{FAILED_RUN}?view=timeline")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(page.locator("#run-header time").first).to_contain_text("ago")


@pytest.mark.parametrize(
    "path", [f"/runs/{FAILED_RUN}?node=swap", f"/runs/{FAILED_RUN}?view=timeline"]
)
def test_dark_pages_are_accessible(
    browser: Browser, viewer_server: ServerProcess, path: str
) -> None:
    """axe in dark mode, colour contrast of every status included."""
    context = browser.new_context(base_url=viewer_server.url, color_scheme="dark")
    try:
        page = context.new_page()
        page.goto(path)
        if "view=timeline" in path:
            expect(page.locator("#timeline svg.timeline-svg")).to_be_visible()
        else:
            wait_for_graph(page)
            expect(panel_for(page, "swap")).to_be_visible()
        open_display_menu(page)
        assert_accessible(page)
    finally:
        context.close()
