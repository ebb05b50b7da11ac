"""The diagram's repeated SVG (one link per step, one path per arrow), built in Python: for
thousands of elements a Jinja loop costs several times more. Every text from the upstream
goes through markupsafe.escape; the rest (statuses, numbers, path data) is ours."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from viewer.graph.draw import EdgeView
from viewer.graph.geometry import Geometry

if TYPE_CHECKING:
    from viewer.graph.view import StepView

WARNED_TITLE = "Succeeded with a warning in its logs"
TAG = '<use href="#tag"/>'  # the trigger's "Trigger" tag
BACK = ' class="back"'


def steps_svg(
    steps: Sequence[StepView], geo: Geometry, warned: Collection[str], keep_steps: bool
) -> Markup:
    """Each step as a link drawn from its label anchor: the shared box of its status, its
    name and type; `warned` steps get a mark, `keep_steps` links keep the server-drawn list."""
    mark = _warn_mark(geo)
    out = []
    for s in steps:
        is_warned = s.id in warned
        root = " root" if s.is_root else ""
        href = "?steps=all&" + s.href[1:] if keep_steps else s.href
        label = s.aria_label + (" — with a warning in its logs" if is_warned else "")
        out.append(
            f'<a class="step{root}{" warned" if is_warned else ""}" href="{escape(href)}"'
            f' data-step-id="{escape(s.id)}" data-status="{s.status}"'
            f' aria-label="{escape(label)}" transform="{s.place}">'
            f"{f'<title>{escape(s.title)}</title>' if s.title else ''}"
            f'<use href="#{"r" if s.is_root else "b"}-{s.status}"/>'
            f'<text>{escape(s.label)}</text><text class="ty" y="{geo.type_dy}">'
            f"{escape(s.type_label)}</text>"
            f"{mark if is_warned else ''}{TAG if s.is_root else ''}</a>"
        )
    return Markup("".join(out))  # noqa: S704 - every upstream text is escaped above


def edges_svg(edges: Sequence[EdgeView]) -> Markup:
    """Each arrow as a path (path data is numbers only); a dashed one closes a cycle."""
    paths = "".join(f'<path d="{e.d}"{BACK if e.back else ""}/>' for e in edges)
    return Markup(paths)  # noqa: S704 - path data is numbers and letters of ours


def _warn_mark(geo: Geometry) -> str:
    right, top = geo.w + geo.box_x, geo.box_y
    return (
        f'<g class="warn-mark"><title>{WARNED_TITLE}</title>'
        f'<circle cx="{right}" cy="{top}" r="11"/>'
        f'<use href="#st-warned" x="{right - 8}" y="{top - 8}" width="16" height="16"/></g>'
    )
