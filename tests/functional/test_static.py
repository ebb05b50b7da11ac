"""Static files: fingerprinted addresses kept a year, gzipped, the vendored htmx unchanged."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def linked_static(client: FlaskClient, path: str) -> list[str]:
    return LINKED.findall(client.get(path).get_data(as_text=True))


def test_pages_link_static_files_by_their_content_hash(client: FlaskClient) -> None:
    links = linked_static(client, "/runs/run_8fd21b6c07")
    assert len(links) >= 5  # icon, two stylesheets, three scripts (noscript.css too)
    for link in links:
        name = link.removeprefix("/static/")
        stem, digest, ext = re.fullmatch(r"(.+)\.([0-9a-f]{12})(\.\w+)", name).groups()
        body = (STATIC / f"{stem}{ext}").read_bytes()
        assert hashlib.sha256(body).hexdigest().startswith(digest), link


def test_a_fingerprinted_file_is_immutable_and_a_second_visit_fetches_nothing(
    client: FlaskClient,
) -> None:
    for link in linked_static(client, "/"):
        answer = client.get(link)
        assert answer.status_code == 200, link
        cache = answer.headers["Cache-Control"]
        assert "immutable" in cache and "max-age=31536000" in cache, link
        assert "no-store" not in cache
        again = client.get(link, headers={"If-None-Match": answer.headers["ETag"]})
        assert again.status_code == 304, link


@pytest.mark.parametrize(
    ("name", "mimetype"),
    [
        ("vendor/htmx.min.js", "text/javascript"),
        ("graph.js", "text/javascript"),
        ("app.css", "text/css"),
        ("favicon.svg", "image/svg+xml"),
    ],
)
def test_scripts_styles_and_svg_are_gzipped_for_browsers_that_accept_it(
    client: FlaskClient, name: str, mimetype: str
) -> None:
    link = next(link for link in linked_static(client, "/") if _plain(link) == name)
    body = (STATIC / name).read_bytes()
    zipped = client.get(link, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.mimetype == mimetype
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == body
    plain = client.get(link, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == body


def test_the_served_htmx_is_the_vendored_release_with_its_recorded_sha256(
    client: FlaskClient,
) -> None:
    vendor = STATIC / "vendor"
    link = next(link for link in linked_static(client, "/") if "htmx" in link)
    served = client.get(link, headers={"Accept-Encoding": "identity"}).get_data()
    recorded = (vendor / "htmx.min.js.sha256").read_text().split()[0]
    assert hashlib.sha256(served).hexdigest() == recorded


def test_an_unhashed_or_outdated_address_still_works_but_is_revalidated(
    client: FlaskClient,
) -> None:
    for path in ("/static/app.css", "/static/app.0123456789ab.css"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-cache", path
    assert client.get("/static/nope.css").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404


def _plain(link: str) -> str:
    return re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", link.removeprefix("/static/"))
