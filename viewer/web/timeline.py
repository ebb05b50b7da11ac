"""The timeline view of a run page (`?view=timeline`) and its live fragment."""

from __future__ import annotations

from urllib.parse import quote

from flask import url_for
from werkzeug.datastructures import MultiDict

from viewer.runs.model import Run
from viewer.timeline.build import build_timing
from viewer.timeline.view import Timeline, timeline_view
from viewer.web.preferences import display_zone
from viewer.web.viewmodels import STEP_PLACEHOLDER, utc_now

VIEW = "timeline"


def run_timeline(run: Run, args: MultiDict[str, str]) -> Timeline:
    """The timeline of a run read in full, at the page and filter the address asks for."""
    page = args.get("page", "1")
    show = args.get("show", "all")

    # One url_for for every row: each row's address differs only in its (quoted) step id.
    step_address = url_for("pages.run_page", run_id=run.id, view=VIEW, node=STEP_PLACEHOLDER)

    def step_href(step_id: str) -> str:
        return step_address.replace(STEP_PLACEHOLDER, quote(step_id, safe=""))

    def view_href(number: int, shown: str) -> str:
        extra = {"page": number} if number > 1 else {}
        if shown != "all":
            extra["show"] = shown
        return url_for("pages.run_page", run_id=run.id, view=VIEW, **extra)

    def label_of(step_id: str) -> str:
        definition = run.step_definition(step_id)
        return definition.label if definition else step_id

    return timeline_view(
        build_timing(run, utc_now()),
        run_id=run.id,
        zone=display_zone(),
        step_href=step_href,
        view_href=view_href,
        label_of=label_of,
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
        show=show,
    )


def live_href(run: Run, args: MultiDict[str, str]) -> str:
    """The fragment that redraws this timeline (same page and filter) while the run moves."""
    kept = {key: args[key] for key in ("page", "show") if args.get(key)}
    return url_for("fragments.timeline", run_id=run.id, **kept)
