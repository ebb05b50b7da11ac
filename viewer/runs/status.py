"""Run and step statuses: the words and icons that tell them apart without colour."""

from __future__ import annotations

from dataclasses import dataclass

from viewer.runs.text import clean_text


@dataclass(frozen=True)
class Status:
    key: str
    label: str
    final: bool

    @property
    def live(self) -> bool:
        """True while the run (or step) can still change."""
        return not self.final


KNOWN = {
    status.key: status
    for status in (
        Status("running", "Running", final=False),
        Status("waiting", "Waiting", final=False),
        Status("pending", "Pending", final=False),
        Status("success", "Succeeded", final=True),
        Status("failure", "Failed", final=True),
        Status("cancelled", "Cancelled", final=True),
        Status("skipped", "Skipped", final=True),
        Status("not_run", "Not run yet", final=False),
    )
}
STATUS_LABELS = {key: status.label for key, status in KNOWN.items()} | {"unknown": "Unknown status"}


def status_of(value: object, *, missing: str = "unknown") -> Status:
    """The Status for an upstream value; anything unexpected is an "Unknown" status."""
    if value is None:
        return KNOWN.get(missing) or Status("unknown", "Unknown", final=True)
    text = clean_text(value, limit=40)
    if text is not None:
        known = KNOWN.get(text.lower())
        if known is not None:
            return known
    shown = f"Unknown (“{text}”)" if text else "Unknown"
    return Status("unknown", shown, final=True)
