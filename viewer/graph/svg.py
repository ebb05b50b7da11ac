"""The diagram's repeated SVG (one link per step or box of several, one path per arrow), built
in Python: for thousands of elements a Jinja loop costs several times more. Every text from the
upstream goes through markupsafe.escape; the rest (statuses, numbers, path data) is ours.

A step is one link placed by one `transform=translate(x,y)`: the point where its name starts
(its box's corner plus geometry.py's LABEL_X, NAME_Y). Inside it every step draws the same,
with plain elements: its <rect> (size, corners and its offset from that point are graph.css's,
.steps > a > rect), the name (<text>, at the point), the type (<text y=19>) and the status's
icon (one <path>, whose path data is then the same for every step of a status). Measured in
Chromium (static pages of 1,000 and 5,000 steps), a translation per step costs no more style,
layout or paint than the same elements placed one by one, and a step is 11 to 13 bytes smaller;
a <use> per step (a shadow tree each) cost more than half as much style time again, so there is
none. A step's colours come from its data-status, left off for the commonest status
(viewer/runs/status.py's DIAGRAM_DEFAULT, as status.css and graph.js read a step without
one). A step's accessible name is its own text: the name, the type and the status word (its
icon's aria-label). Boxes of several steps, arrows and block frames stay in the diagram's own
coordinates (they are few, or carry their place in their path data).

A step repeats thousands of times, so its attributes that are a number, a status key, a
translation or path data go unquoted (valid HTML: no space, quote, "=", "<", ">" or backquote
in them; path data separates its numbers with commas), and so does a status word that is one
word; the sizes, corners and anchors that every box shares are graph.css's."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from viewer.graph.draw import EdgeView
from viewer.graph.geometry import Geometry
from viewer.graph.icons import at
from viewer.runs.status import DIAGRAM_DEFAULT, ICONS

if TYPE_CHECKING:
    from viewer.graph.view import ClusterView, GroupView, StepView

WARNED_TITLE = "Succeeded with a warning in its logs"
WARNED_WORDS = ", with a warning in its logs"  # after the status word, for screen readers
BACK = " class=back"
BARE = re.compile(r"[A-Za-z0-9_.,-]+")  # an attribute value that needs no quotes
ROOT = " class=root"


def steps_svg(
    steps: Sequence[StepView],
    geo: Geometry,
    warned: Collection[str],
    keep_steps: bool,
    warning_icon: str,
) -> Markup:
    """Each step as a link: its box, name, type and status icon; `warned` steps get a mark,
    `keep_steps` links keep the server-drawn list (?steps=all)."""
    out = []
    dy = geo.type_y - geo.name_y
    icons = {
        key: _path(at(d, geo.icon_x - geo.label_x, geo.icon_y - geo.name_y))
        for key, d in ICONS.items()
    }
    mark = _warn_mark(geo, warning_icon) if warned else ""
    tag = _tag(geo)
    for s in steps:
        is_warned = s.id in warned
        href = "?steps=all&" + s.href[1:] if keep_steps else s.href
        name = f"<title>{escape(s.title)}</title>{escape(s.label)}" if s.title else escape(s.label)
        kind = escape(s.type_label)
        if s.full_type:
            kind = f"<title>{escape(s.full_type)}</title>{kind}"
        status = "" if s.status == DIAGRAM_DEFAULT else f" data-status={s.status}"
        out.append(
            f'<a href="{escape(href)}"{status}{ROOT if s.is_root else ""}'
            f" transform=translate({s.x + geo.label_x},{s.y + geo.name_y})>"
            f"<rect /><text>{name}</text><text y={dy}>{kind}</text><path d={icons[s.status]}"
            f" aria-label={_value(s.status_label + (WARNED_WORDS if is_warned else ''))} />"
            f"{mark if is_warned else ''}{tag if s.is_root else ''}</a>"
        )
    return Markup("".join(out))  # noqa: S704 - every upstream text is escaped above


def clusters_svg(clusters: Sequence[ClusterView], geo: Geometry) -> Markup:
    """Each box of several steps as a link that shows them: a second box peeking out under
    it, its label and counts, and a bar split by status."""
    out = []
    for c in clusters:
        x, y = c.x, c.y
        bar = "".join(
            f"<rect class=seg data-status={key} x={x + left} y={y + geo.bar_y} width={w} />"
            for key, left, w in c.bar
        )
        out.append(
            f'<a class="cluster toggle" href="{escape(c.page_href)}"'
            f' data-status={c.status} data-count={c.count} aria-label="{escape(c.title)}">'
            f"<title>{escape(c.title)}</title>"
            f"<rect class=under x={x + geo.shadow} y={y + geo.shadow} />"
            f"{_face(geo, x, y, escape(c.label), escape(c.summary), c.status)} />{bar}"
            f"<text class=more x={x + geo.right} y={y + geo.name_y}>Show all</text></a>"
        )
    return Markup("".join(out))  # noqa: S704 - every upstream text is escaped above


def groups_svg(groups: Sequence[GroupView], geo: Geometry) -> Markup:
    """Each block's frame round its expanded steps, its title, and a link that collapses it
    (when it may be)."""
    out = []
    for b in groups:
        tx, ty = b.x + geo.group_text_x, b.y + geo.group_text_y
        toggle = (
            f'<a class="toggle" href="{escape(b.page_href)}"'
            f' aria-label="Collapse block {escape(b.label)} into one box">'
            f"<text x={b.x + b.w - geo.group_text_x} y={ty}>Collapse</text></a>"
            if b.page_href
            else ""
        )
        out.append(
            f'<g class=group data-group-id="{escape(b.id)}">'
            f"<rect x={b.x} y={b.y} width={b.w} height={b.h} />"
            f"<text x={tx} y={ty}><title>{escape(b.title)}</title>{escape(b.label)}</text>"
            f"{toggle}</g>"
        )
    return Markup("".join(out))  # noqa: S704 - every upstream text is escaped above


def edges_svg(edges: Sequence[EdgeView]) -> Markup:
    """Each arrow as a path (path data is numbers only); a dashed one closes a cycle."""
    paths = "".join(f"<path d={_path(e.d)}{BACK if e.back else ''} />" for e in edges)
    return Markup(paths)  # noqa: S704 - path data is numbers and letters of ours


def _face(geo: Geometry, x: int, y: int, name: str, kind: str, status: str) -> str:
    """A box's rectangle, its two lines (markup, escaped by the caller) and its status icon's
    <path>, left open for the caller's attributes."""
    tx = x + geo.label_x
    return (
        f"<rect x={x} y={y} />"
        f"<text x={tx} y={y + geo.name_y}>{name}</text>"
        f"<text x={tx} y={y + geo.type_y}>{kind}</text>"
        f"<path d={_path(at(ICONS[status], x + geo.icon_x, y + geo.icon_y))}"
    )


