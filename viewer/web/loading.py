"""Reading runs for a request: the runs service, with the signed-in person's credential.

Every read a request makes is kept with the request (`reads()`), so the audit line and the
error page can say which run, organization and upstream request it concerned, without views
writing any of that down themselves.
"""

from __future__ import annotations

from flask import g

from viewer.runs.service import FULL, RunRead, What, runs


def read_run(run_id: str, what: What = FULL) -> RunRead:
    """The run as a model, read with the signed-in person's credential if any."""
    read = runs().get(run_id, what, g.get("credential"))
    g.setdefault("run_reads", []).append(read)
    return read


def reads() -> list[RunRead]:
    """The runs this request has read so far."""
    return g.get("run_reads", [])


def organization_read() -> str | None:
    """The organization of the run this request read (for the audit line)."""
    return next((read.run.organization_id for read in reads() if read.run.organization_id), None)


def upstream_request_id() -> str | None:
    """The upstream requestId of this request's latest read."""
    return reads()[-1].request_id if reads() else None
