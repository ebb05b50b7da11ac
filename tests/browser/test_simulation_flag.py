"""A simulation says so in the tab title, next to its status and in every step panel."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.helpers import PHONE, ServerProcess, open_run, panel_for

pytestmark = pytest.mark.browser

SIMULATION_RUN = "run_e13f6b82a4"


def test_a_simulation_is_named_in_title_status_and_the_panel_a_phone_scrolls_to(
    browser: Browser, viewer_server: ServerProcess
) -> None:
    context = browser.new_context(base_url=viewer_server.url, viewport=PHONE)
    try:
        page = context.new_page()
        open_run(page, "", SIMULATION_RUN, "?node=swap")
        expect(page).to_have_title(re.compile(r"^Simulation · Succeeded · "))
        expect(page.locator("#run-header .run-status")).to_contain_text("Simulation")
        flag = panel_for(page, "swap").locator(".step-head .sim-flag")
        expect(flag).to_have_text(re.compile("Simulation: not on a real chain"))
        expect(flag).to_be_in_viewport()  # the phone scrolled to the panel, past the banner
    finally:
        context.close()


def test_a_real_run_has_no_simulation_words(browser: Browser, viewer_server: ServerProcess) -> None:
    context = browser.new_context(base_url=viewer_server.url)
    try:
        page = context.new_page()
        open_run(page, "", "run_8fd21b6c07", "?node=swap")
        expect(page).to_have_title(re.compile(r"^Failed · "))
        expect(page.locator("#run-header .run-status")).not_to_contain_text("Simulation")
        expect(panel_for(page, "swap").locator(".sim-flag")).to_have_count(0)
    finally:
        context.close()
