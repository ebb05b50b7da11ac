"""Steps that succeeded with a warning in their logs are marked on the diagram and listed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Watch, open_run, panel_for, step

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
    expect(approve).to_have_class(re.compile(r"\bwarned\b"))
    expect(approve).to_have_attribute("aria-label", re.compile("with a warning in its logs"))
    expect(approve.locator(".warn-mark")).to_have_count(1)
    expect(page.locator("#graph a.step.warned")).to_have_count(1)

    warned.get_by_role("link", name="Approve USDC for SwapRouter02").click()
    expect(page).to_have_url(re.compile(r"\?node=approve$"))
    expect(panel_for(page, "approve").locator(".logs li.log-warning")).to_contain_text(WARNING)


def test_a_run_without_warnings_lists_none(watch: Watch, page: Page) -> None:
    open_run(page, "", "run_7f3a2c9e41")
    expect(page.locator("#graph a.step.warned")).to_have_count(0)
    expect(page.locator("#failure-summary .warned-list")).to_have_count(0)
