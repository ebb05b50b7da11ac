"""The live marker says what runs now and since when, and what a wait waits for."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    Clock,
    ServerProcess,
    Watch,
    clock_driven_viewer,
    open_run,
    panel_for,
)
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


RECORD_NEWS = """() => {
  window.__news = [];    // what screen readers are given to announce
  window.__polls = [document.getElementById('live').getAttribute('data-news')];  // at each refresh
  const region = document.getElementById('live-news');
  new MutationObserver(() => window.__news.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true});
  new MutationObserver(() => {
    const live = document.getElementById('live');
    if (live) window.__polls.push(live.getAttribute('data-news'));
  }).observe(document.getElementById('live').parentElement, {childList: true});
}"""


# The demo's running run (100 s) at moments the test moves its clock to, and what is news then.
NEWS_AT = [
    (8, "Read ARB/USD: running."),
    (20, "Approve ARB for Permit2: running."),
    (35, "Cool-down before swapping: waiting."),
    (60, "Swap excess ARB → USDC: running."),
    (101, "The run is over: succeeded."),
]


def wait_for_polls(page: Page, count: int) -> None:
    """Until the live marker has been refreshed `count` times since recording began."""
    deadline = time.monotonic() + 30
    while page.evaluate("() => window.__polls.length") < count:
        assert time.monotonic() < deadline, f"fewer than {count} refreshes in 30 s"
        page.wait_for_timeout(100)


def test_screen_readers_hear_what_changed_not_every_refresh(watch: Watch, page: Page) -> None:
    """The ticking marker ("running 20 s", "checked …") is no live region; the one live region
    changes only when the run does (a step starts or waits, the run ends), never at a refresh
    that brought nothing new, and never with a ticking time."""
    clock = Clock()
    with clock_driven_viewer(clock, 100) as viewer:
        watch.allow_origin(viewer.url)
        clock.at(3)
        open_run(page, viewer.url, LIVE_RUN_ID)
        live = page.locator("#live")
        expect(live).to_have_attribute("data-news", "Read ARB and USDC balances: running.")
        assert live.get_attribute("role") is None and live.get_attribute("aria-live") is None
        live_ancestor = "el => el.closest('[aria-live]:not([aria-live=off]), [role=status]')"
        assert live.evaluate(live_ancestor) is None, "the ticking marker is in a live region"
        page.evaluate(RECORD_NEWS)
        for at, news in NEWS_AT:
            clock.at(at)
            expect(live).to_have_attribute("data-news", news)
            polled = page.evaluate("window.__polls.length")
            if at < 100:  # two more refreshes with nothing new
                wait_for_polls(page, polled + 2)
        announced: list[str] = page.evaluate("window.__news")
        polls: list[str] = page.evaluate("window.__polls")
        assert announced == [news for _, news in NEWS_AT], announced
        assert len(polls) >= 2 * len(NEWS_AT), polls
        ticking = [n for n in polls if re.search(r"\d\s*(ms|s|min|h)\b|\d:\d\d|\bago\b", n)]
        assert ticking == [], f"times in what is announced: {ticking}"
        page.goto("about:blank")  # stop polling before the servers stop
