"""Jinja filters that turn times, durations and numbers into words people read."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask

from viewer.runs.ids import RUN_ID
from viewer.runs.model import Moment
from viewer.runs.status import TEMPLATE_GLOBALS
from viewer.web.jsontree import visible_text
from viewer.web.preferences import display_zone


def absolute_time(moment: Moment | datetime | None) -> str:
    """ "2026-11-20 14:02:11 UTC" in the reader's chosen zone; "unknown" when not a time."""
    at = moment.at if isinstance(moment, Moment) else moment
    if at is None:
        return "unknown"
    zone = display_zone()
    local = at.astimezone(zone)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname() or zone.key}"


def iso_time(moment: Moment | datetime | None) -> str:
    """A machine-readable time for `datetime` attributes: at most milliseconds, as HTML allows."""
    at = moment.at if isinstance(moment, Moment) else moment
    return at.isoformat(timespec="milliseconds") if at is not None else ""


def relative_time(moment: Moment | None, now: datetime | None = None) -> str:
    """ "3 hours ago" or "in 5 minutes"; empty when not a time."""
    if moment is None or moment.at is None:
        return ""
    now = now or datetime.now(UTC)
    seconds = (now - moment.at).total_seconds()
    words = _span(abs(seconds))
    if words == "0 seconds":
        return "just now"
    return f"{words} ago" if seconds >= 0 else f"in {words}"


def duration_between(start: Moment | None, end: Moment | None, now: datetime | None = None) -> str:
    """The time from start to end (or to now, when there is no end yet); empty when unknown."""
    if start is None or start.at is None:
        return ""
    finish = end.at if end is not None and end.at is not None else now
    if finish is None:
        return ""
    seconds = (finish - start.at).total_seconds()
    if seconds < 0:
        return "unknown (ends before it starts)"
    return format_seconds(seconds)


def format_seconds(seconds: float) -> str:
    """ "850 ms", "13 s", "4 min 05 s", "2 h 03 min", "3 d 4 h"."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s".replace(".0 s", " s")
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def _span(seconds: float) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "0 seconds"


def format_number(value: float | None) -> str:
    """Thousands separated, at most two decimals; "unknown" for None."""
    if value is None:
        return "unknown"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def init_app(app: Flask) -> None:
    app.add_template_filter(absolute_time)
    app.add_template_filter(iso_time)
    app.add_template_filter(relative_time)
    app.add_template_filter(format_number)
    app.add_template_filter(format_seconds)
    app.add_template_filter(visible_text, "visible")
    app.add_template_global(duration_between)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.add_template_test(lambda value: bool(RUN_ID.fullmatch(str(value))), "match_run_id")
