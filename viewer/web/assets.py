"""Static files: fingerprinted URLs kept by browsers for a year, compressed once at start-up.

`url_for('static', filename='app.css')` gives `/static/app.<hash>.css`, the hash being the
start of the file's sha256; that address always names the same bytes, so it is sent with
`Cache-Control: immutable` and a second visit fetches only the page and its data. The plain
address (`/static/app.css`) still works, revalidated on every use. Files are read once when
the app is made: edit them, restart the viewer.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, request

HASH_LENGTH = 12
ONE_YEAR = 31_536_000
FINGERPRINTED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[^./]+)$")
COMPRESSIBLE = frozenset(
    {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "text/plain"}
)
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True, slots=True)
class Asset:
    """One static file as served: its bytes, gzipped bytes (when worth it) and hash."""

    body: bytes
    gzipped: bytes | None
    digest: str
    mimetype: str


class Assets:
    """Every file under the static folder, read once."""

    def __init__(self, folder: Path) -> None:
        self.files: dict[str, Asset] = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                self.files[path.relative_to(folder).as_posix()] = _asset(path)

    def fingerprinted(self, filename: str) -> str:
        """`app.css` -> `app.<hash>.css`; a name that is not a static file is left as it is."""
        asset = self.files.get(filename)
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
        match = FINGERPRINTED.match(filename)
        if match:
            plain = match["stem"] + match["ext"]
            asset = self.files.get(plain)
            if asset is not None:
                # an address from another version of the viewer: today's bytes, not kept
                return asset, asset.digest == match["hash"]
        return self.files.get(filename), False


def _asset(path: Path) -> Asset:
    body = path.read_bytes()
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    gzipped = gzip.compress(body, 9, mtime=0) if mimetype in COMPRESSIBLE else None
    if gzipped is not None and len(gzipped) >= len(body):
        gzipped = None
    return Asset(body, gzipped, hashlib.sha256(body).hexdigest()[:HASH_LENGTH], mimetype)


def init_app(app: Flask) -> Assets:
    """Serve the app's static folder through Assets, fingerprinting every static URL."""
    assert app.static_folder is not None
    assets = Assets(Path(app.static_folder))
    app.extensions["assets"] = assets
    app.view_functions["static"] = assets.serve
    app.url_defaults(assets.url_defaults)
    return assets
