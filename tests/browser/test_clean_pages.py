"""Every page loads without console errors or CSP violations (the `watch` fixture checks)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import ServerProcess, Watch, wait_for_graph
from viewer.demo.api import DEMO_RUN_IDS

pytestmark = pytest.mark.browser

ERROR_PAGES = [("/runs/does-not-exist", 404), ("/runs/bad%20id", 400)]


def test_home_pages_are_clean(watch: Watch, page: Page, demo_mode_viewer: ServerProcess) -> None:
    """The home page with a runs API configured, and in demo mode with its list of runs."""
    response = page.goto("/")
    assert response is not None
    assert response.ok
    expect(page.get_by_label("Run id or link")).to_be_visible()

    watch.allow_origin(demo_mode_viewer.url)
    response = page.goto(demo_mode_viewer.url + "/")
    assert response is not None
    assert response.ok
    expect(page.locator("table.runs-table tbody tr")).to_have_count(len(DEMO_RUN_IDS))
    page.wait_for_timeout(300)


@pytest.mark.parametrize("run_id", DEMO_RUN_IDS)
def test_run_pages_are_clean(watch: Watch, page: Page, run_id: str) -> None:
    """Each demo run's page, its graph loaded (and one live refresh when it is still moving)."""
    response = page.goto(f"/runs/{run_id}")
    assert response is not None
    assert response.status == 200
    wait_for_graph(page)
    still_moving = page.locator("#live:not(.done)").count() > 0
    page.wait_for_timeout(2500 if still_moving else 300)


@pytest.mark.parametrize(("path", "status"), ERROR_PAGES)
def test_error_pages_are_clean(watch: Watch, page: Page, path: str, status: int) -> None:
    """An error page: the one expected HTTP error and nothing else in the console."""
    watch.expect_http_error(path, status)
    response = page.goto(path)
    assert response is not None
    assert response.status == status
    expect(page.locator(".error-page h1")).to_be_visible()
    expect(page.locator(".error-page")).to_contain_text(f"Error {status}")
    page.wait_for_timeout(300)


def test_no_favicon_404(watch: Watch, page: Page) -> None:
    """Browsers ask for an icon on every page; a missing one is a console error everywhere."""
    page.goto(f"/runs/{DEMO_RUN_IDS[-1]}")
    wait_for_graph(page)
    page.wait_for_timeout(500)
    assert watch.favicon_errors == []
