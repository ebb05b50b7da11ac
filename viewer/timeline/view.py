"""The timeline laid out for drawing: rows in pixels, time ticks in the reader's zone, pages.

At most ROWS_PER_PAGE rows are drawn at once, so a 5,000-step run costs the same bytes as a
200-step one; an overview strip shows the whole run (how many steps ran at once) on every page.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from viewer.runs.status import Status
from viewer.timeline.build import Span, Timing
from viewer.web.formatting import format_seconds

ROWS_PER_PAGE = 200
LABEL_W, CHART_W, NOTE_W = 300, 720, 190  # label column, time axis, durations after bars
ROW_H, AXIS_H, BAR_H = 26, 34, 14
MAX_LABEL = 38  # characters of a step's name drawn; the whole name is in its tooltip
OVERVIEW_BUCKETS, OVERVIEW_H = 120, 40
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)
MAX_TICKS = 8
SHOWS = ("all", "critical")


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    label: str  # cut to MAX_LABEL
    title: str  # what a screen reader and the tooltip say
    status: Status
    href: str
    y: int
    x: float
    w: float
    wait_x: float | None  # where its wait began (the steps before it were done), if it waited
    note: str  # "3.2 s", "Failed after 3.2 s", "waiting 2 h so far"
    critical: bool
    ongoing: bool


@dataclass(frozen=True, slots=True)
class Band:
    """A vertical band over the chart: an idle period, or the rows of this page (overview)."""

    x: float
    w: float
    text: str


@dataclass(frozen=True, slots=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True, slots=True)
class PageLink:
    number: int
    href: str
    current: bool


@dataclass(frozen=True, slots=True)
class Timeline:
    run_id: str
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    idles: tuple[Band, ...]
    overview: tuple[Band, ...]  # one bar per time bucket; `text` is the count of steps running
    overview_window: Band | None  # the time the rows of this page cover, on the overview
    started_at: datetime | None
    ended_at: datetime | None
    ongoing: bool
    span_text: str  # "2 h 03 min"
    zone: str  # "UTC", "Europe/Paris"
    step_count: int  # steps that started
    shown_count: int  # rows matching `show`, over every page
    first_row: int  # 1-based number of this page's first row
    critical_count: int
    critical_text: str  # "7 steps, 2 h 03 min"
    not_started: int
    unreadable: int
    show: str
    show_hrefs: dict[str, str]
    pages: tuple[PageLink, ...]
    width: int
    height: int
    busiest: int  # most steps running at the same moment
    overview_top: int  # the highest bar of the overview (steps running within one slice)

    @property
    def empty(self) -> bool:
        return not self.rows


def timeline_view(
    timing: Timing,
    *,
    run_id: str,
    zone: ZoneInfo,
    step_href: Callable[[str], str],
    view_href: Callable[[int, str], str],
    label_of: Callable[[str], str],
    page: int = 1,
    show: str = "all",
) -> Timeline:
    """Lay out one page of `timing`; `show` is "all" or "critical" (the longest chain only).
    Only the rows of this page are named (`label_of`), so a page costs the same at any size."""
    show = show if show in SHOWS else "all"
    chosen = [s for s in timing.spans if show == "all" or s.critical]
    page_count = max(1, math.ceil(len(chosen) / ROWS_PER_PAGE))
    page = min(max(page, 1), page_count)
    first = (page - 1) * ROWS_PER_PAGE
    shown = chosen[first : first + ROWS_PER_PAGE]
    start, seconds = timing.start, max(timing.seconds, 0.001)

    def x_of(at: datetime) -> float:
        if start is None:
            return float(LABEL_W)
        return round(LABEL_W + (at - start).total_seconds() / seconds * CHART_W, 1)

    rows = tuple(
        _row(span, label_of(span.id), AXIS_H + i * ROW_H, x_of, step_href)
        for i, span in enumerate(shown)
    )
    critical = [s for s in timing.spans if s.critical]
    critical_seconds = (critical[-1].end - critical[0].start).total_seconds() if critical else 0.0
    window = None
    if shown and start is not None and page_count > 1:
        left, right = x_of(min(s.start for s in shown)), x_of(max(s.end for s in shown))
        window = Band(left, max(right - left, 2.0), f"rows {first + 1} to {first + len(shown)}")
    overview = _overview(timing)
    return Timeline(
        run_id=run_id,
        rows=rows,
        ticks=_ticks(timing, zone, x_of),
        idles=tuple(
            Band(x_of(i.start), x_of(i.end) - x_of(i.start), _idle_text(i.end - i.start))
            for i in timing.idles
        ),
        overview=overview,
        overview_window=window,
        started_at=timing.start,
        ended_at=timing.end,
        ongoing=any(s.ongoing for s in timing.spans),
        span_text=format_seconds(timing.seconds) if timing.start else "",
        zone=zone.key,
        step_count=len(timing.spans),
        shown_count=len(chosen),
        first_row=first + 1,
        critical_count=len(critical),
        critical_text=(
            f"{len(critical)} step{'' if len(critical) == 1 else 's'}, "
            f"{format_seconds(critical_seconds)}"
        ),
        not_started=timing.not_started,
        unreadable=timing.unreadable,
        show=show,
        show_hrefs={name: view_href(1, name) for name in SHOWS},
        pages=tuple(PageLink(n, view_href(n, show), n == page) for n in range(1, page_count + 1)),
        width=LABEL_W + CHART_W + NOTE_W,
        height=AXIS_H + max(len(rows), 1) * ROW_H + 6,
        busiest=timing.busiest,
        overview_top=max((int(b.text) for b in overview), default=0),
    )


def _row(
    span: Span, name: str, y: int, x_of: Callable[[datetime], float], href: Callable[[str], str]
) -> Row:
    x = x_of(span.start)
    w = max(x_of(span.end) - x, 2.0)
    took = format_seconds((span.end - span.start).total_seconds())
    if span.ongoing:
        note, said = (
            f"{span.status.label.lower()}, {took} so far",
            f"{span.status.label}, {took} so far",
        )
    elif span.status.key == "success":
        note, said = took, f"Succeeded in {took}"
    else:
        note = said = f"{span.status.label} after {took}"
    waited = ""
    if span.wait_start is not None:
        waited = f", after waiting {format_seconds((span.start - span.wait_start).total_seconds())}"
    label = name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"
    chain = ", on the longest chain" if span.critical else ""
    return Row(
        id=span.id,
        label=label,
        title=f"{name}: {said}{waited}{chain}",
        status=span.status,
        href=href(span.id),
        y=y,
        x=x,
        w=round(w, 1),
        wait_x=x_of(span.wait_start) if span.wait_start is not None else None,
        note=note,
        critical=span.critical,
        ongoing=span.ongoing,
    )


def _ticks(timing: Timing, zone: ZoneInfo, x_of: Callable[[datetime], float]) -> tuple[Tick, ...]:
    """Round times of day in the reader's zone, at most MAX_TICKS of them."""
    if timing.start is None or timing.end is None:
        return ()
    seconds = timing.seconds
    step = next((s for s in TICK_STEPS if seconds / s <= MAX_TICKS), None)
    if step is None:
        step = 86400 * max(1, math.ceil(seconds / 86400 / MAX_TICKS))
    local = timing.start.astimezone(zone)
    offset = local.utcoffset() or timedelta()
    wall = (timing.start + offset).timestamp()
    first = math.ceil(wall / step) * step - offset.total_seconds()
    with_date = seconds >= 86400 or local.date() != timing.end.astimezone(zone).date()
    shape = "%b %d %H:%M" if with_date else ("%H:%M:%S" if step < 60 else "%H:%M")
    ticks = []
    at = datetime.fromtimestamp(first, tz=timing.start.tzinfo)
    while at <= timing.end:
        ticks.append(Tick(x_of(at), at.astimezone(zone).strftime(shape)))
        at += timedelta(seconds=step)
    return tuple(ticks)


def _overview(timing: Timing) -> tuple[Band, ...]:
    """How many steps were running in each of OVERVIEW_BUCKETS slices of the run."""
    if timing.start is None or not timing.spans:
        return ()
    seconds = max(timing.seconds, 0.001)
    changes = [0] * (OVERVIEW_BUCKETS + 1)
    for span in timing.spans:
        first = int((span.start - timing.start).total_seconds() / seconds * OVERVIEW_BUCKETS)
        last = int((span.end - timing.start).total_seconds() / seconds * OVERVIEW_BUCKETS)
        changes[min(first, OVERVIEW_BUCKETS - 1)] += 1
        changes[min(last, OVERVIEW_BUCKETS - 1) + 1] -= 1
    width = CHART_W / OVERVIEW_BUCKETS
    bands, running = [], 0
    for bucket in range(OVERVIEW_BUCKETS):
        running += changes[bucket]
        bands.append(Band(round(LABEL_W + bucket * width, 1), round(width, 2), str(running)))
    return tuple(bands)


def _idle_text(length: timedelta) -> str:
    return f"nothing ran for {format_seconds(length.total_seconds())}"
