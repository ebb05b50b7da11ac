"""Steps that succeeded with a warning in their logs are marked on the diagram and listed."""

from __future__ import annotations

import copy
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Clock, Watch, clock_driven_viewer, open_run, panel_for, step
from viewer.demo.api import LIVE_RUN_ID, load_demo_runs
from viewer.demo.clock import SCHEDULE_KEY
from viewer.graph import geometry
from viewer.graph.icons import at

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"  # the swap fails because the approve step's warning came true
WARNING = "approve amount 2,500 USDC is lower than swap amount 25,000 USDC"


def test_a_warning_in_a_succeeded_step_is_marked_and_listed(watch: Watch, page: Page) -> None:
    open_run(page, "", FAILED_RUN)
    summary = page.locator("#failure-summary")
    warned = summary.locator(".warned-list li")
    expect(warned).to_have_count(1)
    expect(warned).to_contain_text("Succeeded with a warning")
    expect(warned.locator(".warning-message")).to_have_text(WARNING)

    approve = step(page, "approve")
    expect(approve).to_have_accessible_name(
        "Approve USDC for SwapRouter02 approve_erc20 Succeeded, with a warning in its logs"
    )
    expect(approve.locator(".warn-mark")).to_have_count(1)
    expect(page.locator("#graph .warn-mark")).to_have_count(1)

    warned.get_by_role("link", name="Approve USDC for SwapRouter02").click()
    expect(page).to_have_url(re.compile(r"\?node=approve$"))
    expect(panel_for(page, "approve").locator(".logs li.log-warning")).to_contain_text(WARNING)


def test_a_run_without_warnings_lists_none(watch: Watch, page: Page) -> None:
    open_run(page, "", "run_7f3a2c9e41")
    expect(page.locator("#graph .warn-mark")).to_have_count(0)
    expect(page.locator("#failure-summary .warned-list")).to_have_count(0)


LIVE_WARNING = "warning: ARB weight 40.1 % is close to the 45 % limit"


def test_a_live_refresh_adds_and_removes_the_warning_mark(watch: Watch, page: Page) -> None:
    """On a running run, the refresh marks a step that now reports success with a warning
    (on the diagram and in the summary) and takes the mark away once its entry has none.
    The upstream is the demo API on loopback, its clock moved by the test: the "check" step
    reports a warning while it is in progress, and its final entry has none."""
    template = copy.deepcopy(load_demo_runs()[LIVE_RUN_ID])
    for item in template[SCHEDULE_KEY]:
        if item["node"] == "check":  # from 11 s to 14 s of the run's 100 s
            item["active"] = {"status": "success", "logs": [LIVE_WARNING]}
    clock = Clock()
    with clock_driven_viewer(clock, 100, {LIVE_RUN_ID: template}) as viewer:
        watch.allow_origin(viewer.url)
        clock.at(5)
        open_run(page, viewer.url, LIVE_RUN_ID)
        check = step(page, "check")
        summary = page.locator("#failure-summary .warned-list")
        expect(check.locator(".warn-mark")).to_have_count(0)
        expect(summary).to_have_count(0)

        clock.at(12)
        expect(check.locator(".warn-mark")).to_have_count(1)
        expect(check).to_have_accessible_name(re.compile(r"Succeeded, with a warning in its logs$"))
        # the mark drawn by graph-live.js is the one the server draws (viewer/graph/svg.py), in
        # the step's own coordinates (its link is placed at its name's start), on its box's
        # top-right corner
        x, y = geometry.NODE_W - geometry.LABEL_X, -geometry.NAME_Y
        expect(check.locator(".warn-mark circle")).to_have_attribute("cx", f"{x:g}")
        expect(check.locator(".warn-mark circle")).to_have_attribute("cy", f"{y:g}")
        icon = at(page.locator("#st-warned path").get_attribute("d") or "", x - 8, y - 8)
        expect(check.locator(".warn-mark path")).to_have_attribute(
            "d", icon.replace(" -", "-").replace(" ", ",")
        )
        box = check.locator(":scope > rect").bounding_box()
        mark = check.locator(".warn-mark circle").bounding_box()
        assert box and mark
        corner = (box["x"] + box["width"], box["y"])
        centre = (mark["x"] + mark["width"] / 2, mark["y"] + mark["height"] / 2)
        assert abs(corner[0] - centre[0]) < 2 and abs(corner[1] - centre[1]) < 2
        expect(summary).to_contain_text(LIVE_WARNING)

        clock.at(20)
        expect(check.locator(".warn-mark")).to_have_count(0)
        expect(check).to_have_accessible_name(re.compile(r" Succeeded$"))
        expect(summary).to_have_count(0)
        page.goto("about:blank")  # stop polling before the servers stop
