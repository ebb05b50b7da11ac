"""What happened, in plain words: the view model's data for each kind of run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from viewer.explain.story import StepRef, in_words, what_happened
from viewer.runs.model import Run

NOW = datetime(2026, 11, 22, 9, 20, tzinfo=UTC)
NODES = {
    "root": {"type": "manual", "name": "Start", "children": ["price"]},
    "price": {"type": "read_price", "name": "Read price", "children": ["swap"]},
    "swap": {"type": "uniswap_swap", "name": "Swap", "children": ["notify"]},
    "notify": {"type": "notify_slack", "name": "Tell Slack", "children": []},
}


def at(second: int) -> str:
    return f"2026-11-22T09:15:{second:02d}Z"


def run_of(status: str, state: dict[str, Any], nodes: dict[str, Any] = NODES, **more: Any) -> Run:
    payload = {
        "id": "run_1",
        "status": status,
        "startedAt": at(0),
        "totalCu": 1840,
        "workflowDefinition": {"nodes": nodes},
        "executionState": state,
        **more,
    }
    if status not in ("running", "waiting"):
        payload.setdefault("finishedAt", at(35))
    return Run.from_payload(payload, "run_1")


def done(second: int, status: str = "success", **more: Any) -> dict[str, Any]:
    return {"status": status, "startedAt": at(second), "finishedAt": at(second + 1), **more}


def links(story: Any) -> list[str]:
    return [
        part.id for sentence in story.sentences for part in sentence if isinstance(part, StepRef)
    ]


def test_failure_names_the_step_explains_the_error_and_counts_steps() -> None:
    run = run_of(
        "failure",
        {
            "root": done(0),
            "price": done(1),
            "swap": done(3, "failure", error={"message": "execution reverted: STF"}),
        },
    )
    story = what_happened(run, NOW)
    assert story.problem_step == StepRef("swap", "Swap")
    assert story.explanation is not None and story.explanation.id == "uniswap-stf"
    assert story.error_message == "execution reverted: STF"
    assert (story.steps_total, story.steps_ran) == (4, 3)
    assert 1 <= len(story.sentences) <= 3
    assert story.text == (
        "This run failed at the step Swap: the swap could not take the tokens it needed. "
        "3 of 4 steps ran; Tell Slack did not run. "
        "It took 35 seconds and cost 1,840 compute units."
    )
    assert links(story) == ["swap", "notify"]
    assert story.complete


def test_an_unknown_error_is_quoted_never_guessed() -> None:
    run = run_of("failure", {"swap": done(3, "failure", error="execution reverted: Paused")})
    story = what_happened(run, NOW)
    assert story.explanation is None
    assert story.error_message == "execution reverted: Paused"
    assert "not one the viewer can explain" in story.text


def test_several_failures_name_the_first_that_started() -> None:
    run = run_of(
        "failure",
        {"price": done(9, "failure", error="boom"), "swap": done(3, "failure", error="out of gas")},
    )
    story = what_happened(run, NOW)
    assert story.problem_step is not None and story.problem_step.id == "swap"
    assert "(1 other step failed too)" in story.text
    assert story.explanation is not None and story.explanation.id == "out-of-gas"


def test_success_says_which_steps_did_not_need_to_run() -> None:
    run = run_of("success", {"root": done(0), "price": done(1), "swap": done(2)})
    story = what_happened(run, NOW)
    assert story.text.startswith("This run succeeded: 3 of 4 steps ran without error; Tell Slack")
    assert story.problem_step is None and story.error_message is None


def test_simulation_says_nothing_happened_on_chain() -> None:
    run = run_of(
        "success",
        {step: done(i) for i, step in enumerate(NODES)},
        isSimulation=True,
        sourceRunId="run_0",
    )
    story = what_happened(run, NOW)
    assert "all 4 steps ran without error" in story.text
    assert "It was a simulation, so nothing happened on a real chain" in story.text
    assert story.simulation and story.source_run_id == "run_0"


def test_running_names_the_step_running_now_and_for_how_long() -> None:
    run = run_of("running", {"root": done(0), "price": {"status": "running", "startedAt": at(10)}})
    story = what_happened(run, datetime(2026, 11, 22, 9, 16, 10, tzinfo=UTC))
    assert story.text.startswith(
        "This run is still going: step Read price is running now, for 1 minute so far."
    )
    assert "1 of 4 steps finished so far, in 1 minute 10 seconds" in story.text
    assert links(story) == ["price"]


def test_waiting_says_what_it_waits_for() -> None:
    nodes = {**NODES, "price": {"type": "wait_for_approval", "name": "Treasury approval"}}
    state = {
        "root": done(0),
        "price": {
            "status": "waiting",
            "startedAt": at(5),
            "output": {"received": 1, "required": 2, "expiresAt": "2026-11-24T09:15:00Z"},
        },
    }
    story = what_happened(run_of("waiting", state, nodes), NOW)
    assert story.text.startswith(
        "This run is waiting at the step Treasury approval for people to approve it, "
        "for 4 minutes 55 seconds so far: 1 of 2 approvals received. The request expires at "
        "2026-11-24T09:15:00+00:00."
    )
    assert "2 of 4 steps have started; Swap and Tell Slack have not run yet." in story.text


def test_waiting_on_a_timer_says_when_it_goes_on() -> None:
    state = {"price": {"status": "waiting", "startedAt": at(5), "output": {"resumesAt": at(50)}}}
    story = what_happened(run_of("waiting", state), NOW)
    assert "Read price (a timer), for 4 minutes 55 seconds so far; it goes on at " in story.text
    assert "2026-11-22T09:15:50+00:00." in story.text


def test_cancelled_gives_the_reason() -> None:
    error = {"message": "run cancelled by user_42", "details": {"reason": "wrong sheet"}}
    run = run_of("cancelled", {"root": done(0), "price": done(1, "cancelled", error=error)})
    story = what_happened(run, NOW)
    assert story.text.startswith(
        "This run was cancelled during the step Read price (“run cancelled by user_42”). "
        "Reason given: “wrong sheet”."
    )
    assert story.explanation is None and story.problem_step == StepRef("price", "Read price")
    assert story.error_message is None  # a cancellation is not shown as an error


def test_summary_only_says_the_outcome_and_waits_for_the_steps() -> None:
    payload = {"id": "run_1", "status": "failure", "startedAt": at(0), "finishedAt": at(35)}
    story = what_happened(Run.from_payload({**payload, "totalCu": 5}, "run_1"), NOW)
    assert not story.complete
    assert story.text == "This run failed. It took 35 seconds and cost 5 compute units."


def test_unknown_status_is_said_as_such() -> None:
    story = what_happened(run_of("exploded", {"root": done(0)}), NOW)
    assert story.text.startswith(
        "The runs service gives this run a status the viewer does not know"
    )


def test_many_steps_are_named_up_to_three() -> None:
    nodes = {f"s{i}": {"type": "t", "name": f"Step {i}"} for i in range(5000)}
    story = what_happened(run_of("failure", {"s0": done(0, "failure", error="x")}, nodes), NOW)
    assert "Step 1, Step 2, Step 3 and 4996 more steps did not run." in story.text
    assert story.steps_total == 5000


def test_in_words() -> None:
    assert in_words(0.2) == "less than a second"
    assert in_words(1) == "1 second"
    assert in_words(65) == "1 minute 5 seconds"
    assert in_words(7260) == "2 hours 1 minute"
    assert in_words(90000) == "1 day 1 hour"
    assert in_words(None) == "an unknown time"
