"""What the caches count for an entry is at least what it really keeps in memory."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from viewer.demo.generate import generate_workflow_run
from viewer.runs.cache import ANSWER_BYTES_PER_JSON_BYTE, MODEL_BYTES_PER_JSON_BYTE, kept_bytes
from viewer.runs.model import Run
from viewer.runs.service import redact_payload

DEMO_RUNS = sorted(Path("viewer/demo/runs").glob("*.json"))


def deep_size(*roots: object) -> int:
    """Bytes of every object reachable from the roots, each counted once."""
    seen: set[int] = set()
    total = 0
    stack: list[Any] = list(roots)
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif not isinstance(item, str | bytes | int | float | bool | type(None)):
            stack.extend(vars(item).values() if hasattr(item, "__dict__") else ())
            for slot in getattr(type(item), "__slots__", ()):
                stack.append(getattr(item, slot, None))
    return total


def runs() -> list[tuple[str, dict[str, Any]]]:
    found = [(path.stem, json.loads(path.read_text())) for path in DEMO_RUNS]
    return [*found, *((f"generated-{n}", generate_workflow_run(n, seed=5)) for n in (50, 800))]


@pytest.mark.parametrize(("name", "run"), runs(), ids=lambda value: str(value)[:20])
def test_estimates_cover_the_answer_and_its_model(name: str, run: dict[str, Any]) -> None:
    body = json.dumps(run).encode()
    answer = redact_payload(json.loads(body))
    model = Run.from_payload(answer, str(run.get("id", "run_x")))
    answer_bytes = deep_size(answer)
    model_bytes = deep_size(answer, model) - answer_bytes
    assert answer_bytes <= kept_bytes(len(body), ANSWER_BYTES_PER_JSON_BYTE)
    assert model_bytes <= kept_bytes(len(body), MODEL_BYTES_PER_JSON_BYTE)
