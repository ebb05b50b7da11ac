"""View models: the data each page part shows, built from a Run (no HTML involved)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask

from viewer.demo import load_demo_runs
from viewer.runs.model import Run
from viewer.web.viewmodels import ATTENTION_SHOWN, STEP_PLACEHOLDER, run_page

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
FAILED = "run_8fd21b6c07"


@pytest.fixture(autouse=True)
def request_context(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"):
        yield


def demo_run(run_id: str, **changes: object) -> Run:
    return Run.from_payload({**load_demo_runs()[run_id], **changes}, run_id)


def page_of(run: Run):
    return run_page(run, "req-1", now=NOW, refresh_seconds=3)


def test_urls_are_made_once_for_the_page_and_its_scripts() -> None:
    urls = page_of(demo_run(FAILED)).urls
    assert urls.page == f"/runs/{FAILED}"
    assert urls.server_drawn == f"/runs/{FAILED}?steps=all"
    assert urls.graph == f"/_fragments/runs/{FAILED}/graph"
    assert urls.live == f"/_fragments/runs/{FAILED}/live"
    assert urls.raw == f"/runs/{FAILED}.json"
    assert urls.download == f"/runs/{FAILED}.json?download=1"
    assert urls.step_panel == f"/_fragments/runs/{FAILED}/steps/{STEP_PLACEHOLDER}"
    assert urls.step_page == f"/runs/{FAILED}?node={STEP_PLACEHOLDER}"


def test_attention_names_the_failed_step_with_its_error() -> None:
    attention = page_of(demo_run(FAILED)).attention
    assert attention.title == "Why this run failed"
    assert (attention.failed_count, attention.waiting_count, attention.hidden_count) == (1, 0, 0)
    [item] = attention.items
    assert (item.id, item.status.key) == ("swap", "failure")
    assert "STF" in (item.error or "")
    assert item.href == f"/runs/{FAILED}?node=swap"
    assert attention.open_failed_href is None, "one failure needs no 'open all' button"


def test_attention_lists_a_bounded_number_and_opens_all_failures_in_one_call() -> None:
    base = load_demo_runs()[FAILED]
    states = {f"s{n}": {"status": "failure", "error": f"boom {n}"} for n in range(60)}
    run = demo_run(FAILED, executionState=states, workflowDefinition=base["workflowDefinition"])
    attention = page_of(run).attention
    assert len(attention.items) == ATTENTION_SHOWN
    assert attention.hidden_count == 60 - ATTENTION_SHOWN
    assert attention.failed_count == 60
    ids = attention.open_failed_href.split("ids=", 1)[1].split(",")
    assert ids == [f"s{n}" for n in range(50)], "at most one upstream call's worth of steps"
    assert attention.first_failed_href == f"/runs/{FAILED}?node=s0"


def test_a_waiting_run_says_what_it_waits_for() -> None:
    attention = page_of(demo_run("run_2be7f0a913")).attention
    assert attention.title == "What this run is waiting for"
    assert attention.waiting_count >= 1
    assert all(item.status.key == "waiting" for item in attention.items)


def test_inputs_count_what_is_missing_only_when_the_schema_is_known() -> None:
    inputs = page_of(demo_run(FAILED)).inputs
    assert inputs.schema_known
    assert inputs.missing_count == 1
    assert [field.key for field in inputs.fields if field.missing] == ["notifyChannel"]
    summary = page_of(demo_run(FAILED, workflowDefinition=None)).inputs
    assert not summary.schema_known
    assert summary.missing_count == 0


def test_title_and_liveness() -> None:
    page = page_of(demo_run(FAILED))
    assert page.title == f"Failed · {page.run.workflow_id} · run {FAILED}"
    assert not page.live
    assert page_of(demo_run(FAILED, status="running")).live
