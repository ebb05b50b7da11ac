"""Errors explained: each catalogue entry explains its examples; unknown errors stay unexplained."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer.explain.errors import Entry, catalogue, explain, explain_text, load_catalogue
from viewer.runs.model import StepError

ENTRIES = catalogue()


def split_example(example: str) -> tuple[str, list[str]]:
    message, _, code = example.partition(" | ")
    return message, [code] if code else []


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.explanation.id for entry in ENTRIES])
def test_entry_explains_its_examples(entry: Entry) -> None:
    """One test per entry: each example is explained by this entry, not an earlier one."""
    assert entry.examples, "every entry needs at least one example"
    for example in entry.examples:
        found = explain_text(*split_example(example))
        assert found is not None, f"{example!r} is not explained"
        assert found.id == entry.explanation.id, f"{example!r} is taken by {found.id}"
    words = entry.explanation
    assert words.title and words.plain.endswith(".") and words.action.endswith(".")


def test_ids_are_unique() -> None:
    ids = [entry.explanation.id for entry in ENTRIES]
    assert len(ids) == len(set(ids))


def test_catalogue_covers_what_the_issue_names() -> None:
    ids = {entry.explanation.id for entry in ENTRIES}
    assert {
        "uniswap-stf",
        "uniswap-too-little-received",
        "uniswap-deadline",
        "erc20-insufficient-allowance",
        "erc20-insufficient-balance",
        "revert-without-reason",
        "out-of-gas",
        "nonce-too-low",
        "replacement-underpriced",
        "insufficient-funds-for-gas",
        "rate-limited",
        "timeout",
        "http-4xx",
        "http-5xx",
    } <= ids


@pytest.mark.parametrize(
    "message",
    [
        "execution reverted: Pausable: paused",  # a revert with a reason nobody catalogued
        "something odd happened",
        "run cancelled by user_42",
        "The step failed without a message.",
        "status 2000 ok",  # numbers that only look like HTTP statuses
        "",
    ],
)
def test_unknown_errors_are_not_guessed(message: str) -> None:
    assert explain_text(message) is None


def test_explain_reads_the_code_of_an_error_object() -> None:
    error = StepError("The step failed without a message.", {"code": 504})
    found = explain(error)
    assert found is not None and found.id == "timeout"
    assert explain(StepError("The step failed without a message.", {"code": True})) is None
    assert explain(None) is None


def test_demo_failure_is_explained() -> None:
    error = StepError("execution reverted: STF", {"code": "CALL_EXCEPTION"})
    found = explain(error)
    assert found is not None and "approv" in found.action


def test_a_malformed_catalogue_names_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "errors.toml"
    bad.write_text(
        '[[error]]\nid = "broken"\ntitle = "t"\nplain = "p."\naction = "a."\n'
        "patterns = ['(unclosed']\nexamples = [\"x\"]\n"
    )
    with pytest.raises(ValueError, match="broken"):
        load_catalogue(bad)
