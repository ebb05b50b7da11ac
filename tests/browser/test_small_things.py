"""Small frictions of issue 15: refused copies, phone tables, odd statuses, raw logs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import PHONE, ServerProcess, Watch, open_run, panel_for

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"
HOSTILE_RUN = "run_f2a8b47e1d"
SIMULATION_RUN = "run_e13f6b82a4"

REFUSE_CLIPBOARD = """
Object.defineProperty(navigator, 'clipboard', {value: {
  writeText: function () { return Promise.reject(new DOMException('refused', 'NotAllowedError')); }
}});
document.execCommand = function () { return false; };
"""


def test_a_refused_copy_says_so_and_offers_the_text_selected(watch: Watch, page: Page) -> None:
    """When the browser refuses the clipboard, the person is told and gets the text to copy."""
    page.add_init_script(REFUSE_CLIPBOARD)
    open_run(page, "", FAILED_RUN, "?node=swap")
    panel = panel_for(page, "swap")
    panel.get_by_role("button", name="Copy step id").click()
    failed = panel.locator(".copy-failed")
    expect(failed).to_contain_text("Copy failed, select the text")
    area = failed.get_by_role("textbox", name="Text to copy")
    expect(area).to_have_value("swap")
    expect(area).to_be_focused()
    selected = area.evaluate("el => el.value.substring(el.selectionStart, el.selectionEnd)")
    assert selected == "swap"


def _right_edges(page: Page, selector: str) -> list[float]:
    return page.locator(selector).evaluate_all(
        "cells => cells.filter(c => c.getClientRects().length)"
        ".map(c => c.getBoundingClientRect().right)"
    )


def test_on_a_phone_the_list_view_and_inputs_stack_within_the_screen(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    """At 390 px wide every cell of the list view (Status included) and of the inputs table
    lies inside the screen, each value named."""
    context = browser.new_context(base_url=viewer_server.url, viewport=PHONE)
    try:
        page = context.new_page()
        open_run(page, "", FAILED_RUN)
        page.get_by_role("button", name="List view").click()
        rows = page.locator(".graph-list tbody tr")
        expect(rows.first).to_be_visible()
        status = rows.filter(has_text="Swap USDC").locator("td").nth(1)
        status.scroll_into_view_if_needed()
        expect(status).to_be_in_viewport(ratio=1)
        expect(status).to_contain_text("Failed")
        assert "Status" in status.evaluate("c => getComputedStyle(c, '::before').content")
        edges = _right_edges(page, ".graph-list td, .inputs-table td, .inputs-table th")
        assert edges and max(edges) <= PHONE["width"], max(edges)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
    finally:
        context.close()


def test_a_status_without_message_says_its_own_word_and_code(watch: Watch, page: Page) -> None:
    """A `timed_out` step without a message says "Timed out" and its code, never only
    that it failed without a message."""
    open_run(page, "", HOSTILE_RUN, "?node=notify")
    panel = panel_for(page, "notify")
    expect(panel.locator(".step-head .badge")).to_have_text("Timed out")
    message = panel.locator(".step-error .error-message")
    expect(message).to_have_text("Timed out: the runs service gave no message (code 504).")


def test_logs_show_no_terminal_codes_and_structured_entries_as_fields(
    watch: Watch, page: Page
) -> None:
    """Colour codes are stripped; a {level, time, …} entry shows its fields, not Python text."""
    open_run(page, "", HOSTILE_RUN, "?node=book")
    logs = panel_for(page, "book").locator(".logs")
    expect(logs).to_be_visible()
    text = logs.inner_text()
    assert "[32m" not in text and "[0m" not in text and "\ufffd" not in text
    assert "{'level'" not in text and "None" not in text
    first = logs.locator("li").nth(0)
    expect(first.locator(".tag")).to_have_text("debug")
    expect(first.locator(".log-text")).to_have_text("ok <img src=x onerror=alert(1)>")
    second = logs.locator("li").nth(1)
    expect(second.locator(".tag")).to_have_text("weird-level")
    expect(second.locator("time")).to_contain_text("UTC")
    expect(logs.locator("li").nth(2)).to_have_text("(empty log entry)")


def test_a_warning_log_entry_is_marked_with_its_time_and_zone(watch: Watch, page: Page) -> None:
    """Structured warnings read as a level, a time with its zone and the message."""
    open_run(page, "", FAILED_RUN, "?node=approve")
    warning = panel_for(page, "approve").locator(".logs li.log-warning")
    expect(warning).to_have_count(1)
    expect(warning.locator(".tag")).to_have_text("warn")
    expect(warning.locator("time")).to_have_text("2026-11-22 09:15:05 UTC")
    expect(warning.locator(".log-text")).to_have_text(
        "approve amount 2,500 USDC is lower than swap amount 25,000 USDC"
    )


def test_on_a_phone_the_simulation_forks_stack_within_the_screen(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    """At 390 px wide each fork's chain, fork id and RPC endpoint lie inside the screen, the
    id and endpoint each under its name, as the other tables do."""
    context = browser.new_context(base_url=viewer_server.url, viewport=PHONE)
    try:
        page = context.new_page()
        open_run(page, "", SIMULATION_RUN)
        forks = page.locator(".forks-table")
        rpc = forks.locator("tbody tr").first.locator("td").nth(2)
        rpc.scroll_into_view_if_needed()
        expect(rpc).to_be_in_viewport(ratio=1)
        assert "RPC endpoint" in rpc.evaluate("c => getComputedStyle(c, '::before').content")
        fork_id = forks.locator("tbody tr").first.locator("td").nth(1)
        assert "Fork id" in fork_id.evaluate("c => getComputedStyle(c, '::before').content")
        edges = _right_edges(page, ".forks-table td")
        assert len(edges) == 6 and max(edges) <= PHONE["width"], edges
        scroller = page.locator(".forks-table").locator("xpath=..")
        assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table scrolls"
    finally:
        context.close()
