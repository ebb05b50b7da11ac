"""Hostile data in a run shows as text: no script runs, no dialog opens, nothing leaves."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import ServerProcess, Watch, open_run, origin_of, panel_for, step

pytestmark = pytest.mark.browser

HOSTILE_RUN = "run_f2a8b47e1d"
HOSTILE_NAME_STEP = "xss"  # name: <script>alert('xss')</script><b>Spread OK?</b> & "quotes"
HOSTILE_LOG_STEP = "book"  # log: <img src=x onerror=alert(1)>
SCRIPT_TEXT = "<script>alert('xss')</script>"


def test_hostile_payload_shows_as_text(
    watch: Watch, page: Page, viewer_server: ServerProcess
) -> None:
    """The hostile name and log are visible as text; no element, dialog or request results."""
    open_run(page, "", HOSTILE_RUN)
    box = step(page, HOSTILE_NAME_STEP)
    expect(box).to_have_accessible_name(re.compile(re.escape(SCRIPT_TEXT)))
    expect(page.locator("#graph script, #graph b, #graph img")).to_have_count(0)

    box.click()
    name_panel = panel_for(page, HOSTILE_NAME_STEP)
    expect(name_panel).to_be_visible()
    expect(name_panel.locator("h2")).to_contain_text(SCRIPT_TEXT)
    expect(name_panel.locator("h2")).to_contain_text("<b>Spread OK?</b>")

    # By keyboard: with the panel open the narrower canvas may hide the box's centre.
    step(page, HOSTILE_LOG_STEP).focus()
    page.keyboard.press("Enter")
    log_panel = panel_for(page, HOSTILE_LOG_STEP)
    expect(log_panel).to_be_visible()
    expect(log_panel.locator(".logs")).to_contain_text("<img src=x onerror=alert(1)>")
    page.wait_for_timeout(1000)  # time for any injected handler to fire

    expect(page.locator("main script, main img, #step-panel b")).to_have_count(0)
    assert watch.dialogs == []
    viewer_origin = origin_of(viewer_server.url)
    elsewhere = [url for url in watch.requests if origin_of(url) != viewer_origin]
    assert elsewhere == [], f"requests left the viewer: {elsewhere}"
    assert not watch.requests_to("/runs/x"), "the <img src=x> was loaded"
    assert not [url for url in watch.requests if url.endswith("/x")]
