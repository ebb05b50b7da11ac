"""One way for every view to read a run: the person's credential, the cache, the model."""

from __future__ import annotations

from flask import g

from viewer.model import Run
from viewer.upstream import RunAnswer, runs_api


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
    run = Run.from_payload(answer.data, run_id)
    g.organization_id = run.organization_id
    return run, answer.request_id
