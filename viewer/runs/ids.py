"""Checks for run and step ids before they reach a URL or the upstream."""

from __future__ import annotations

import re

from viewer.errors import InvalidId

MAX_ID_LENGTH = 128
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
STEP_ID = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
MAX_STEPS_PER_CALL = 50


def check_run_id(value: str) -> str:
    """Return the run id unchanged, or raise InvalidId saying what is allowed."""
    if not RUN_ID.fullmatch(value or ""):
        raise InvalidId(
            "A run id is 1 to 128 letters, digits, dashes or underscores, "
            "starting with a letter or digit."
        )
    return value


def check_step_id(value: str) -> str:
    """Return the step id unchanged, or raise InvalidId saying what is allowed."""
    if not STEP_ID.fullmatch(value or ""):
        raise InvalidId(
            "A step id is 1 to 128 letters, digits, dots, colons, dashes or underscores."
        )
    return value


def check_step_ids(values: list[str]) -> list[str]:
    """Check a list of step ids for one upstream call (deduplicated, order kept)."""
    unique = list(dict.fromkeys(values))
    if not unique or len(unique) > MAX_STEPS_PER_CALL:
        raise InvalidId(f"Ask for 1 to {MAX_STEPS_PER_CALL} steps at a time.")
    return [check_step_id(value) for value in unique]


def run_id_from_text(text: str) -> str:
    """Take a run id, or any link that ends in /runs/<id> (query and fragment ignored)."""
    text = (text or "").strip()
    match = re.search(r"/runs/([^/?#]+?)(?:\.json)?/?(?:[?#].*)?$", text)
    candidate = match.group(1) if match else text
    return check_run_id(candidate)
