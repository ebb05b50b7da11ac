"""The step panel says where a step sits: path from the trigger, branch, block, neighbours."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import Watch, open_run, panel_for
from viewer.demo.api import GENERATED_RUN_ID

pytestmark = pytest.mark.browser

FAILED_SWAP = "uniswap_swap_0254"  # fails in the 520-step run; unnamed, after merges


def test_a_failed_step_in_the_big_run_says_which_vault_branch_it_is_on(
    watch: Watch, page: Page
) -> None:
    open_run(page, "", GENERATED_RUN_ID, f"?node={FAILED_SWAP}")
    place = panel_for(page, FAILED_SWAP).locator(".step-place")
    expect(place.get_by_role("heading", name="Where this step sits")).to_be_visible()
    path = place.get_by_role("list", name="Path from the trigger")
    expect(path.locator("li").first).to_have_text("Manual trigger")
    expect(path.locator("li").last).to_have_text("uniswap_swap")
    expect(path).to_contain_text("Vault 41 balance")
    expect(place.locator(".place-fact")).to_have_text(
        re.compile(r"Branch\s+Vault 41 balance, one of 48 branches after Read oracle prices")
    )
    expect(place).to_contain_text("Previous step")
    expect(place).to_contain_text("Next step")

    # The neighbours are links that open their own panel.
    place.locator(".place-neighbours").get_by_role("link", name="Read price #250").click()
    expect(page).to_have_url(re.compile(r"\?node=read_price_0250$"))
    opened = panel_for(page, "read_price_0250")
    expect(opened).to_be_visible()
    next_steps = opened.locator(".place-neighbours > div").nth(1)
    expect(next_steps.get_by_role("link", name="uniswap_swap")).to_be_visible()


def test_a_step_of_an_expanded_block_names_its_block_and_position(watch: Watch, page: Page) -> None:
    open_run(page, "", GENERATED_RUN_ID, "?node=block_0213:swap")
    place = panel_for(page, "block_0213:swap").locator(".step-place")
    expect(place.locator(".place-fact").filter(has_text="Block")).to_have_text(
        re.compile(r"Block\s+Rebalance block v3, step 3 of 4")
    )
    neighbours = place.locator(".place-neighbours")
    expect(neighbours.get_by_role("link", name="Approve erc20 #215")).to_be_visible()
    expect(neighbours.get_by_role("link", name="Read balance #217")).to_be_visible()


def test_the_trigger_says_the_run_starts_there(watch: Watch, page: Page) -> None:
    open_run(page, "", "run_8fd21b6c07", "?node=root")
    place = panel_for(page, "root").locator(".step-place")
    expect(place).to_contain_text("This is the trigger")
    expect(place.get_by_role("link", name="Check USDC on Ethereum")).to_be_visible()
