"""Step panels (one upstream call with nodeIds), deep links, and the live refresh fragment."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import RecordingTransport, envelope
from tests.support.servers import Reply, ScriptedUpstream
from tests.support.toggles import toggle_fragments
from viewer.demo.api import DEMO_TOKEN, LIVE_RUN_ID, create_demo_api

FAILED_RUN = "run_8fd21b6c07"
SUCCESS_RUN = "run_7f3a2c9e41"
ODD_RUN = "run_f2a8b47e1d"
SIM_RUN = "run_e13f6b82a4"


def node_ids_sent(upstream: RecordingTransport) -> list[str | None]:
    return [request.url.params.get("nodeIds") for request in upstream.requests]


def test_panel_asks_upstream_for_exactly_that_step(
    client: FlaskClient, upstream: RecordingTransport
) -> None:
    answer = client.get(f"/_fragments/runs/{SUCCESS_RUN}/steps/swap")
    assert answer.status_code == 200
    assert node_ids_sent(upstream) == ["swap"]
    assert "summary" not in upstream.requests[0].url.params


def test_succeeded_step_panel(client: FlaskClient) -> None:
    html = client.get(f"/_fragments/runs/{SUCCESS_RUN}/steps/swap").get_data(as_text=True)
    assert "<html" not in html
    assert 'data-step-id="swap"' in html
    assert "Succeeded" in html
    assert "Step outputs" in html and "Step configuration" in html
    assert "https://basescan.org/tx/0x" in html, "a real transaction links to its explorer"
    assert 'data-copy="swap"' in html
    assert 'aria-label="Copy step outputs as JSON"' in html
    assert 'data-copy="{\n  &#34;txHash&#34;' in html
    assert "data-hx-trigger" not in html, "a finished run's panel does not refresh"


def test_failed_step_panel_puts_the_error_first(client: FlaskClient) -> None:
    html = client.get(f"/_fragments/runs/{FAILED_RUN}/steps/swap").get_data(as_text=True)
    assert "What went wrong" in html
    assert "execution reverted: STF" in html
    assert html.index("execution reverted: STF") < html.index("Step configuration")
    assert "Error details" in html
    assert "Logs" in html


def test_not_run_step_panel(client: FlaskClient) -> None:
    html = client.get(f"/_fragments/runs/{FAILED_RUN}/steps/bridge").get_data(as_text=True)
    assert "Not run yet" in html
    assert "has not run" in html


def test_simulated_transactions_never_link_to_an_explorer(client: FlaskClient) -> None:
    html = client.get(f"/_fragments/runs/{SIM_RUN}/steps/swap").get_data(as_text=True)
    assert "Simulated" in html
    assert "etherscan.io/tx" not in html and "basescan.org/tx" not in html


def test_odd_data_panels_render_and_redact(client: FlaskClient) -> None:
    for step in ("fetch", "sign", "book", "nameless", "xss", "long", "notify", "ghost"):
        answer = client.get(f"/_fragments/runs/{ODD_RUN}/steps/{step}")
        assert answer.status_code == 200, step
        html = answer.get_data(as_text=True)
        assert "<script>" not in html
    sign = client.get(f"/_fragments/runs/{ODD_RUN}/steps/sign").get_data(as_text=True)
    assert "[redacted]" in sign


def test_huge_nested_value_is_capped_with_raw_link(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> None:
    nested: object = "bottom"
    for _ in range(60):
        nested = {"level": nested}
    run = {
        "id": "run_big",
        "status": "success",
        "workflowDefinition": {"nodes": {"root": {"type": "manual", "children": ["s"]}, "s": {}}},
        "executionState": {
            "s": {
                "status": "success",
                "output": {"text": "y" * 10_000, "deep": nested, "rows": list(range(5000))},
            }
        },
    }
    scripted.script(Reply(200, envelope(run)))
    app = make_app(runs_api_url=scripted.url, runs_api_token="t0ken-for-tests")
    html = app.test_client().get("/_fragments/runs/run_big/steps/s").get_data(as_text=True)
    assert "5000 items" in html
    assert "more not shown" in html
    assert "show all 10,000 characters" in html
    assert 'href="/runs/run_big/steps/s.json"' in html
    assert len(html) < 400_000


def test_open_all_failed_steps_is_one_call(
    make_app: Callable[..., Flask], upstream: RecordingTransport
) -> None:
    client = make_app().test_client()
    answer = client.get(f"/_fragments/runs/{ODD_RUN}/steps?ids=sign,notify")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert html.count('class="step-detail"') == 2
    assert node_ids_sent(upstream) == ["sign,notify"]


def test_deep_link_renders_the_panel_on_the_server(
    client: FlaskClient, upstream: RecordingTransport
) -> None:
    answer = client.get(f"/runs/{FAILED_RUN}?node=swap")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'id="step-panel"' in html
    assert "execution reverted: STF" in html
    assert (
        'aria-label="Step details" tabindex="-1" >' in html
        or "hidden" not in html.split('id="step-panel"')[1][:120]
    )
    assert "swap" in node_ids_sent(upstream)


def test_deep_link_to_unknown_step_is_404_with_the_page(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{FAILED_RUN}?node=nope")
    assert answer.status_code == 404
    html = answer.get_data(as_text=True)
    assert "Step not found" in html
    assert "wf_usdc_to_base_aave" in html, "the rest of the page stays"


def test_without_javascript_steps_are_links_and_drawn_on_the_server(
    client: FlaskClient,
) -> None:
    html = client.get(f"/runs/{FAILED_RUN}?steps=all&node=swap").get_data(as_text=True)
    assert f'href="/runs/{FAILED_RUN}?steps=all&amp;node=swap"' in html, "links keep the diagram"
    assert not re.search(rf'href="(/runs/{FAILED_RUN})?\?node=[^"&]*"', html), "none drops it"
    assert "<svg" in html
    assert "execution reverted: STF" in html
    list_part = html.split('id="step-list-title"')[1]
    bridge = f'<a href="/runs/{FAILED_RUN}?steps=all&amp;node=bridge" data-step-id="bridge">'
    assert bridge in list_part, "every step is listed as a link that keeps the drawn page"
    assert "Not run yet" in list_part


def test_step_raw_json(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{FAILED_RUN}/steps/swap.json")
    assert answer.status_code == 200
    assert answer.json["state"]["status"] == "failure"
    assert answer.json["definition"]["type"]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_live_fragment_refreshes_until_the_run_finishes(make_app: Callable[..., Flask]) -> None:
    import httpx

    clock = Clock()
    demo = create_demo_api(token=DEMO_TOKEN, clock=clock, running_seconds=60)
    app = make_app(
        transport=httpx.WSGITransport(app=demo),
        runs_api_url="http://demo.test",
        runs_api_token=DEMO_TOKEN,
        cache_live_seconds=0,
    )
    client = app.test_client()
    page = client.get(f"/runs/{LIVE_RUN_ID}").get_data(as_text=True)
    assert f'data-hx-get="/_fragments/runs/{LIVE_RUN_ID}/live"' in page
    clock.now += 20
    live = client.get(f"/_fragments/runs/{LIVE_RUN_ID}/live").get_data(as_text=True)
    assert "data-hx-trigger" in live
    assert '<hx-partial data-hx-target="#run-header"' in live
    assert '<hx-partial data-hx-target="#failure-summary"' in live
    assert 'data-status="success"' in live, "steps done by now"
    assert 'data-status="running"' in live or 'data-status="waiting"' in live, "the step under way"
    clock.now += 60
    final = client.get(f"/_fragments/runs/{LIVE_RUN_ID}/live").get_data(as_text=True)
    assert "Finished" in final
    assert "data-hx-get" not in final.split("<hx-partial")[0], "polling stops at a final status"
    assert "Succeeded" in final


def test_live_fragment_failure_keeps_the_last_data(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> None:
    app = make_app(runs_api_url=scripted.url, runs_api_token="t0ken-for-tests")
    scripted.script(Reply(503))
    answer = app.test_client().get("/_fragments/runs/run_1/live")
    assert answer.status_code == 503
    assert "<html" not in answer.get_data(as_text=True)
    page_live = {"id": "run_1", "status": "running", "startedAt": "2026-11-20T14:02:11Z"}
    scripted.script(Reply(200, envelope(page_live)))
    html = app.test_client().get("/runs/run_1").get_data(as_text=True)
    assert 'data-retry="4xx 5xx"' in html, "a failed refresh does not replace the data"


@pytest.mark.parametrize("count", [40])
def test_concurrent_requests_make_one_upstream_call(
    make_app: Callable[..., Flask], upstream: RecordingTransport, count: int
) -> None:
    import threading

    # coalescing, not expiry (a slow machine may take 3 s), and threads enough that every
    # caller may wait (past the threads' share for waiting, callers get a 503 at once)
    app = make_app(cache_live_seconds=60, threads=count + 16)
    statuses: list[int] = []
    barrier = threading.Barrier(count)

    def view() -> None:
        barrier.wait()
        statuses.append(app.test_client().get(f"/_fragments/runs/{LIVE_RUN_ID}/live").status_code)

    threads = [threading.Thread(target=view) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)  # rendering 40 fragments on a loaded 2-core machine can take seconds
    assert statuses == [200] * count
    assert len(upstream.requests) == 1


def test_a_block_can_be_collapsed_and_expanded_again(client: FlaskClient) -> None:
    """A block's Collapse link draws its steps as one box that links back to them."""
    path = "/_fragments/runs/run_0c7d5e2f96/graph"
    whole = client.get(path).get_data(as_text=True)
    collapse = toggle_fragments(whole, whole.index('data-group-id="block_0051"'))[0]
    folded = client.get(collapse).get_data(as_text=True)
    assert 'href="?node=block_0051:swap"' in whole
    assert 'href="?node=block_0051:swap"' not in folded
    assert folded.count('<a class="cluster') == whole.count('<a class="cluster') + 1
    assert client.get(f"{path}?boxes=bad,id").status_code == 400
