"""Static files: fingerprinted addresses kept a year, gzipped, the vendored htmx unchanged, and
every page's stylesheets and scripts sent as one file of each kind."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient

from viewer.web import assets
from viewer.web.assets import BUNDLES

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
LINKED = re.compile(r'(?:href|src)="(/static/[^"]+)"')
FAILED = "run_8fd21b6c07"
SIMULATION = "run_e13f6b82a4"


def linked_static(client: FlaskClient, path: str) -> list[str]:
    return LINKED.findall(client.get(path).get_data(as_text=True))


class HeadLinks(HTMLParser):
    """The page's stylesheets and scripts, those inside <noscript> apart."""

    def __init__(self) -> None:
        super().__init__()
        self.noscript = False
        self.styles: list[str] = []
        self.scripts: list[str] = []
        self.without_scripting: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "noscript":
            self.noscript = True
        elif tag == "link" and names.get("rel") == "stylesheet":
            (self.without_scripting if self.noscript else self.styles).append(names["href"] or "")
        elif tag == "script":
            self.scripts.append(names.get("src") or "inline")

    def handle_endtag(self, tag: str) -> None:
        if tag == "noscript":
            self.noscript = False


def head_links(html: str) -> HeadLinks:
    parser = HeadLinks()
    parser.feed(html)
    return parser


def served(client: FlaskClient, link: str) -> bytes:
    return client.get(link, headers={"Accept-Encoding": "identity"}).get_data()


def bundle_link(client: FlaskClient, name: str) -> str:
    stem, ext = name.rsplit(".", 1)
    pattern = re.compile(rf"/static/{stem}\.[0-9a-f]{{12}}\.{ext}")
    return next(link for link in linked_static(client, "/") if pattern.fullmatch(link))


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        (f"/runs/{FAILED}", 200),
        (f"/runs/{FAILED}?view=timeline", 200),
        (f"/runs/{FAILED}?steps=all&node=swap", 200),
        (f"/runs/{SIMULATION}/compare/{FAILED}", 200),
        ("/runs/run_000000dead", 404),
    ],
)
def test_every_page_links_one_stylesheet_and_one_script(
    client: FlaskClient, path: str, status: int
) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    links = head_links(answer.get_data(as_text=True))
    assert [_plain(link) for link in links.styles] == ["bundle.css"], path
    assert [_plain(link) for link in links.scripts] == ["bundle.js"], path
    assert [_plain(link) for link in links.without_scripting] == ["noscript.css"], path


def test_the_sign_in_page_links_the_same_two_files(make_app: Callable[..., Flask]) -> None:
    client = make_app(runs_api_token=None, auth_mode="token").test_client()
    answer = client.get("/signin")
    assert answer.status_code == 200
    links = head_links(answer.get_data(as_text=True))
    assert [_plain(link) for link in links.styles + links.scripts] == ["bundle.css", "bundle.js"]


def test_every_stylesheet_and_script_is_in_a_bundle() -> None:
    """A new part left out of BUNDLES would never reach a page."""
    on_their_own = {"noscript.css"}  # linked inside <noscript>: only browsers without scripts
    files = {
        path.relative_to(STATIC).as_posix()
        for path in STATIC.rglob("*")
        if path.suffix in (".css", ".js")
    }
    bundled = [part for parts in BUNDLES.values() for part in parts]
    assert len(bundled) == len(set(bundled)), "a part in two bundles, or twice in one"
    assert set(bundled) == files - on_their_own


@pytest.mark.parametrize("name", list(BUNDLES))
def test_a_bundle_is_its_parts_bytes_in_order(client: FlaskClient, name: str) -> None:
    """Between the parts only a comment naming the next one (after `;` in scripts), so the
    browser reads each part as it would the file alone."""
    body = served(client, bundle_link(client, name))
    at = 0
    for part in BUNDLES[name]:
        source = (STATIC / part).read_bytes()
        found = body.find(source, at)
        assert found >= at, f"{part} missing from {name} or out of order"
        between = body[at:found].decode()
        assert re.fullmatch(rf"\n?;?/\* {re.escape(part)} \*/\n", between), (part, between)
        at = found + len(source)
    assert body[at:] in (b"", b"\n")


