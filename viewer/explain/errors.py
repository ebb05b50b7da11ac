"""Errors explained: a catalogue (errors.toml) that turns common step errors into plain words.

An error is explained only when a catalogue entry matches it; anything else is shown as it is.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from viewer.runs.model import StepError

CATALOGUE = Path(__file__).with_name("errors.toml")
CODE_FIELDS = ("code", "status", "statusCode", "httpStatus")
MAX_MATCHED = 2000  # characters of a message the patterns look at


@dataclass(frozen=True)
class Explanation:
    """What an error means, in plain words, and what the reader can do about it."""

    id: str
    title: str
    plain: str
    action: str


@dataclass(frozen=True)
class Entry:
    explanation: Explanation
    patterns: tuple[re.Pattern[str], ...]
    codes: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...]

    def matches(self, message: str, codes: Iterable[str]) -> bool:
        return any(p.search(message) for p in self.patterns) or any(
            c.fullmatch(code) for c in self.codes for code in codes
        )


def load_catalogue(path: Path = CATALOGUE) -> tuple[Entry, ...]:
    """Read and check the catalogue; a malformed entry stops start-up with its id."""
    with path.open("rb") as file:
        entries = tomllib.load(file).get("error", [])
    loaded = []
    for raw in entries:
        try:
            loaded.append(_entry(raw))
        except (KeyError, TypeError, re.error) as problem:
            raise ValueError(f"{path.name}: entry {raw.get('id', '?')!r}: {problem}") from None
    return tuple(loaded)


def _entry(raw: dict[str, Any]) -> Entry:
    flags = re.IGNORECASE
    return Entry(
        explanation=Explanation(raw["id"], raw["title"], raw["plain"], raw["action"]),
        patterns=tuple(re.compile(p, flags) for p in raw.get("patterns", [])),
        codes=tuple(re.compile(c, flags) for c in raw.get("codes", [])),
        examples=tuple(raw["examples"]),
    )


@cache
def catalogue() -> tuple[Entry, ...]:
    return load_catalogue()


def explain_text(message: str, codes: Iterable[str] = ()) -> Explanation | None:
    """The first catalogue entry matching this message or one of these codes, else None."""
    shown = message[:MAX_MATCHED]
    wanted = [code.strip() for code in codes if code.strip()]
    return next((entry.explanation for entry in catalogue() if entry.matches(shown, wanted)), None)


def explain(error: StepError | str | None) -> Explanation | None:
    """The explanation of a step's error (or of its message alone), or None when the catalogue
    does not know it."""
    if error is None:
        return None
    if isinstance(error, str):
        return explain_text(error)
    return explain_text(error.message, error_codes(error.details))


def error_codes(details: object) -> list[str]:
    """The code and HTTP status an error object carries, as text."""
    if not isinstance(details, dict):
        return []
    values = [details.get(name) for name in CODE_FIELDS]
    return [
        str(value)[:40]
        for value in values
        if isinstance(value, str | int) and not isinstance(value, bool)
    ]
