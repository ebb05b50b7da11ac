"""Security headers on every kind of answer, markup the CSP allows, and htmx kept on this site."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from viewer.demo.api import DEMO_RUN_IDS

ROOT = Path(__file__).resolve().parents[2]
RUN = "run_8fd21b6c07"
PAGES = [
    "/",
    f"/runs/{RUN}",
    f"/runs/{RUN}?node=swap",
    f"/runs/{RUN}?steps=all",
    "/runs/run_missing",
    "/runs/bad%20id",
    "/no/such/page",
]
FRAGMENTS = [
    f"/_fragments/runs/{RUN}/graph",
    f"/_fragments/runs/{RUN}/steps/swap",
    f"/_fragments/runs/{RUN}/steps?ids=swap,bridge",
    f"/_fragments/runs/{RUN}/live",
    f"/_fragments/runs/{RUN}/steps/nope",
    "/_fragments/runs/run_missing/graph",
]
RAW = [f"/runs/{RUN}.json", f"/runs/{RUN}/steps/swap.json", "/runs/run_missing.json"]
EVERYTHING = PAGES + FRAGMENTS + RAW + ["/static/app.css", "/static/vendor/htmx.min.js"]


def csp_of(answer) -> dict[str, list[str]]:
    directives = {}
    for part in answer.headers["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("path", EVERYTHING)
def test_strict_headers_everywhere(client: FlaskClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code < 500
    csp = csp_of(answer)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    policy = answer.headers["Content-Security-Policy"]
    for loose in ("unsafe-inline", "unsafe-eval", "unsafe-hashes", "*", "data:", "http:", "https:"):
        assert loose not in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert answer.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in answer.headers, "no HSTS over plain http"


@pytest.mark.parametrize(
    "path", [p for p in PAGES + FRAGMENTS + RAW if p.startswith(("/runs/", "/_fragments/"))]
)
def test_run_data_is_never_stored_by_caches(client: FlaskClient, path: str) -> None:
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_only_static_files_and_healthz_may_be_kept_by_shared_caches(app: Flask) -> None:
    """Private by default: a new route answers no-store until it is declared public."""
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in ("static", "health.healthz"):
            continue
        path = re.sub(
            r"<(?:[^:>]+:)?([^>]+)>", lambda m: RUN if m[1] == "run_id" else "swap", rule.rule
        )
        assert client.get(path).headers.get("Cache-Control") == "no-store", rule.rule
    assert client.get("/no/such/page").headers.get("Cache-Control") == "no-store"


def test_static_files_stay_cacheable(client: FlaskClient) -> None:
    assert client.get("/static/app.css").headers.get("Cache-Control") != "no-store"


@pytest.mark.parametrize("mode", ["proxy", "token"])
def test_every_page_behind_sign_in_is_no_store(make_app: Callable[..., Flask], mode: str) -> None:
    client = make_app(auth_mode=mode).test_client()
    for path in ("/", "/signin", "/healthz"):
        answer = client.get(path, headers={"X-Auth-Request-Email": "ada@example.com"})
        expected = None if path == "/healthz" else "no-store"
        assert answer.headers.get("Cache-Control") == expected, path


@pytest.mark.parametrize("path", ["/", f"/runs/{RUN}", f"/_fragments/runs/{RUN}/graph"])
def test_hsts_only_over_https(app: Flask, path: str) -> None:
    app.config["PREFERRED_URL_SCHEME"] = "https"
    answer = app.test_client().get(path)
    assert answer.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_hsts_when_behind_https(make_app: Callable[..., Flask]) -> None:
    answer = make_app(behind_https=True).test_client().get("/")
    assert "Strict-Transport-Security" in answer.headers


@pytest.mark.parametrize("path", FRAGMENTS)
def test_fragments_are_html_not_pages(client: FlaskClient, path: str) -> None:
    answer = client.get(path, headers={"HX-Request": "true"})
    assert answer.mimetype == "text/html"
    assert "<html" not in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", RAW)
def test_raw_json_is_json(client: FlaskClient, path: str) -> None:
    answer = client.get(path)
    assert answer.mimetype == "application/json"
    json.loads(answer.get_data(as_text=True))


# ---- markup the CSP would block, or that would run code -----------------------------------------


class MarkupAudit(HTMLParser):
    """Collect what a strict CSP forbids: inline scripts, handlers, style attributes, JS URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.in_script = False
        self.script_sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name == "style":
                self.problems.append(f"<{tag} style>")
            if name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"<{tag} {name}>")
            lowered = (value or "").strip().lower()
            if lowered.startswith(("javascript:", "data:", "vbscript:", "js:")):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            if not names.get("src"):
                self.problems.append("inline <script>")
            else:
                self.script_sources.append(names["src"] or "")
        if tag == "style":
            self.problems.append("<style> element")


def audit_markup(html: str) -> MarkupAudit:
    parser = MarkupAudit()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("run_id", DEMO_RUN_IDS)
def test_demo_pages_have_no_markup_the_csp_blocks(client: FlaskClient, run_id: str) -> None:
    for path in (
        f"/runs/{run_id}",
        f"/runs/{run_id}?steps=all",
        f"/_fragments/runs/{run_id}/graph",
        f"/_fragments/runs/{run_id}/live",
    ):
        found = audit_markup(client.get(path).get_data(as_text=True))
        assert found.problems == [], path
        assert all(src.startswith("/static/") for src in found.script_sources), path


def test_home_loads_only_local_scripts(client: FlaskClient) -> None:
    found = audit_markup(client.get("/").get_data(as_text=True))
    assert found.problems == []
    assert len(found.script_sources) == 1  # htmx and the viewer's scripts: web/assets.py
    assert re.fullmatch(r"/static/bundle\.[0-9a-f]{12}\.js", found.script_sources[0])


def test_markup_audit_catches_what_it_looks_for() -> None:
    bad = (
        '<script>x()</script><img src=x onerror="y()"><p style="color:red"></p>'
        '<a href=" JavaScript:z()">a</a><div hx-on:click="w()"></div><style>p{}</style>'
    )
    assert len(audit_markup(bad).problems) == 6


# ---- htmx talks only to this site and evaluates nothing from answers ----------------------------


def htmx_config(html: str) -> dict:
    match = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert match, "base.html carries the htmx config"
    return json.loads(match.group(1))


def test_htmx_config_keeps_requests_on_this_site(client: FlaskClient) -> None:
    config = htmx_config(client.get("/").get_data(as_text=True))
    assert config["mode"] == "same-origin"
    assert config["history"] is False
    assert config["includeIndicatorCSS"] is False
    assert config["prefix"] == "data-hx-", "htmx reads the valid data-hx-* attributes"


def test_vendored_htmx_is_the_pinned_release() -> None:
    vendor = ROOT / "static" / "vendor"
    digest = hashlib.sha256((vendor / "htmx.min.js").read_bytes()).hexdigest()
    assert (vendor / "htmx.min.js.sha256").read_text().split()[0] == digest
    source = (vendor / "htmx.min.js").read_text()
    assert 'version="4.' in source
    for key in ("mode", "history", "includeIndicatorCSS"):
        assert f"{key}:" in source, f"htmx 4 still reads config.{key}"
    assert "request.mode=this.config.mode" in source, "no per-element override of mode"
    assert "closest(`[${t}ignore]`)" in source, "data-hx-ignore is honoured"
