"""The timeline's data: spans, waits, idle periods, the longest chain, pages and time ticks."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from viewer.runs.model import Moment, Run
from viewer.timeline.build import build_timing
from viewer.timeline.view import CHART_W, LABEL_W, ROWS_PER_PAGE, timeline_view

T0 = datetime(2026, 11, 20, 14, 0, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=5)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def make_run(
    steps: dict[str, tuple[str, float | None, float | None]],
    children: dict[str, list[str]],
    status: str = "success",
    finished: float | None = None,
) -> Run:
    """steps: id -> (status, start seconds or None, end seconds or None)."""
    state: dict[str, Any] = {}
    for step_id, (step_status, start, end) in steps.items():
        entry: dict[str, Any] = {"status": step_status}
        if start is not None:
            entry["startedAt"] = at(start)
        if end is not None:
            entry["finishedAt"] = at(end)
        state[step_id] = entry
    nodes = {
        step_id: {"type": "action", "name": f"Step {step_id}", "children": children.get(step_id)}
        for step_id in steps
    }
    payload = {
        "id": "run_t",
        "status": status,
        "startedAt": at(0),
        "finishedAt": at(finished) if finished is not None else None,
        "workflowDefinition": {"nodes": nodes},
        "executionState": state,
    }
    return Run.from_payload(payload, "run_t")


DIAMOND = {"root": ["a", "b"], "a": ["c", "d"], "b": ["c"]}


def diamond(**overrides: tuple[str, float | None, float | None]) -> Run:
    steps = {
        "root": ("success", 0, 0.5),
        "a": ("success", 1, 10),
        "b": ("success", 1, 30),
        "c": ("success", 31, 40),
        "d": ("success", 11, 12),
        "e": ("not_run", None, None),
    }
    return make_run(steps | overrides, DIAMOND)


def test_one_span_per_started_step_in_start_order() -> None:
    timing = build_timing(diamond(), NOW)
    assert [s.id for s in timing.spans] == ["root", "a", "b", "d", "c"]
    assert timing.not_started == 1
    assert timing.start == T0
    assert timing.end == T0 + timedelta(seconds=40)


def test_the_longest_chain_follows_the_parent_each_step_waited_for() -> None:
    timing = build_timing(diamond(), NOW)
    assert timing.critical == ("root", "b", "c")
    assert {s.id for s in timing.spans if s.critical} == {"root", "b", "c"}


def test_the_longest_chain_ends_at_the_step_that_ended_last() -> None:
    timing = build_timing(diamond(d=("success", 11, 90)), NOW)
    assert timing.critical == ("root", "a", "d")


def test_a_cycle_in_the_definition_does_not_loop_forever() -> None:
    steps = {"root": ("success", 0, 1), "a": ("success", 2, 3), "b": ("success", 4, 5)}
    run = make_run(steps, {"root": ["a"], "a": ["b"], "b": ["a"]})
    assert build_timing(run, NOW).critical == ("root", "a", "b")


def test_a_long_wait_before_a_step_is_marked_a_short_pause_is_not() -> None:
    steps = {
        "root": ("success", 0, 1),
        "ask": ("success", 2, 3),  # one second after its parent: the usual pace
        "approval": ("success", 3600, 3601),  # an hour after: it waited
    }
    timing = build_timing(make_run(steps, {"root": ["ask"], "ask": ["approval"]}), NOW)
    waits = {s.id: s.wait_start for s in timing.spans}
    assert waits["ask"] is None
    assert waits["approval"] == T0 + timedelta(seconds=3)


def test_periods_when_nothing_ran_are_idle() -> None:
    steps = {"root": ("success", 0, 1), "ask": ("success", 2, 3), "pay": ("success", 3600, 3601)}
    timing = build_timing(make_run(steps, {"root": ["ask"], "ask": ["pay"]}), NOW)
    assert [(i.start, i.end) for i in timing.idles] == [
        (T0 + timedelta(seconds=3), T0 + timedelta(seconds=3600))
    ]


def test_a_step_still_going_in_a_live_run_reaches_now() -> None:
    steps = {"root": ("success", 0, 1), "approval": ("waiting", 2, None)}
    run = make_run(steps, {"root": ["approval"]}, status="waiting")
    timing = build_timing(run, NOW)
    approval = timing.spans[-1]
    assert approval.ongoing
    assert approval.end == NOW
    assert timing.end == NOW
    assert timing.critical == ("root", "approval")


def test_a_step_left_running_in_a_finished_run_ends_with_the_run() -> None:
    steps = {"root": ("success", 0, 1), "swap": ("running", 2, None)}
    run = make_run(steps, {"root": ["swap"]}, status="cancelled", finished=60)
    swap = build_timing(run, NOW).spans[-1]
    assert not swap.ongoing
    assert swap.end == T0 + timedelta(seconds=60)


def test_unreadable_and_backwards_times_are_survived() -> None:
    run = diamond(c=("success", 31, 5))
    run.steps["d"] = replace(run.steps["d"], started=Moment(None, "yesterday"))
    timing = build_timing(run, NOW)
    assert timing.unreadable == 1
    c = next(s for s in timing.spans if s.id == "c")
    assert c.end == c.start, "an end before the start is read as no duration"


def test_busiest_counts_steps_running_at_the_same_moment() -> None:
    timing = build_timing(diamond(), NOW)
    assert timing.busiest == 2  # a and b; d starts after a ends... while b still runs
    touching = {"root": ("success", 0, 1), "a": ("success", 1, 2), "b": ("success", 2, 3)}
    chain = make_run(touching, {"root": ["a"], "a": ["b"]})
    assert build_timing(chain, NOW).busiest == 1


def view(run: Run, **kwargs: Any):
    return timeline_view(
        build_timing(run, NOW),
        run_id=run.id,
        zone=kwargs.pop("zone", ZoneInfo("UTC")),
        step_href=lambda step: f"/step/{step}",
        view_href=lambda page, show: f"/view?page={page}&show={show}",
        label_of=lambda step: f"Step {step}",
        **kwargs,
    )


def test_bars_are_placed_on_the_time_axis() -> None:
    tl = view(diamond())
    rows = {r.id: r for r in tl.rows}
    assert rows["root"].x == LABEL_W
    assert rows["c"].x + rows["c"].w == LABEL_W + CHART_W, "the last step ends at the axis end"
    assert rows["b"].x == LABEL_W + round(CHART_W / 40, 1)
    assert rows["c"].note == "9 s"
    assert rows["c"].href == "/step/c"
    assert "on the longest chain" in rows["c"].title
    assert "on the longest chain" not in rows["d"].title
    assert [r.y for r in tl.rows] == sorted(r.y for r in tl.rows)


def test_failed_and_ongoing_steps_say_so_in_words() -> None:
    steps = {"root": ("failure", 0, 3), "next": ("waiting", 4, None)}
    run = make_run(steps, {"root": ["next"]}, status="waiting")
    notes = {r.id: r.note for r in view(run).rows}
    assert notes["root"] == "Failed after 3 s"
    assert notes["next"].startswith("waiting, ") and notes["next"].endswith(" so far")


def test_ticks_are_round_times_in_the_readers_zone() -> None:
    paris = view(diamond(), zone=ZoneInfo("Europe/Paris"))
    assert paris.zone == "Europe/Paris"
    assert paris.ticks[0].label == "15:00:00"  # 14:00 UTC is 15:00 in Paris in November
    assert [t.label for t in paris.ticks][:3] == ["15:00:00", "15:00:05", "15:00:10"]
    assert all(LABEL_W <= t.x <= LABEL_W + CHART_W for t in paris.ticks)


def many_steps(count: int) -> Run:
    steps: dict[str, tuple[str, float | None, float | None]] = {"root": ("success", 0, 1)}
    steps |= {f"s{i}": ("success", 1 + i, 2 + i) for i in range(count)}
    return make_run(steps, {"root": [f"s{i}" for i in range(count)]})


def test_many_steps_are_drawn_a_page_at_a_time() -> None:
    run = many_steps(450)
    first = view(run)
    assert len(first.rows) == ROWS_PER_PAGE
    assert [p.number for p in first.pages] == [1, 2, 3]
    assert first.pages[0].current
    last = view(run, page=3)
    assert len(last.rows) == 451 - 2 * ROWS_PER_PAGE
    assert last.first_row == 2 * ROWS_PER_PAGE + 1
    assert last.overview_window is not None
    assert view(run, page=99).first_row == last.first_row, "past the end: the last page"
    assert view(run, page=0).first_row == 1
    assert len(first.overview) > 0 and first.busiest == 1, "each step starts as one ends"


def test_only_the_longest_chain_can_be_shown() -> None:
    tl = view(diamond(), show="critical")
    assert [r.id for r in tl.rows] == ["root", "b", "c"]
    assert tl.shown_count == 3 and tl.step_count == 5
    assert view(diamond(), show="nonsense").show == "all"


def test_a_run_where_nothing_started_is_empty() -> None:
    run = make_run({"root": ("not_run", None, None)}, {}, status="running")
    tl = view(run)
    assert tl.empty
    assert tl.ticks == ()
    assert tl.step_count == 0
