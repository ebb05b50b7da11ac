"""The live marker says what runs now and since when, and what a wait waits for."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import ServerProcess, Watch, open_run, panel_for
from viewer.demo.api import LIVE_RUN_ID

pytestmark = pytest.mark.browser

WAITING_RUN = "run_2be7f0a913"  # waits for a 2-of-3 approval whose expiresAt has passed


def test_a_running_run_names_the_step_running_and_when_it_last_changed(
    watch: Watch,
    page: Page,
    start_pair: Callable[[float], tuple[ServerProcess, ServerProcess]],
) -> None:
    _, viewer = start_pair(120)
    watch.allow_origin(viewer.url)
    open_run(page, viewer.url, LIVE_RUN_ID)
    live = page.locator("#live")
    now = live.locator(".live-now").first
    expect(now).to_have_text(re.compile(r", running \d+(\.\d)? s"))
    expect(live.locator(".live-times")).to_have_text(
        re.compile(r"Last change \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(.+\) · checked .+ UTC")
    )
    expect(live).not_to_contain_text("Live · updated")
    step_link = now.locator("a[data-step-id]")
    step_id = step_link.get_attribute("data-step-id")
    assert step_id
    step_link.click()
    expect(panel_for(page, step_id)).to_be_visible()
    page.goto("about:blank")  # stop polling before the servers stop


def test_a_wait_past_its_deadline_is_flagged_with_who_must_act(watch: Watch, page: Page) -> None:
    open_run(page, "", WAITING_RUN)
    live = page.locator("#live")
    expect(live).to_have_class(re.compile(r"\bis-overdue\b"))
    words = live.locator(".live-now")
    expect(words).to_contain_text("2-of-3 treasury approval, waiting")
    expect(words).to_contain_text("1 of 2 approvals")
    expect(words).to_contain_text("waiting on user_42 or user_88")
    expect(words.locator(".wait-expired")).to_have_text(re.compile(r"Expired \d+ \w+ ago"))
    expect(words).to_contain_text("(2026-11-30 16:40:04 UTC), yet the run still says it waits")
    attention = page.locator("#failure-summary .wait-line")
    expect(attention).to_contain_text("waiting on user_42 or user_88")
    expect(attention.locator(".wait-expired")).to_be_visible()
