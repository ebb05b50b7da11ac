"""The one status registry: every status's key, word, icon, colours, whether it is final, and
its places in the attention and legend orders. The cache lifetimes, the model, the graph, the
templates, the generated static/status.css and graph.js (through data attributes) all read it.

`python -m viewer.runs.status` writes static/status.css from it."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from viewer.runs.text import clean_text


@dataclass(frozen=True)
class Kind:
    """One status the viewer draws: how it looks and what it means."""

    key: str
    label: str
    icon: str  # SVG path data in a 16 x 16 box
    final: bool
    colour: str  # text, border and stroke (a CSS colour or app.css variable)
    background: str

    @property
    def css_class(self) -> str:
        return f"status-{self.key}"


# In attention order: when a box stands for several steps it shows the first one present.
KINDS = (
    Kind("failure", "Failed", "M4 4l8 8M12 4l-8 8", True, "var(--failure)", "var(--failure-bg)"),
    Kind(
        "running",
        "Running",
        "M8 2.5a5.5 5.5 0 1 1-5.5 5.5M8 5v3l2 1.5",
        False,
        "var(--running)",
        "var(--running-bg)",
    ),
    Kind(
        "waiting",
        "Waiting",
        "M4.5 2h7M4.5 14h7M5.5 2c0 3.5 5 4 5 6s-5 2.5-5 6M10.5 2c0 3.5-5 4-5 6s5 2.5 5 6",
        False,
        "var(--waiting)",
        "var(--waiting-bg)",
    ),
    Kind(
        "pending",
        "Pending",
        "M3.5 8h.01M8 8h.01M12.5 8h.01",
        False,
        "var(--running)",
        "var(--card)",
    ),
    Kind(
        "cancelled",
        "Cancelled",
        "M8 2.5a5.5 5.5 0 1 0 .01 0M4.2 11.8l7.6-7.6",
        True,
        "var(--cancelled)",
        "var(--cancelled-bg)",
    ),
    Kind(
        "unknown",
        "Unknown status",
        "M6 6.2a2 2 0 1 1 2.8 1.8c-.6.3-.8.8-.8 1.5M8 12.2v.3",
        False,
        "var(--unknown)",
        "var(--unknown-bg)",
    ),
    Kind(
        "skipped",
        "Skipped",
        "M3 4l4 4-4 4M9 4l4 4-4 4",
        True,
        "var(--cancelled)",
        "var(--neutral-bg)",
    ),
    Kind("not_run", "Not run yet", "M8 3a5 5 0 1 0 .01 0", False, "var(--neutral)", "var(--card)"),
    Kind(
        "success",
        "Succeeded",
        "M3 8.5l3.2 3.2L13 4.8",
        True,
        "var(--success)",
        "var(--success-bg)",
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}
ATTENTION = tuple(kind.key for kind in KINDS)
# The legend, the list view's sort and the step table: failures first, "unknown" last.
LEGEND = ("failure", "running", "waiting", "pending", "success", "skipped", "cancelled", "not_run")
ORDER = (*LEGEND, "unknown")
STATUS_LABELS = {kind.key: kind.label for kind in KINDS}
ICONS = {kind.key: kind.icon for kind in KINDS}
# What templates read of the registry (viewer/web/formatting.py makes them Jinja globals).
# A diagram step whose link has no data-status has this one (most steps of most runs: the
# attribute left off saves bytes on thousands of steps); status.css colours it, graph.js reads
# it from the diagram's data-status-default.
DIAGRAM_DEFAULT = "success"
TEMPLATE_GLOBALS = {
    "status_labels": STATUS_LABELS,
    "status_icons": ICONS,
    "status_order": ORDER,
    "status_default": DIAGRAM_DEFAULT,
}

# Words other systems use for the same states; shown as they are, humanised ("Timed out").
ALIASES = {
    "failure": (
        "failed",
        "fail",
        "error",
        "errored",
        "timed_out",
        "timeout",
        "expired",
        "crashed",
        "reverted",
        "rejected",
    ),
    "success": ("succeeded", "successful", "completed", "complete", "done", "ok", "passed"),
    "cancelled": ("canceled", "aborted", "stopped", "killed", "terminated"),
    "running": ("in_progress", "started", "executing", "processing", "active"),
    "waiting": ("paused", "awaiting_approval", "awaiting_input", "blocked", "on_hold", "suspended"),
    "pending": ("queued", "scheduled", "created", "ready", "not_started"),
    "skipped": ("skip", "bypassed"),
}
ALIAS_OF = {word: key for key, words in ALIASES.items() for word in words}
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class Status:
    """A run's or step's status as shown: its kind's key, the word shown, and whether final."""

    key: str
    label: str
    final: bool

    @property
    def live(self) -> bool:
        """True while the run (or step) can still change."""
        return not self.final

    @property
    def kind(self) -> Kind:
        return BY_KEY[self.key]


def _of(kind: Kind) -> Status:
    return Status(kind.key, kind.label, kind.final)


def status_of(value: object, *, missing: str = "unknown", finished: bool = False) -> Status:
    """The Status for an upstream value, in any case. A word of another system keeps its own
    words ("Timed out") with the kind it means; a word nobody knows is shown humanised, and is
    final only when the run or step has a finish time (`finished`)."""
    if value is None or value == "":
        kind = BY_KEY.get(missing, BY_KEY["unknown"])
        return _of(kind) if kind.key != "unknown" else Status("unknown", "Unknown", finished)
    text = clean_text(str(value) if isinstance(value, int | float) else value, limit=40)
    if text is None:
        return Status("unknown", "Unknown", finished)
    word = CAMEL.sub("_", text.strip()).lower().replace("-", "_").replace(" ", "_")
    if word in BY_KEY:
        return _of(BY_KEY[word])
    shown = humanise(text)
    if word in ALIAS_OF:
        return Status(ALIAS_OF[word], shown, BY_KEY[ALIAS_OF[word]].final)
    return Status("unknown", shown, finished)


def run_status(data: dict[str, Any]) -> Status:
    """The status of a run payload: what the model shows and the cache's lifetime both use."""
    return status_of(data.get("status"), finished=data.get("finishedAt") not in (None, ""))


def humanise(text: str) -> str:
    """`timed_out`, `TIMED-OUT` and `timedOut` all read "Timed out"."""
    words = CAMEL.sub(" ", text).replace("_", " ").replace("-", " ").split()
    joined = " ".join(words).lower()
    return joined[:1].upper() + joined[1:] if joined else "Unknown"


def stylesheet() -> str:
    """static/status.css: each status's colours for badges and the diagram, in one place."""
    lines = [
        "/* Generated from viewer/runs/status.py by `python -m viewer.runs.status`; do not edit."
        " */",
        ":root { --unknown: #6f42c1; --unknown-bg: #f5f0ff; }",
    ]
    for kind in KINDS:
        colours = f"--c: {kind.colour}; --bg: {kind.background};"
        lines.append(f".{kind.css_class} {{ {colours} color: var(--c); background: var(--bg); }}")
        lines.append(f'.graph [data-status="{kind.key}"] {{ {colours} }}')
        if kind.key == DIAGRAM_DEFAULT:
            lines.append(f".graph .steps > a:not([data-status]) {{ {colours} }}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(stylesheet())
