"""The model reads any payload: good fields are shown, bad ones become "unknown" or problems."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from viewer.runs.model import Moment, Run
from viewer.runs.redact import redact_payload
from viewer.runs.text import clean_text, parse_moment


def run_of(**fields: object) -> Run:
    return Run.from_payload({"id": "run_1", **fields}, "run_1")


def test_contract_example_reads_whole() -> None:
    run = run_of(
        status="failure",
        startedAt="2026-11-20T14:02:11Z",
        finishedAt="2026-11-20T14:02:24Z",
        totalCu=1840,
        workflowVersion=7,
        propValues={"amountUsd": 250, "extra": "x"},
        workflowDefinition={
            "inputSchema": [
                {"key": "amountUsd", "type": "number", "required": True},
                {"key": "slippageBps", "type": "number", "required": True},
            ],
            "nodes": {"root": {"type": "manual", "children": ["swap"]}, "swap": {"type": "swap"}},
        },
        executionState={"swap": {"status": "failure", "error": {"message": "reverted"}}},
    )
    assert run.status.key == "failure"
    assert run.started.at == datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)
    assert run.total_cu == 1840
    assert [(f.key, f.missing, f.in_schema) for f in run.inputs] == [
        ("amountUsd", False, True),
        ("slippageBps", True, True),
        ("extra", False, False),
    ]
    assert run.steps["swap"].error is not None
    assert run.steps["swap"].error.message == "reverted"
    assert run.problems == []


@pytest.mark.parametrize(
    "fields",
    [
        {"status": 42},
        {"status": None, "startedAt": "garbage", "finishedAt": {"x": 1}},
        {"totalCu": "lots", "workflowVersion": "seven"},
        {"simulationForks": "nope"},
        {"simulationForks": [1, None, {"chainId": "abc", "rpcUrl": 5}]},
        {"propValues": [1, 2], "workflowDefinition": {"inputSchema": "x"}},
        {"workflowDefinition": [], "executionState": "x"},
        {"executionState": {"a": "not an object", "b": {"status": ["x"], "error": 5}}},
        {"isSimulation": "yes", "isDustTest": 1},
    ],
)
def test_wrong_types_never_raise(fields: dict[str, object]) -> None:
    run = run_of(**fields)
    assert run.id == "run_1"


def test_problems_are_reported() -> None:
    run = run_of(simulationForks="nope", executionState="x", workflowDefinition=[])
    assert len(run.problems) == 3


def test_unknown_status_says_what_it_was() -> None:
    """The word itself, humanised (issue 15), not "Unknown (“exploded”)"."""
    assert run_of(status="exploded").status.label == "Exploded"
    assert run_of(status="timed_out").status.label == "Timed out"


def test_wrapped_execution_state_and_tx_hash_lists() -> None:
    run = run_of(
        executionState={
            "nodes": {
                "s": {
                    "status": "success",
                    "txHash": [{"chainId": 8453, "hash": "0xabc"}],
                    "transactionHash": "0xdef",
                }
            }
        }
    )
    hashes = run.steps["s"].tx_hashes
    assert [(tx.hash, tx.chain.name if tx.chain else None) for tx in hashes] == [
        ("0xabc", "Base"),
        ("0xdef", None),
    ]


def test_the_model_reads_a_payload_redacted_at_the_boundary() -> None:
    payload = redact_payload(
        {
            "id": "run_1",
            "simulationForks": [
                {"chainId": 1, "rpcUrl": "https://eth.g.alchemy.com/v2/Abc123Def456Ghi789"}
            ],
            "propValues": {"privateKey": "0x" + "1" * 64},
        }
    )
    run = Run.from_payload(payload, "run_1")
    assert run.forks[0].rpc_url == "https://eth.g.alchemy.com"
    assert run.inputs[0].value == "[redacted]"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T14:02:11Z", datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)),
        ("2026-11-20T15:02:11+01:00", datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)),
        (1_795_183_331, datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)),
        (1_795_183_331_000, datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("yesterday", None),
        (True, None),
        (10**30, None),
    ],
)
def test_timestamps(value: object, expected: datetime | None) -> None:
    assert parse_moment(value) == expected


def test_garbage_time_keeps_its_raw_text() -> None:
    assert Moment.of("yesterday") == Moment(None, "yesterday")
    assert Moment.of(None) == Moment(None, None)


def test_clean_text_shows_bidi_and_control_characters() -> None:
    assert clean_text("evil\u202eexe.txt\x00") == "evil\ufffdexe.txt\ufffd"
    assert clean_text("x" * 500, 10) == "x" * 9 + "…"
    assert clean_text(5) is None
