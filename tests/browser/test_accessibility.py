"""axe-core on the main pages: no serious or critical violations."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.helpers import ServerProcess, Watch, panel_for, wait_for_graph

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
FAILED_RUN = "run_8fd21b6c07"


def serious_violations(page: Page) -> list[dict[str, Any]]:
    """The axe violations of impact serious or critical on the page as it is now."""
    results = Axe().run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """One readable block per violation: rule, impact, help, and the elements at fault."""
    blocks = []
    for violation in violations:
        lines = [
            f"[{violation['impact']}] {violation['id']}: {violation['help']}",
            f"  {violation.get('helpUrl', '')}",
        ]
        for node in violation.get("nodes", [])[:8]:
            lines.append(f"  - {', '.join(map(str, node.get('target', [])))}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n      ")
            lines.append(f"      {summary}")
            lines.append(f"      {node.get('html', '')[:200]}")
        more = len(violation.get("nodes", [])) - 8
        if more > 0:
            lines.append(f"  … and {more} more elements")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def assert_accessible(page: Page) -> None:
    """Fail with a readable list when axe finds serious or critical violations."""
    violations = serious_violations(page)
    if violations:
        pytest.fail(f"axe on {page.url}:\n{describe(violations)}", pytrace=False)


def test_home_page_is_accessible(watch: Watch, page: Page, demo_mode_viewer: ServerProcess) -> None:
    """The home page with its list of demo runs."""
    watch.allow_origin(demo_mode_viewer.url)
    page.goto(demo_mode_viewer.url + "/")
    expect(page.locator("table.runs-table")).to_be_visible()
    assert_accessible(page)


def test_run_page_is_accessible(watch: Watch, page: Page) -> None:
    """The failed run's page with its graph."""
    page.goto(f"/runs/{FAILED_RUN}")
    wait_for_graph(page)
    assert_accessible(page)


def test_run_page_with_a_panel_open_is_accessible(watch: Watch, page: Page) -> None:
    """The failed run with its failed step's panel open."""
    page.goto(f"/runs/{FAILED_RUN}?node=swap")
    wait_for_graph(page)
    expect(panel_for(page, "swap")).to_be_visible()
    assert_accessible(page)


def test_error_page_is_accessible(watch: Watch, page: Page) -> None:
    """The page for a run that does not exist."""
    watch.expect_http_error("/runs/does-not-exist", 404)
    page.goto("/runs/does-not-exist")
    expect(page.locator(".error-page h1")).to_be_visible()
    assert_accessible(page)


def test_diagram_steps_are_reachable_in_the_accessibility_tree(watch: Watch, page: Page) -> None:
    """The diagram is a labelled document whose steps are links a screen reader announces."""
    page.goto(f"/runs/{FAILED_RUN}")
    wait_for_graph(page)
    diagram = page.get_by_role("document", name=re.compile(r"^Workflow diagram, \d+ steps$"))
    expect(diagram).to_have_count(1)
    tree = diagram.aria_snapshot()
    assert re.search(r'- link "[^"]*Swap USDC[^"]*[Ff]ailed', tree), tree
    steps = diagram.get_by_role("link")
    assert steps.count() >= 5
    page.locator(".graph-svg").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.steps > a') !== null")
    assert focused, "Tab moves from the diagram onto a step"
    expect(page.locator("#graph .steps > a:focus")).to_have_accessible_name(re.compile(r"\S"))


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_comparison_page_is_accessible(watch: Watch, page: Page, phone: bool) -> None:
    """A simulation compared with its source run, wide and on a phone (rows stacked)."""
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/runs/run_e13f6b82a4/compare/{FAILED_RUN}")
    expect(page.locator("tr.first")).to_be_visible()
    assert_accessible(page)
