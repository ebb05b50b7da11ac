"""Hostile run data from a real upstream over HTTP: it is shown as text and never runs or breaks.

Every string the viewer shows carries script, event handlers, htmx attributes, template syntax,
control and bidi characters; URLs use javascript: and data:; bodies are huge, deep or mistyped.
Every view must answer with escaped text, a page, or a clear error, never a 500.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.conftest import TEST_SETTINGS, envelope
from tests.functional.test_security_headers import audit_markup
from tests.support.servers import Reply, ScriptedUpstream
from viewer import create_app
from viewer.runs.jsonparse import MAX_DEPTH, depth_note
from viewer.web.jsontree import MAX_DEPTH as TREE_DEPTH

TOKEN = "server-token-hostile-0001"
RUN_ID = "run_hostile"
STEP = "s1"
EVIL_ID = "<img src=x onerror=alert(9)>"
HOSTILE = (
    '<script>alert("pwn")</script>"\'><img src=x onerror=alert(1)><svg onload=alert(2)>'
    '<a href="javascript:alert(3)">j</a><div hx-get="https://evil.test/x" hx-trigger="load" '
    'hx-on:click="alert(4)" data-hx-get="https://evil.test/y">{{7*7}}{% print 7*7 %}${7*7}'
    "\u202e\u2066\x00\x1b[31m\x07\u2028"
)
JS_URL = "javascript:alert(document.cookie)//https://x.test"
DATA_URL = "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="
RAW_TAGS = ("<script>alert", "<img src=x", "<svg onload", '<a href="javascript', "<div hx-get")
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data-fragment"})


def hostile_run(text: str = HOSTILE, status: str = "failure") -> dict[str, Any]:
    """A run with `text` in every string field the viewer shows, and hostile URLs and keys."""
    state = {
        "status": "failure",
        "startedAt": text,
        "finishedAt": text,
        "cu": text,
        "input": {text: text, "url": JS_URL},
        "output": {"html": text, "url": JS_URL, "data": DATA_URL, text: [text]},
        "error": {"message": text, "code": text, "stack": text},
        "logs": [text, {"level": text, "message": text, "time": text}],
        "txHash": text,
        "transactionHash": [{"chainId": 1, "hash": text}],
    }
    return {
        "id": RUN_ID,
        "organizationId": text,
        "workflowId": text,
        "workflowVersion": text,
        "status": status,
        "startedAt": text,
        "finishedAt": text,
        "totalCu": text,
        "triggerSource": text,
        "triggeredBy": text,
        "isSimulation": True,
        "isDustTest": True,
        "simulationMode": text,
        "simulationForks": [
            {"chainId": text, "forkId": text, "rpcUrl": JS_URL},
            {"chainId": 1, "forkId": text, "rpcUrl": DATA_URL},
            {"chainId": 8453, "forkId": "f", "rpcUrl": f"https://rpc.test/{text}"},
        ],
        "sourceRunId": JS_URL,
        "propValues": {text: text, "link": JS_URL, "data": DATA_URL, "nested": {text: [text]}},
        "workflowDefinition": {
            "inputSchema": [
                {"key": text, "type": text, "required": True, "description": text},
                {"key": "missing", "type": "string", "required": True, "description": text},
            ],
            "nodes": {
                "root": {"type": "manual", "children": [STEP, EVIL_ID], "name": text},
                STEP: {"type": text, "name": text, "children": [], text: text, "url": JS_URL},
                EVIL_ID: {"type": text, "label": text, "children": [STEP]},
            },
            "blockExpansions": {STEP: [text, EVIL_ID]},
        },
        "executionState": {STEP: state, EVIL_ID: {"status": text, "error": text, "logs": text}},
    }


VIEWS = {
    "page": f"/runs/{RUN_ID}",
    "page with step": f"/runs/{RUN_ID}?node={STEP}",
    "page drawn on the server": f"/runs/{RUN_ID}?steps=all",
    "graph": f"/_fragments/runs/{RUN_ID}/graph",
    "step panel": f"/_fragments/runs/{RUN_ID}/steps/{STEP}",
    "step panels": f"/_fragments/runs/{RUN_ID}/steps?ids={STEP},root",
    "live": f"/_fragments/runs/{RUN_ID}/live",
    "raw": f"/runs/{RUN_ID}.json",
    "raw step": f"/runs/{RUN_ID}/steps/{STEP}.json",
}


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedUpstream]:
    """One scripted runs API on loopback for the module (each test scripts its own replies)."""
    with ScriptedUpstream() as server:
        # Headers and body leave in separate writes; without this, Nagle's algorithm and
        # delayed ACKs add 40 ms to every answer.
        server.server.RequestHandlerClass.disable_nagle_algorithm = True
        yield server


@pytest.fixture(scope="module")
def viewer(scripted: ScriptedUpstream) -> Flask:
    """A viewer on the scripted upstream with no caching, so each request reads the script."""
    settings = replace(
        TEST_SETTINGS,
        runs_api_url=scripted.url,
        runs_api_token=TOKEN,
        cache_live_seconds=0,
        cache_final_seconds=0,
        retry_attempts=1,
    )
    return create_app(settings)


def serve(scripted: ScriptedUpstream, data: Any) -> None:
    scripted.script(Reply(200, envelope(data), {"Content-Type": "application/json"}))


class Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.extend((tag, name, value or "") for name, value in attrs)


def attributes(html: str) -> list[tuple[str, str, str]]:
    parser = Attributes()
    parser.feed(html)
    return parser.found


def assert_harmless(answer: TestResponse, where: str, *, parse: bool = True) -> str:
    """The answer is not a crash, carries no live markup from the data, and leaks no token;
    `parse` also reads every tag and attribute (slower)."""
    body = answer.get_data(as_text=True)
    assert answer.status_code != 500, where
    assert "Traceback" not in body, where
    assert TOKEN not in body, where
    if answer.mimetype == "application/json":
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        json.loads(body)
        return body
    assert answer.mimetype == "text/html", where
    for tag in RAW_TAGS:
        assert tag not in body, f"{where}: {tag!r} unescaped"
    if not parse:
        return body
    assert audit_markup(body).problems == [], where
    for tag, name, value in attributes(body):
        if name.startswith(("hx-", "data-hx-")):
            assert "evil" not in value and "alert" not in value, f"{where}: <{tag} {name}={value}>"
        if name.removeprefix("data-") in ("hx-get", "hx-post", "hx-put", "hx-delete", "hx-patch"):
            assert value.startswith("/_fragments/"), f"{where}: <{tag} {name}={value}>"
        if name in URL_ATTRIBUTES:
            scheme = urlsplit(value.strip()).scheme.lower()
            assert scheme in ("", "http", "https"), f"{where}: {name}={value}"
            assert not value.startswith("//"), f"{where}: {name}={value}"
    return body


@pytest.mark.parametrize("status", ["failure", "running", HOSTILE])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_hostile_strings_are_inert(
    viewer: Flask, scripted: ScriptedUpstream, view: str, status: str
) -> None:
    serve(scripted, hostile_run(status=status))
    answer = viewer.test_client().get(VIEWS[view])
    body = assert_harmless(answer, view)
    assert answer.status_code == 200, body[:2000]


HTML_VIEWS = sorted(view for view in VIEWS if not VIEWS[view].endswith(".json"))


@pytest.mark.parametrize("view", HTML_VIEWS)
def test_control_and_bidi_characters_are_made_visible(
    viewer: Flask, scripted: ScriptedUpstream, view: str
) -> None:
    serve(scripted, hostile_run())
    body = viewer.test_client().get(VIEWS[view]).get_data(as_text=True)
    for invisible in ("\x00", "\x1b", "\x07", "\u202e", "\u2066"):
        assert invisible not in body, f"{view}: {invisible!r} passed through"


@pytest.mark.parametrize("view", ["page", "step panel", "graph"])
def test_template_syntax_in_data_is_shown_not_evaluated(
    viewer: Flask, scripted: ScriptedUpstream, view: str
) -> None:
    serve(scripted, hostile_run(text="{{7*7}} {{ config.SECRET_KEY }} {% print 6*7 %}"))
    body = viewer.test_client().get(VIEWS[view]).get_data(as_text=True)
    assert "{{7*7}}" in body
    assert "test-secret-key" not in body


def test_hostile_run_id_in_the_data_does_not_steer_requests(
    viewer: Flask, scripted: ScriptedUpstream
) -> None:
    run = hostile_run()
    run["id"] = "../../healthz?x="
    serve(scripted, run)
    body = assert_harmless(viewer.test_client().get(VIEWS["page"]), "page")
    gets = [
        value
        for _, name, value in attributes(body)
        if name == "data-hx-get" or (name.startswith("data-") and name.endswith("-url"))
    ]
    assert gets
    for value in gets:
        assert value.startswith(f"/_fragments/runs/{RUN_ID}/"), value


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_very_long_strings_are_cut(viewer: Flask, scripted: ScriptedUpstream, view: str) -> None:
    serve(scripted, hostile_run(text="<b>" + "x" * 200_000 + "</b>"))
    answer = viewer.test_client().get(VIEWS[view])
    assert_harmless(answer, view)
    assert answer.status_code == 200
    if answer.mimetype == "text/html":
        assert len(answer.get_data()) < 3_000_000, f"{view} is {len(answer.get_data())} bytes"


BIG_BODY = envelope({"id": RUN_ID, "status": "success", "padding": "x" * (20 * 1024 * 1024)})


def nested_json(depth: int) -> bytes:
    """Objects and lists nested `depth` levels deep around a hostile string, as JSON text."""
    pairs = depth // 2
    return b'{"k":[' * pairs + json.dumps(HOSTILE).encode() + b"]}" * pairs


@pytest.mark.parametrize("depth", [50, 500, 900, 3_000, 100_000])
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_deep_nesting(viewer: Flask, scripted: ScriptedUpstream, view: str, depth: int) -> None:
    """A value nested however deep costs nothing but itself: every view answers 200, and what
    is cut says so."""
    run = hostile_run()
    run["propValues"]["deep"] = "@DEEP@"
    run["executionState"][STEP]["output"] = "@DEEP@"
    run["workflowDefinition"]["nodes"][STEP]["config"] = "@DEEP@"
    body = envelope(run).replace(b'"@DEEP@"', nested_json(depth))
    scripted.script(Reply(200, body, {"Content-Type": "application/json"}))
    answer = viewer.test_client().get(VIEWS[view])
    text = assert_harmless(answer, view)
    assert answer.status_code == 200, text[:500]
    if view.startswith("raw") and depth > MAX_DEPTH:
        assert depth_note() in text
    if view == "step panel" and depth > TREE_DEPTH:
        assert f"nested deeper than {TREE_DEPTH} levels" in text


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_body_over_the_size_cap_is_a_clear_502(
    viewer: Flask, scripted: ScriptedUpstream, view: str
) -> None:
    assert viewer.config["VIEWER_SETTINGS"].max_body_bytes == 16 * 1024 * 1024
    scripted.script(Reply(200, BIG_BODY))
    answer = viewer.test_client().get(VIEWS[view])
    body = assert_harmless(answer, view)
    assert answer.status_code == 502
    assert "larger than the viewer accepts" in body


@pytest.mark.parametrize(
    "reply",
    [
        Reply(200, b"<html><script>alert(1)</script></html>", {"Content-Type": "text/html"}),
        Reply(502, b"<html><script>alert(1)</script></html>", {"Content-Type": "text/html"}),
        Reply(404, json.dumps({"code": 404, "message": HOSTILE, "requestId": HOSTILE}).encode()),
        Reply(403, json.dumps({"code": 403, "message": HOSTILE, "requestId": HOSTILE}).encode()),
        Reply(500, json.dumps({"code": 500, "message": HOSTILE, "requestId": HOSTILE}).encode()),
        Reply(200, b"", {"X-Request-Id": HOSTILE.encode("ascii", "ignore").decode()[:150]}),
        Reply(200, json.dumps({"code": 200, "requestId": HOSTILE, "data": HOSTILE}).encode()),
        Reply(200, json.dumps([HOSTILE]).encode()),
        Reply(200, b"\xff\xfe<script>alert(1)</script>"),
        Reply(418, HOSTILE.encode()),
    ],
    ids=[
        "html-200",
        "html-502",
        "404",
        "403",
        "500",
        "empty-with-header-id",
        "data-is-text",
        "envelope-is-list",
        "not-utf8",
        "teapot",
    ],
)
@pytest.mark.parametrize("view", sorted(VIEWS))
def test_hostile_error_answers(
    viewer: Flask, scripted: ScriptedUpstream, reply: Reply, view: str
) -> None:
    scripted.script(reply)
    answer = viewer.test_client().get(VIEWS[view])
    assert_harmless(answer, view)
    assert answer.status_code in (403, 404, 502, 503)


# ---- the wrong type in every field --------------------------------------------------------------

WRONG_VALUES: list[Any] = [None, True, -1.5, 1e308, "", HOSTILE, [1, "a", None, {}], {"a": [{}]}]


def paths_in(run: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    """Every key path of the run (objects only; list items through their index)."""

    def walk(value: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield (*path, key)
                yield from walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value[:2]):
                yield (*path, str(index))
                yield from walk(item, (*path, str(index)))

    yield from walk(run, ())


def with_value(run: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(run)
    holder: Any = changed
    for part in path[:-1]:
        holder = holder[int(part)] if isinstance(holder, list) else holder[part]
    last = path[-1]
    if isinstance(holder, list):
        holder[int(last)] = value
    else:
        holder[last] = value
    return changed


BASE_RUN = hostile_run(text="plain text", status="failure")
DEEPER_FIELDS = (
    ("workflowDefinition", "inputSchema", "0"),
    ("workflowDefinition", "nodes", "root"),
    ("workflowDefinition", "nodes", STEP),
    ("executionState", STEP, "error"),
    ("executionState", STEP, "logs"),
    ("executionState", STEP, "transactionHash"),
)
FIELD_PATHS = [path for path in paths_in(BASE_RUN) if len(path) <= 3 or path[:3] in DEEPER_FIELDS]


@pytest.mark.parametrize("path", FIELD_PATHS, ids=["/".join(path)[:60] for path in FIELD_PATHS])
def test_wrong_type_in_every_field(
    viewer: Flask, scripted: ScriptedUpstream, path: tuple[str, ...]
) -> None:
    client = viewer.test_client()
    for value in WRONG_VALUES:
        serve(scripted, with_value(BASE_RUN, path, value))
        for view in ("page with step", "graph", "raw step"):
            answer = client.get(VIEWS[view])
            where = f"{view} with {'/'.join(path)} = {value!r:.40}"
            body = assert_harmless(answer, where, parse=value == HOSTILE)
            assert answer.status_code in (200, 404), f"{where}: {body[:300]}"