def _path(d: str) -> str:
    """Path data (ours: letters, numbers, points, minus signs) as an unquoted attribute value
    (a minus sign separates two numbers already)."""
    return _value(d.replace(" -", "-").replace(" ", ","))


def _value(text: str) -> str:
    """An attribute value, quoted (and escaped) only when it must be."""
    return text if BARE.fullmatch(text) else f'"{escape(text)}"'


def _warn_mark(geo: Geometry, icon: str) -> str:
    """A step that succeeded with a warning in its logs: a round mark on its top-right corner
    (graph-live.js draws the same one when a refresh says so), in the step's own coordinates;
    its icon's title says so."""
    right, top = geo.w - geo.label_x, -geo.name_y
    return (
        f'<g class="warn-mark" aria-hidden="true"><title>{WARNED_TITLE}</title>'
        f'<circle cx="{right}" cy="{top}" r="11"/>'
        f"<path d={_path(at(icon, right - 8, top - 8))} /></g>"
    )


def _tag(geo: Geometry) -> str:
    """The trigger's "Trigger" tag on its top edge, in the step's own coordinates: seen, not
    read out (it is the first step a screen reader meets, and its name and type follow)."""
    left, top = geo.tag_x - geo.label_x, geo.tag_y - geo.name_y
    return (
        f'<g class="tag" aria-hidden="true"><rect x="{left}" y="{top}"'
        f' width="{geo.tag_w}" height="{geo.tag_h}" rx="{geo.tag_h // 2}"/>'
        f'<text x="{left + geo.tag_w // 2}" y="{top + geo.tag_h // 2 + 4}"'
        ' text-anchor="middle">Trigger</text></g>'
    )
