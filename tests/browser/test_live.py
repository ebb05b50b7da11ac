"""The running run: it updates in place while it moves, and stops polling once it is over."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    STEPS,
    Clock,
    ServerProcess,
    Watch,
    clock_driven_viewer,
    open_run,
    start_demo_upstream,
    step,
)
from viewer.demo.api import LIVE_RUN_ID

pytestmark = pytest.mark.browser

RUNNING_SECONDS = 15.0  # long enough for both servers to start on a busy machine
QUIET_SECONDS = 3.5

SNAPSHOT = """() => {
  const live = document.getElementById('live');
  const time = live && live.querySelector('time.checked');
  const steps = {};
  document.querySelectorAll('#graph .steps > a').forEach(a => {
    const id = new URLSearchParams(a.getAttribute('href').split('?')[1]).get('node');
    steps[id] = a.getAttribute('data-status') || 'default';  // success (data-status-default)
  });
  const status = document.querySelector('#run-header .run-status');
  return {
    live: !!live,
    done: !!live && live.classList.contains('done'),
    updated: time ? time.getAttribute('datetime') : null,
    status: status ? status.textContent.trim() : null,
    steps: steps,
    sameDocument: window.__sameDocument === true,
  };
}"""


def unfinished_steps(snapshot: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in snapshot["steps"].items() if v in ("running", "not_run", "pending")}


def test_running_run_updates_in_place_and_stops_polling_when_done(
    start_pair: Callable[[float], tuple[ServerProcess, ServerProcess]],  # first: stopped last,
    watch: Watch,  # after the page has stopped polling them
    page: Page,
) -> None:
    """A fresh upstream whose run lasts RUNNING_SECONDS: the page's live marker and step
    statuses change without a reload, the final status shows, then no more polls."""
    _, viewer = start_pair(RUNNING_SECONDS)
    deadline = time.monotonic() + RUNNING_SECONDS + 15
    watch.allow_origin(viewer.url)
    open_run(page, viewer.url, LIVE_RUN_ID)
    page.evaluate("window.__sameDocument = true")

    snapshots: list[dict[str, Any]] = [page.evaluate(SNAPSHOT)]
    problems: list[str] = []
    if not snapshots[0]["live"] or snapshots[0]["done"]:
        problems.append(f"the run was not shown as running when opened: {snapshots[0]}")
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        snapshot = page.evaluate(SNAPSHOT)
        if snapshot != snapshots[-1]:
            snapshots.append(snapshot)
        if snapshot["done"]:
            break
    # the run's end is swapped in first, the steps' statuses it carries drawn right after
    settled = time.monotonic() + 2
    while snapshots[-1]["done"] and time.monotonic() < settled:
        if not unfinished_steps(snapshots[-1]):
            break
        page.wait_for_timeout(100)
        snapshot = page.evaluate(SNAPSHOT)
        if snapshot != snapshots[-1]:
            snapshots.append(snapshot)
    first, last = snapshots[0], snapshots[-1]
    live_url = f"/_fragments/runs/{LIVE_RUN_ID}/live"
    polls_while_running = len(watch.requests_to(live_url))

    if not last["done"]:
        problems.append(f"the run never showed as finished; last state: {last}")
    if last["status"] != "Succeeded":
        problems.append(f"the final status shown is {last['status']!r}, not 'Succeeded'")
    if not last["sameDocument"] or len(watch.requests_to(f"/runs/{LIVE_RUN_ID}")) != 1:
        problems.append("the page was reloaded instead of updated in place")
    updates = {s["updated"] for s in snapshots if s["updated"]}
    if len(updates) < 3:
        problems.append(f"the live marker's time changed too rarely: {sorted(updates)}")
    if polls_while_running < 3:
        problems.append(f"only {polls_while_running} live refreshes while running")
    statuses = [s["steps"] for s in snapshots]
    if all(steps == statuses[0] for steps in statuses):
        problems.append(f"the diagram's step statuses never changed: {statuses[0]}")
    unfinished = unfinished_steps(last)
    if last["done"] and unfinished:
        problems.append(f"steps still drawn as unfinished after the run ended: {unfinished}")

    page.wait_for_timeout(500)  # a refresh already on the wire when the run ended
    before_quiet = len(watch.requests_to(live_url))
    page.wait_for_timeout(QUIET_SECONDS * 1000)
    after_quiet = len(watch.requests_to(live_url))
    if after_quiet != before_quiet:
        problems.append(
            f"{after_quiet - before_quiet} live refreshes in {QUIET_SECONDS} s after the run ended"
        )
    changes = "\n    ".join(
        f"{s['updated']} {s['status']} done={s['done']} "
        f"{sorted((k, v) for k, v in s['steps'].items())}"
        for s in snapshots
    )
    if problems:
        pytest.fail(
            "\n  ".join(["the running run:", *problems])
            + f"\n  first state: {first}\n  states seen:\n    {changes}",
            pytrace=False,
        )


STALE_SNAPSHOT = """() => {
  const live = document.getElementById('live');
  return {
    stale: !!live && live.classList.contains('is-stale'),
    text: live ? live.textContent.replace(/\\s+/g, ' ').trim() : null,
    status: document.querySelector('#run-header .run-status').textContent.trim(),
    steps: document.querySelectorAll('#graph .steps > a').length,
  };
}"""


def test_a_failed_refresh_keeps_the_data_says_stale_and_recovers(
    start_pair: Callable[[float], tuple[ServerProcess, ServerProcess]],  # first: stopped last,
    watch: Watch,  # after the page has stopped polling them
    page: Page,
) -> None:
    """The upstream goes away mid-run: the page keeps the last data and says since when it is
    stale; once the upstream is back (same address), the refresh resumes by itself."""
    upstream, viewer = start_pair(120)
    watch.allow_origin(viewer.url)
    watch.expect_http_error(f"/_fragments/runs/{LIVE_RUN_ID}/live", 503)
    open_run(page, viewer.url, LIVE_RUN_ID)
    expect(page.locator(STEPS).first).to_be_visible()
    port = int(upstream.url.rsplit(":", 1)[1])
    upstream.stop()

    expect(page.locator("#live")).to_have_class(re.compile(r"\bis-stale\b"), timeout=15_000)
    stale = page.evaluate(STALE_SNAPSHOT)
    assert "Stale since" in stale["text"]
    assert "retrying in" in stale["text"]
    assert stale["status"] == "Running", "the last data stays on the page"
    assert stale["steps"] > 0, "the diagram stays on the page"

    revived = start_demo_upstream(120, name="revived-upstream", port=port)
    try:
        expect(page.locator("#live")).not_to_have_class(re.compile(r"\bis-stale\b"), timeout=20_000)
        assert "· checked" in page.evaluate(STALE_SNAPSHOT)["text"]
    finally:
        page.goto("about:blank")  # stop polling before the servers stop
        revived.stop()


# Each step of a diagram as it is drawn: id -> [status, its icon's path data, its texts].
DRAWN = """root => Object.fromEntries(Array.from(root.querySelectorAll('.steps > a'), a => [
  new URLSearchParams(a.getAttribute('href').split('?')[1]).get('node'),
  [a.dataset.status, a.querySelector(':scope > path').getAttribute('d'),
   a.querySelector(':scope > path').getAttribute('aria-label'), a.textContent],
]))"""


def test_a_live_refresh_redraws_each_step_as_the_server_draws_it(watch: Watch, page: Page) -> None:
    """While the run moves, graph-live.js re-colours steps, changes their icons and status
    words in place: the result is what the server draws for the same moment."""
    clock = Clock()
    with clock_driven_viewer(clock, 100) as viewer:
        watch.allow_origin(viewer.url)
        clock.at(35)
        open_run(page, viewer.url, LIVE_RUN_ID)
        expect(step(page, "cooldown")).to_have_attribute("data-status", "waiting")
        before = page.locator("#graph").evaluate(DRAWN)
        clock.at(50)
        # succeeded: drawn as the server draws the commonest status, without data-status
        expect(step(page, "cooldown")).to_have_accessible_name(re.compile(r" Succeeded$"))
        expect(step(page, "cooldown")).not_to_have_attribute("data-status", re.compile(""))
        expect(step(page, "swap")).to_have_attribute("data-status", "running")
        drawn = page.locator("#graph").evaluate(DRAWN)
        fresh = page.evaluate(
            f"""async url => {{
              const html = await (await fetch(url)).text();
              return ({DRAWN})(new DOMParser().parseFromString(html, 'text/html'));
            }}""",
            f"/_fragments/runs/{LIVE_RUN_ID}/graph",
        )
        assert drawn == fresh
        assert drawn["swap"][1] != before["swap"][1], "the icon changed with the status"
        expect(step(page, "swap")).to_have_accessible_name(re.compile(r" Running$"))
        page.goto("about:blank")  # stop polling before the servers stop
