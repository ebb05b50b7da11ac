"""Static files: fingerprinted URLs kept by browsers for a year, compressed once at start-up,
and each page's stylesheets and scripts joined into one file of each kind.

`url_for('static', filename='app.css')` gives `/static/app.<hash>.css`, the hash being the
start of the file's sha256; that address always names the same bytes, so it is sent with
`Cache-Control: immutable` and a second visit fetches only the page and its data. The plain
address (`/static/app.css`) still works, revalidated on every use.

Pages link `bundle.css` and `bundle.js` (BUNDLES): the parts joined in order when the app is
made, served like any other static file, so a cold browser makes two requests instead of
thirteen. The parts stay separate files (edit those). Files are read once when the app is
made; while templates auto-reload (debug), a changed, added or removed file is read again
at the next request, and the bundles with it, under new fingerprints.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, request

HASH_LENGTH = 12
ONE_YEAR = 31_536_000
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[^./]+)$")
COMPRESSIBLE = frozenset(
    {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "text/plain"}
)
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
REVALIDATE = "no-cache"

# What every page links (templates/base.html), each file of the static folder in cascade or
# execution order. Adding a part is one line. Every page gets the same two files: a part whose
# elements are not on a page does nothing there, and one file cached for all pages beats a
# smaller one per page (README, "Static files").
BUNDLES: dict[str, tuple[str, ...]] = {
    "bundle.css": (
        "app.css",
        "graph.css",
        "status.css",
        "theme.css",
        "explain.css",
        "timeline.css",
    ),
    "bundle.js": (
        "vendor/htmx.min.js",
        "graph-canvas.js",
        "graph-marks.js",
        "graph-list.js",
        "graph-live.js",
        "graph-later.js",
        "graph.js",
        "app.js",
    ),
}


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file as served: its bytes, gzipped bytes (when worth it) and hash."""

    body: bytes
    gzipped: bytes | None
    digest: str
    mimetype: str


class Assets:
    """Every file under the static folder and the bundles made of them, read once."""

    def __init__(self, folder: Path, bundles: dict[str, tuple[str, ...]] = BUNDLES) -> None:
        self.folder = folder
        self.bundles = bundles
        self.stamp = _stamp(folder)
        self.files = self._read()

    def current(self) -> dict[str, Asset]:
        """The files as served; read again first if one changed while templates auto-reload."""
        if current_app.jinja_env.auto_reload:
            stamp = _stamp(self.folder)
            if stamp != self.stamp:
                self.files, self.stamp = self._read(), stamp
        return self.files

    def fingerprinted(self, filename: str) -> str:
        """`app.css` -> `app.<hash>.css`; a name that is not a static file is left as it is."""
        asset = self.current().get(filename)
        if asset is None:
            return filename
        stem, dot, ext = filename.rpartition(".")
        if not dot or not stem or "/" in ext:
            return filename  # no extension to keep: served revalidated
        return f"{stem}.{asset.digest}.{ext}"

    def url_defaults(self, endpoint: str, values: dict[str, Any]) -> None:
        """Flask hook: every `url_for('static', filename=...)` gets the fingerprinted name."""
        if endpoint == "static" and "filename" in values:
            values["filename"] = self.fingerprinted(values["filename"])

    def serve(self, filename: str) -> Response:
        """The static view: immutable under a current fingerprint, revalidated otherwise."""
        asset, immutable = self._find(filename)
        if asset is None:
            abort(404)
        gzipped = asset.gzipped is not None and request.accept_encodings["gzip"] > 0
        response = Response(asset.gzipped if gzipped else asset.body, mimetype=asset.mimetype)
        if gzipped:
            response.headers["Content-Encoding"] = "gzip"
        if asset.gzipped is not None:
            response.vary.add("Accept-Encoding")
        response.set_etag(asset.digest + (".gz" if gzipped else ""))
        response.headers["Cache-Control"] = IMMUTABLE if immutable else REVALIDATE
        return response.make_conditional(request)

    def _find(self, filename: str) -> tuple[Asset | None, bool]:
        files = self.current()
        match = FINGERPRINTED.match(filename)
        if match:
            plain = match["stem"] + match["ext"]
            asset = files.get(plain)
            if asset is not None:
                # an address from another version of the viewer: today's bytes, not kept
                return asset, asset.digest == match["hash"]
        return files.get(filename), False

    def _read(self) -> dict[str, Asset]:
        bodies = {
            path.relative_to(self.folder).as_posix(): path.read_bytes()
            for path in sorted(self.folder.rglob("*"))
            if path.is_file()
        }
        files = {name: _asset(name, body) for name, body in bodies.items()}
        for name, parts in self.bundles.items():
            if name in bodies:
                raise ValueError(f"static/{name} is a bundle's name: rename the file")
            missing = [part for part in parts if part not in bodies]
            if missing:
                raise ValueError(f"{name}: no such file in static/: {', '.join(missing)}")
            files[name] = _asset(name, joined(name, [(part, bodies[part]) for part in parts]))
        return files


def joined(name: str, parts: list[tuple[str, bytes]]) -> bytes:
    """The parts one after the other, each after a comment that names it. In a script the
    comment starts with `;`, so that a part is never read as continuing the one before."""
    lead = b";" if name.endswith(".js") else b""
    out = bytearray()
    for part, body in parts:
        out += lead + b"/* " + part.encode() + b" */\n" + body
        if not body.endswith(b"\n"):
            out += b"\n"
    return bytes(out)


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Each file's name, modification time and size: whether anything changed."""
    return tuple(
        (path.as_posix(), stat.st_mtime_ns, stat.st_size)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (stat := path.stat())
    )


def _asset(name: str, body: bytes) -> Asset:
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    gzipped = gzip.compress(body, 9, mtime=0) if mimetype in COMPRESSIBLE else None
    if gzipped is not None and len(gzipped) >= len(body):
        gzipped = None
    return Asset(body, gzipped, hashlib.sha256(body).hexdigest()[:HASH_LENGTH], mimetype)


def init_app(app: Flask, bundles: dict[str, tuple[str, ...]] = BUNDLES) -> Assets:
    """Serve the app's static folder and bundles through Assets, fingerprinting every URL."""
    assert app.static_folder is not None
    assets = Assets(Path(app.static_folder), bundles)
    app.extensions["assets"] = assets
    app.view_functions["static"] = assets.serve
    app.url_defaults(assets.url_defaults)
    return assets
