"""One way for every view to read a run: the person's credential, the cache, the model."""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import Flask, current_app, g

from viewer.runs.model import Run
from viewer.runs.upstream import RunAnswer, runs_api


class ParsedRuns:
    """Run models of recent answers, so that an answer the cache hands to many viewers (a
    running run polled by everyone watching it) is redacted and parsed once, not per request."""

    def __init__(self, max_entries: int = 32) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        # Keyed by the answer object's identity; the answer is kept so the id stays its own.
        self._runs: OrderedDict[tuple[int, str], tuple[RunAnswer, Run]] = OrderedDict()

    def run_of(self, answer: RunAnswer, run_id: str) -> Run:
        key = (id(answer), run_id)
        with self._lock:
            found = self._runs.get(key)
            if found is not None and found[0] is answer:
                self._runs.move_to_end(key)
                return found[1]
        run = Run.from_payload(answer.data, run_id)
        with self._lock:
            self._runs[key] = (answer, run)
            while len(self._runs) > self.max_entries:
                self._runs.popitem(last=False)
        return run

    def __len__(self) -> int:
        return len(self._runs)


def fetch_answer(
    run_id: str, *, summary: bool = False, node_ids: list[str] | None = None
) -> RunAnswer:
    """The upstream answer for this run, read with the signed-in person's credential if any."""
    return runs_api().get_run(
        run_id, summary=summary, node_ids=node_ids, credential=g.get("credential")
    )


def load_run(
    run_id: str, *, summary: bool = False, node_ids: list[str] | None = None
) -> tuple[Run, str | None]:
    """The run as a model, and the upstream requestId that fetched it."""
    answer = fetch_answer(run_id, summary=summary, node_ids=node_ids)
    g.upstream_request_id = answer.request_id
    run = current_app.extensions["parsed_runs"].run_of(answer, run_id)
    g.organization_id = run.organization_id
    return run, answer.request_id


def init_app(app: Flask) -> None:
    app.extensions["parsed_runs"] = ParsedRuns()
