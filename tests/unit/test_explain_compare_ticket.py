"""Comparing two runs, and the Markdown ticket: the data they hold and the text they write."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from viewer.explain.compare import ALL_ROWS_UP_TO, MAX_CHANGES, MAX_ROWS, compare_runs
from viewer.explain.story import what_happened
from viewer.explain.ticket import TicketLinks, code, escape, ticket_markdown
from viewer.runs.model import Moment, Run

NOW = datetime(2026, 11, 30, tzinfo=UTC)
HASH = "0x" + "ab" * 32


def run_of(run_id: str, nodes: dict[str, Any], state: dict[str, Any], **more: Any) -> Run:
    payload = {
        "id": run_id,
        "status": "success",
        "startedAt": "2026-11-22T09:15:00Z",
        "finishedAt": "2026-11-22T09:15:30Z",
        "totalCu": 100,
        "workflowDefinition": {"nodes": nodes},
        "executionState": state,
        **more,
    }
    return Run.from_payload(payload, run_id)


def step(start: int, status: str = "success", **more: Any) -> dict[str, Any]:
    return {
        "status": status,
        "startedAt": f"2026-11-22T09:15:{start:02d}Z",
        "finishedAt": f"2026-11-22T09:15:{start + 1:02d}Z",
        **more,
    }


NODES = {
    "root": {"type": "manual"},
    "approve": {"type": "approve", "name": "Approve", "amount": "{{props.approveAmount}}"},
    "swap": {"type": "swap", "name": "Swap"},
}


def test_compare_finds_where_runs_part_ways_and_what_differs() -> None:
    failed = run_of(
        "run_a",
        NODES,
        {
            "root": step(0),
            "approve": step(1, cu=640, output={"allowance": "2500", "block": 1}),
            "swap": step(3, "failure", cu=1380, error="execution reverted: STF"),
        },
        status="failure",
        propValues={"amount": 25000, "approveAmount": 2500},
    )
    nodes = {**NODES, "approve": {**NODES["approve"], "amount": "{{props.amount}}"}}
    nodes["notify"] = {"type": "notify", "name": "Tell Slack"}
    fixed = run_of(
        "run_b",
        nodes,
        {
            "root": step(0),
            "approve": step(1, cu=640, output={"allowance": "25000", "block": 1}),
            "swap": step(5, cu=1420),
            "notify": step(8),
        },
        propValues={"amount": 25000},
        isSimulation=True,
        sourceRunId="run_a",
    )
    cmp = compare_runs(failed, fixed, NOW)
    assert [row.id for row in cmp.rows] == ["root", "approve", "swap", "notify"]
    assert cmp.first_divergence is not None and cmp.first_divergence.id == "swap"
    assert [row.id for row in cmp.status_differs] == ["swap"]
    assert [row.id for row in cmp.only_right] == ["notify"] and cmp.only_left == []
    assert [(c.path, c.kind) for c in cmp.input_changes] == [("approveAmount", "removed")]
    approve = cmp.rows[1]
    assert [(c.path, c.left, c.right) for c in approve.changes["Outputs"]] == [
        ("allowance", '"2500"', '"25000"')
    ]
    assert [c.path for c in approve.changes["Configuration"]] == ["amount"]
    assert [row.id for row in cmp.configured_differently] == ["approve"]
    swap = cmp.rows[2]
    assert swap.left is not None and swap.left.explanation is not None
    assert swap.cu_delta == 40 and swap.seconds_delta == 0
    assert cmp.names == ("Original run", "Simulation")
    assert cmp.cu_delta == 0 and cmp.seconds_delta == 0


def test_compare_is_bounded_at_5000_steps() -> None:
    nodes = {f"s{i}": {"type": "t", "name": f"Step {i}"} for i in range(5000)}
    big = {f"s{i}": step(i % 50, output={"n": i, "list": list(range(30))}) for i in range(5000)}
    other = {
        f"s{i}": step(i % 50, output={"n": -i, "list": list(range(1, 31))}) for i in range(5000)
    }
    cmp = compare_runs(run_of("run_a", nodes, big), run_of("run_b", nodes, other), NOW)
    assert cmp.steps_total == 5000
    assert len(cmp.rows) == MAX_ROWS and cmp.rows_hidden == 5000 - MAX_ROWS
    assert cmp.changes_cut
    assert sum(row.change_count for row in cmp.rows) <= MAX_CHANGES


def test_a_large_comparison_lists_only_the_steps_that_differ() -> None:
    nodes = {f"s{i}": {"type": "t"} for i in range(ALL_ROWS_UP_TO + 50)}
    state = {step_id: step(1) for step_id in nodes}
    changed = {**state, "s7": step(1, "failure")}
    cmp = compare_runs(run_of("run_a", nodes, state), run_of("run_b", nodes, changed), NOW)
    assert [row.id for row in cmp.rows] == ["s7"]
    assert cmp.rows_hidden == ALL_ROWS_UP_TO + 49


def test_escape_makes_upstream_text_inert() -> None:
    hostile = "[click](javascript:alert(1)) ![x](http://e.vil/p.png) <img src=x onerror=1>\n# H"
    text = escape(hostile + " https://evil.example www.evil.example a@b.c `code` &amp; | ~~x~~")
    assert re.search(r"(?<!\\)\]\(", text) is None  # no "](" that starts a link
    assert re.search(r"(?<!\\)[<>\[\]`&@|~!*_]", text) is None  # each one escaped
    for raw in ("https://", "www.evil", "\n"):
        assert raw not in text
    assert text.startswith("\\[click\\]")
    assert code("a `b` c") == "`` a `b` c ``"


def test_ticket_for_a_failed_run() -> None:
    nodes = {
        "root": {"type": "manual"},
        "swap": {"type": "swap", "name": "Swap [x](y)", "chainId": 1},
    }
    state = {"swap": step(3, "failure", error="execution reverted: STF", txHash=HASH)}
    run = run_of("run_a", nodes, state, status="failure", workflowId="wf_1", workflowVersion=7)
    links = TicketLinks(
        run_url="https://viewer.test/runs/run_a",
        step_url=lambda s: f"https://viewer.test/runs/run_a?node={s}",
        compare_url=None,
        upstream_request_id="req-1",
        viewer_request_id="v-2",
    )
    text = ticket_markdown(run, what_happened(run, NOW), links, lambda m: f"{m.at:%H:%M:%S} UTC")
    assert "### Run `run_a`: Failed" in text
    assert "- **Link:** <https://viewer.test/runs/run_a>" in text
    assert "- **Workflow:** `wf_1`, version 7" in text
    assert "- **Started:** 09:15:00 UTC" in text
    assert "**Failed step:** Swap \\[x\\](y) (`swap`)" in text
    assert "- **Error:** `execution reverted: STF`" in text
    assert "- **What you can do:** Check that the approval" in text
    assert f"[`{HASH}`](<https://etherscan.io/tx/{HASH}>)" in text
    assert "runs API request id `req-1`, viewer request id `v-2`" in text


def test_ticket_never_links_a_simulated_transaction() -> None:
    nodes = {"swap": {"type": "swap", "chainId": 1}}
    run = run_of("run_s", nodes, {"swap": step(1, txHash=HASH)}, isSimulation=True)
    links = TicketLinks("https://v/runs/run_s", str, "https://v/c", None, "v")
    text = ticket_markdown(run, what_happened(run, NOW), links, lambda m: str(Moment))
    assert "etherscan" not in text and f"`{HASH}`" in text
    assert "Simulated transactions (not on a public chain)" in text
    assert "- **Compared with its source run:** <https://v/c>" in text
    assert "runs API request id `none`" in text
