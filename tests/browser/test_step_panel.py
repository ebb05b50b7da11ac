"""A step's panel in a real browser: the address follows the panel once it is in, an answer that
comes too late is not shown, and the panel is styled without the browser looking through the
diagram."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.helpers import Watch, marked_steps, open_run, panel_for, step

pytestmark = pytest.mark.browser

SUCCESS_RUN = "run_7f3a2c9e41"  # its steps quote and price are test_run_page.py's alone
PANELS = "**/_fragments/runs/*/steps/*"
TO_PANEL = "Skip the diagram, to the step details"


def hold_answers(page: Page, step_id: str) -> list[Route]:
    """Panel requests for `step_id` wait (in the returned list) until the test lets them go."""
    held: list[Route] = []

    def handle(route: Route) -> None:
        if route.request.url.endswith(f"/steps/{step_id}"):
            held.append(route)
        else:
            route.continue_()

    page.route(PANELS, handle)
    return held


def let_go(page: Page, held: list[Route]) -> None:
    """Send the held requests on (an aborted one goes nowhere), and give their answers time
    to arrive and be shown."""
    assert held, "no panel request was held"
    for route in held:
        route.continue_()
    page.evaluate("() => new Promise(r => setTimeout(() => requestAnimationFrame(r), 500))")


def selected(page: Page) -> list[str]:
    return [step_id for step_id, marks in marked_steps(page).items() if marks["selected"]]


def test_the_address_follows_the_panel_once_it_is_in(watch: Watch, page: Page) -> None:
    """A click selects the step at once; the address names it when its panel is shown."""
    open_run(page, "", SUCCESS_RUN)
    held = hold_answers(page, "swap")
    step(page, "swap").click()
    expect(page.locator("#step-panel")).to_have_attribute("aria-busy", "true")
    assert selected(page) == ["swap"]
    assert page.url.endswith(f"/runs/{SUCCESS_RUN}"), "the address changed before the panel"

    let_go(page, held)
    expect(panel_for(page, "swap")).to_be_visible()
    expect(page.locator("#step-panel h2")).to_be_focused()
    expect(page.locator("#step-panel")).not_to_have_attribute("aria-busy", "true")
    expect(page).to_have_url(re.compile(rf"/runs/{SUCCESS_RUN}\?node=swap$"))
    expect(page.get_by_role("link", name=TO_PANEL)).to_have_count(1)

    page.go_back()
    expect(page.locator("#step-panel")).to_be_hidden()
    expect(page.get_by_role("link", name=TO_PANEL)).to_have_count(0)


def test_a_late_answer_does_not_replace_the_step_clicked_after_it(watch: Watch, page: Page) -> None:
    """Click one step, then another before the first answers: the second's panel stays."""
    open_run(page, "", SUCCESS_RUN)
    held = hold_answers(page, "swap")
    step(page, "swap").click()
    step(page, "approve").click()
    expect(panel_for(page, "approve")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?node=approve$"))

    let_go(page, held)
    expect(panel_for(page, "approve")).to_be_visible()
    expect(panel_for(page, "swap")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?node=approve$"))
    assert selected(page) == ["approve"]


def test_a_panel_closed_before_its_answer_stays_closed(watch: Watch, page: Page) -> None:
    """Escape while a panel is on its way: it does not open when the answer comes."""
    open_run(page, "", SUCCESS_RUN)
    held = hold_answers(page, "swap")
    step(page, "swap").click()
    expect(page.locator("#step-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#step-panel")).to_be_hidden()

    let_go(page, held)
    expect(page.locator("#step-panel")).to_be_hidden()
    assert page.url.endswith(f"/runs/{SUCCESS_RUN}")
    assert selected(page) == []
    expect(page.get_by_role("link", name=TO_PANEL)).to_have_count(0)


# Every style rule the page's style sheets apply (inside @media rules that match) whose
# selector has a :has() followed by a descendant or child part: when anything changes below
# the :has()'s element, the browser must then look through everything below it again (at
# 5,000 steps, the diagram's 40,000-odd elements for each panel swapped in).
_LOOKS_DOWN_FROM_HAS = r"""() => {
  const found = [];
  const lookDown = selector => {
    const at = selector.indexOf(':has(');
    if (at < 0) return false;
    let depth = 0, end = at + 4;
    for (; end < selector.length; end++) {
      if (selector[end] === '(') depth++;
      else if (selector[end] === ')' && --depth === 0) break;
    }
    const rest = selector.slice(end + 1).trim().replace(/\s*([~+>])\s*/g, '$1');
    return /[\s>]/.test(rest);
  };
  const walk = rules => {
    for (const rule of rules) {
      if (rule instanceof CSSMediaRule && !matchMedia(rule.conditionText).matches) continue;
      if (rule.cssRules && !(rule instanceof CSSStyleRule)) walk(rule.cssRules);
      else if (rule instanceof CSSStyleRule) {
        for (const part of rule.selectorText.split(/,(?![^(]*\))/)) {
          if (lookDown(part.trim())) found.push(part.trim());
        }
      }
    }
  };
  for (const sheet of document.styleSheets) walk(sheet.cssRules);
  return found;
}"""


def test_a_step_panel_is_styled_without_looking_through_the_diagram(
    watch: Watch, page: Page
) -> None:
    """No rule makes a change in the panel restyle from above the diagram, and a disclosure
    (<summary>) in the panel counts in no page-wide counter (adding one would make the browser
    number the whole page again)."""
    open_run(page, "", SUCCESS_RUN)
    step(page, "swap").click()
    summary = page.locator("#step-panel .json-tree summary").first
    expect(summary).to_be_visible()
    assert page.evaluate(_LOOKS_DOWN_FROM_HAS) == []
    assert summary.evaluate("el => getComputedStyle(el).counterIncrement") == "none"