@pytest.mark.parametrize(
    ("name", "mimetype"), [("bundle.css", "text/css"), ("bundle.js", "text/javascript")]
)
def test_a_bundle_is_immutable_gzipped_and_of_its_type(
    client: FlaskClient, name: str, mimetype: str
) -> None:
    link = bundle_link(client, name)
    body = served(client, link)
    assert hashlib.sha256(body).hexdigest().startswith(link.rsplit(".", 2)[1])
    zipped = client.get(link, headers={"Accept-Encoding": "gzip, br"})
    assert zipped.status_code == 200
    assert zipped.mimetype == mimetype
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == body
    assert zipped.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(
        link, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["ETag"]}
    )
    assert again.status_code == 304


def write_parts(folder: Path, **parts: str) -> None:
    for name, text in parts.items():
        (folder / name).write_text(text)


def parts_app(folder: Path, *, auto_reload: bool) -> Flask:
    app = Flask(__name__, static_folder=str(folder))
    app.config["TEMPLATES_AUTO_RELOAD"] = auto_reload
    assets.init_app(app, {"bundle.js": ("one.js", "two.js")})
    return app


def bundle_address(app: Flask) -> str:
    with app.test_request_context():
        return url_for("static", filename="bundle.js")


def test_a_changed_part_gives_its_bundle_a_new_fingerprint(tmp_path: Path) -> None:
    write_parts(tmp_path, **{"one.js": "one();\n", "two.js": "two()"})
    before = parts_app(tmp_path, auto_reload=False)
    old = bundle_address(before)
    write_parts(tmp_path, **{"two.js": "two(2)"})
    assert bundle_address(before) == old, "read once: a server keeps what it started with"
    after = parts_app(tmp_path, auto_reload=False)
    new = bundle_address(after)
    assert new != old
    client = after.test_client()
    assert client.get(new).get_data() == b";/* one.js */\none();\n;/* two.js */\ntwo(2)\n"
    assert client.get(new).headers["Cache-Control"].endswith("immutable")
    assert client.get(old).headers["Cache-Control"] == "no-cache"  # another version's address


def test_while_templates_auto_reload_a_bundle_follows_its_parts(tmp_path: Path) -> None:
    write_parts(tmp_path, **{"one.js": "one();\n", "two.js": "two()"})
    app = parts_app(tmp_path, auto_reload=True)
    old = bundle_address(app)
    write_parts(tmp_path, **{"one.js": "one(1, 2);\n"})
    new = bundle_address(app)
    assert new != old
    answer = app.test_client().get(new)
    assert answer.headers["Cache-Control"].endswith("immutable")
    assert answer.get_data().startswith(b";/* one.js */\none(1, 2);\n")


def test_a_bundle_of_a_missing_file_stops_the_start(tmp_path: Path) -> None:
    write_parts(tmp_path, **{"one.js": "one();\n"})
    with pytest.raises(ValueError, match=r"two\.js"):
        parts_app(tmp_path, auto_reload=False)


def test_other_static_files_are_linked_by_their_content_hash(client: FlaskClient) -> None:
    links = [link for link in linked_static(client, f"/runs/{FAILED}") if "bundle." not in link]
    assert {_plain(link) for link in links} == {"favicon.svg", "noscript.css"}
    for link in links:
        body = (STATIC / _plain(link)).read_bytes()
        assert hashlib.sha256(body).hexdigest().startswith(link.rsplit(".", 2)[1]), link


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
    with client.application.test_request_context():
        link = url_for("static", filename=name)
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
    recorded = (vendor / "htmx.min.js.sha256").read_text().split()[0]
    assert hashlib.sha256((vendor / "htmx.min.js").read_bytes()).hexdigest() == recorded
    bundle = served(client, bundle_link(client, "bundle.js"))
    assert (vendor / "htmx.min.js").read_bytes() in bundle


def test_an_unhashed_or_outdated_address_still_works_but_is_revalidated(
    client: FlaskClient,
) -> None:
    for path in (
        "/static/app.css",
        "/static/app.0123456789ab.css",
        "/static/bundle.css",
        "/static/bundle.0123456789ab.js",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == "no-cache", path
    assert client.get("/static/nope.css").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404


def _plain(link: str) -> str:
    return re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", link.removeprefix("/static/"))
