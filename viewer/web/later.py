"""Where graph-later.js fetches a big diagram's rest, and whether the browser may keep it.

A finished run cannot change, so the chunks drawn from it stay the same for as long as the
same viewer draws them. Its rest's address carries `v`, a digest of everything they are drawn
from: the run's content (not the upstream's answer, whose requestId changes with every read),
the boxes opened and closed, the step the page opens on, the viewer's code, templates and
static files (a deploy changes it), and who asks (the session in `token` mode, the person in
`proxy` mode, so that a rest kept for one sign-in is never used by another). Its answer is
kept by the browser alone (`private`) until the sign-in ends, and never asked again
(`immutable`): a second visit to the run fetches the page only.

A moving run's rest has no `v` and is never kept (no-store, as every answer with run data).
A request whose `v` is not the one the viewer would give now (the run or the viewer changed
after the page was sent, or another sign-in) gets DiagramChanged, a 409 fragment: never
chunks that may not fit the first part the page carries.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from pathlib import Path

from flask import Flask, Response, current_app, g, url_for

from viewer.errors import DiagramChanged
from viewer.graph.toggles import Boxes, boxes_token
from viewer.runs.digest import content_digest
from viewer.runs.service import RunRead

VERSION_LENGTH = 16  # hex digits of `v`
CODE = Path(__file__).resolve().parent.parent  # the viewer package
CONTENTS_KEPT = 256  # content digests of recent answers, by the answer's digest


def rest_address(read: RunRead, boxes: Boxes, selected: str | None) -> str:
    """Where graph-later.js fetches the chunks of a diagram sent with its first part only:
    with `v` when the browser may keep them."""
    token = boxes_token(*boxes) or None
    version = rest_version(read, boxes, selected)
    return url_for(
        "fragments.graph_rest", run_id=read.run.id, node=selected, boxes=token, v=version
    )


def rest_version(read: RunRead, boxes: Boxes, selected: str | None) -> str | None:
    """The `v` of this rest, or None when it may change (a moving run; templates reloaded
    while developing; a run whose content cannot be named)."""
    app = current_app
    if not (read.digest and read.run.status.final) or app.jinja_env.auto_reload:
        return None
    content = _contents.of(read)
    if content is None:
        return None
    parts = (
        release_digest(app),
        content,
        boxes_token(*boxes),
        selected or "",
        _asker(),
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:VERSION_LENGTH]


def check_version(asked: str | None, current: str | None) -> None:
    """DiagramChanged unless the rest asked for is the one drawn now (none asked: any)."""
    if asked is not None and asked != current:
        raise DiagramChanged(
            "It changed after this page was loaded (the run, or the viewer was updated). "
            "Reload the page to see the whole diagram."
        )


def kept_by_the_browser(response: Response) -> Response:
    """`private, max-age=<until the sign-in ends>, immutable`: for an answer under a `v`."""
    seconds = _seconds_left()
    if seconds > 0:
        control = response.cache_control
        control.private = True
        control.max_age = seconds
        control.immutable = True
    return response


def release_digest(app: Flask) -> str:
    """The digest of this viewer's code, templates and static files (build_digest)."""
    assert app.template_folder is not None and app.static_folder is not None
    return build_digest((CODE, Path(app.root_path, app.template_folder), Path(app.static_folder)))


@functools.cache
def build_digest(folders: tuple[Path, ...]) -> str:
    """A digest of the viewer's code, templates and static files (their names and bytes),
    read once per process: the same in every worker and instance running the same release."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _asker() -> str:
    """Who asks: the session (token mode), the person (proxy mode), or nobody (none)."""
    session = g.get("session")
    if session is not None:
        return f"session {session.id}"
    identity = g.get("identity")
    return f"{identity.mode} {identity.audit_name}" if identity is not None else ""


def _seconds_left() -> int:
    """How long the browser may keep a rest: until the session ends in token mode, else
    VIEWER_SESSION_HOURS."""
    session = g.get("session")
    if session is not None:
        return int(session.ends_at - time.time())
    return int(current_app.config["VIEWER_SETTINGS"].session_hours * 3600)


class Contents:
    """Content digests of run answers, by the answer's digest: taken once per answer (a
    5,000-step run's data takes about 20 ms to digest)."""

    def __init__(self, max_entries: int = CONTENTS_KEPT) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, str | None] = OrderedDict()

    def of(self, read: RunRead) -> str | None:
        with self._lock:
            if read.digest in self._kept:
                self._kept.move_to_end(read.digest)
                return self._kept[read.digest]
        named = content_digest(read.run.data)
        content = named[0] if named is not None else None
        with self._lock:
            self._kept[read.digest] = content
            while len(self._kept) > self.max_entries:
                self._kept.popitem(last=False)
        return content


_contents = Contents()
