"""The diagram's repeated SVG (one link per step or box of several, one path per arrow), built
in Python: for thousands of elements a Jinja loop costs several times more. Every text from the
upstream goes through markupsafe.escape; the rest (statuses, numbers, path data) is ours.

Every part is drawn in the diagram's own coordinates with plain elements: no transform and no
<use> per step. Chromium gives each transform and each <use> a paint property node and a
shadow tree, and at thousands of steps styling them, and redrawing them on every frame the
diagram moves, cost more than everything else. A box's size and corners come from graph.css
(.steps > a > rect), its colours from its data-status, left off for the commonest status
(viewer/runs/status.py's DIAGRAM_DEFAULT, as status.css and graph.js read a step without
one). A step's accessible name is its own text: the name, the type and the status word (its
icon's aria-label).

A step repeats thousands of times, so its attributes that are a number, a status key or path
data go unquoted (valid HTML: no space, quote, "=", "<", ">" or backquote in them; path data
separates its numbers with commas), and so does a status word that is one word; the sizes,
corners and anchors that every box shares are graph.css's."""

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
    for s in steps:
        x, y = s.x, s.y
        is_warned = s.id in warned
        mark = _warn_mark(geo, x, y, warning_icon) if is_warned else ""
        href = "?steps=all&" + s.href[1:] if keep_steps else s.href
        name = f"<title>{escape(s.title)}</title>{escape(s.label)}" if s.title else escape(s.label)
        kind = escape(s.type_label)
        if s.full_type:
            kind = f"<title>{escape(s.full_type)}</title>{kind}"
        face = _face(geo, x, y, name, kind, s.status)
        status = "" if s.status == DIAGRAM_DEFAULT else f" data-status={s.status}"
        out.append(
            f'<a href="{escape(href)}"{status}{ROOT if s.is_root else ""}>{face}'
            f" aria-label={_value(s.status_label + (WARNED_WORDS if is_warned else ''))} />"
            f"{mark}{_tag(geo, x, y) if s.is_root else ''}</a>"
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
    """Path data (ours: letters, numbers, points, minus signs) as an unquoted attribute value."""
    return _value(d.replace(" ", ","))


def _value(text: str) -> str:
    """An attribute value, quoted (and escaped) only when it must be."""
    return text if BARE.fullmatch(text) else f'"{escape(text)}"'


def _warn_mark(geo: Geometry, x: int, y: int, icon: str) -> str:
    """A step that succeeded with a warning in its logs: a round mark on its top-right corner
    (graph-live.js draws the same one when a refresh says so); its icon's title says so."""
    right = x + geo.w
    return (
        f'<g class="warn-mark" aria-hidden="true"><title>{WARNED_TITLE}</title>'
        f'<circle cx="{right}" cy="{y}" r="11"/><path d={_path(at(icon, right - 8, y - 8))} /></g>'
    )


def _tag(geo: Geometry, x: int, y: int) -> str:
    """The trigger's "Trigger" tag on its top edge: seen, not read out (it is the first step
    a screen reader meets, and its name and type follow)."""
    left, top = x + geo.tag_x, y + geo.tag_y
    return (
        f'<g class="tag" aria-hidden="true"><rect x="{left}" y="{top}"'
        f' width="{geo.tag_w}" height="{geo.tag_h}" rx="{geo.tag_h // 2}"/>'
        f'<text x="{left + geo.tag_w // 2}" y="{top + geo.tag_h // 2 + 4}"'
        ' text-anchor="middle">Trigger</text></g>'
    )
