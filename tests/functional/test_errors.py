"""Every error a person can meet is a readable page or panel with the right status and ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import RecordingTransport, envelope
from tests.support.servers import Reply, ScriptedUpstream, free_port

TOKEN = "upstream-secret-token-42"
RUN = {"id": "run_1", "status": "success", "workflowId": "wf"}


@pytest.fixture
def scripted_app(make_app: Callable[..., Flask], scripted: ScriptedUpstream) -> Flask:
    return make_app(runs_api_url=scripted.url, runs_api_token=TOKEN, read_timeout=0.3)


def page_of(app: Flask, path: str) -> tuple[int, str]:
    answer = app.test_client().get(path)
    return answer.status_code, answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/runs/bad%20id", "/runs/%3Cscript%3E", "/runs/-x", "/runs/" + "x" * 200]
)
def test_malformed_id_is_400_without_upstream_call(
    app: Flask, upstream: RecordingTransport, path: str
) -> None:
    status, html = page_of(app, path)
    assert status == 400
    assert "That is not a valid id" in html
    assert "Traceback" not in html
    assert upstream.requests == []


def test_malformed_step_is_400(app: Flask, upstream: RecordingTransport) -> None:
    status, html = page_of(app, "/_fragments/runs/run_8fd21b6c07/steps/a,b")
    assert status == 400
    assert 'class="error-panel"' in html
    assert "<html" not in html, "a fragment error is never a full page"
    assert upstream.requests == []


def test_unknown_run_is_404_with_request_id(app: Flask) -> None:
    status, html = page_of(app, "/runs/run_missing")
    assert status == 404
    assert "Run not found" in html
    assert "run_missing" in html
    assert "req-" in html, "the upstream requestId is shown"


def test_unknown_step_is_404_panel(app: Flask) -> None:
    status, html = page_of(app, "/_fragments/runs/run_8fd21b6c07/steps/nope")
    assert status == 404
    assert "Step not found" in html
    assert "<html" not in html


def test_unknown_page_is_404(app: Flask) -> None:
    status, html = page_of(app, "/nowhere")
    assert status == 404
    assert "Page not found" in html


def test_unauthorized_viewer_explains_for_support(
    scripted_app: Flask, scripted: ScriptedUpstream
) -> None:
    body = json.dumps({"code": 401, "message": "unauthorized", "requestId": "req-auth-1"})
    scripted.script(Reply(401, body.encode()))
    status, html = page_of(scripted_app, "/runs/run_1")
    assert status == 502
    assert "not allowed to read this run" in html
    assert "req-auth-1" in html
    assert TOKEN not in html


def test_forbidden_is_403(scripted_app: Flask, scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(403, b'{"code": 403, "message": "forbidden", "requestId": "req-f"}'))
    status, html = page_of(scripted_app, "/runs/run_1")
    assert status == 403
    assert "req-f" in html


def test_upstream_down_is_503_with_retry(make_app: Callable[..., Flask]) -> None:
    app = make_app(runs_api_url=f"http://127.0.0.1:{free_port()}", runs_api_token=TOKEN)
    status, html = page_of(app, "/runs/run_1")
    assert status == 503
    assert "not answering" in html
    assert 'href="/runs/run_1"' in html and "Try again" in html


def test_slow_upstream_is_504(scripted_app: Flask, scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(200, envelope(RUN), delay=1.0))
    status, html = page_of(scripted_app, "/runs/run_1")
    assert status == 504
    assert "too slow" in html
    assert "Try again" in html


def test_503_then_200_is_retried_quietly(scripted_app: Flask, scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(503), Reply(200, envelope(RUN)))
    status, _ = page_of(scripted_app, "/runs/run_1")
    assert status == 200
    paths = [request["path"] for request in scripted.requests]
    assert paths == ["/v1/runs/run_1?summary=true"] * 2 + ["/v1/runs/run_1"], "then the full read"


def test_500_then_200_after_try_again(scripted_app: Flask, scripted: ScriptedUpstream) -> None:
    """A 500 is not retried (it may not be passing); the page offers Try again, which works."""
    scripted.script(
        Reply(500, b'{"code": 500, "message": "boom", "requestId": "req-500"}'),
        Reply(200, envelope(RUN)),
    )
    status, html = page_of(scripted_app, "/runs/run_1")
    assert status == 503
    assert "req-500" in html
    assert "Try again" in html
    assert len(scripted.requests) == 1
    status, _ = page_of(scripted_app, "/runs/run_1")
    assert status == 200


def test_html_instead_of_json_is_502(scripted_app: Flask, scripted: ScriptedUpstream) -> None:
    scripted.script(
        Reply(200, b"<html><h1>Gateway</h1></html>", headers={"X-Request-Id": "proxy-9"})
    )
    status, html = page_of(scripted_app, "/runs/run_1")
    assert status == 502
    assert "not JSON" in html
    assert "proxy-9" in html
    assert "<h1>Gateway</h1>" not in html


def test_body_over_cap_is_502(make_app: Callable[..., Flask], scripted: ScriptedUpstream) -> None:
    app = make_app(runs_api_url=scripted.url, runs_api_token=TOKEN, max_body_bytes=50_000)
    scripted.script(Reply(200, envelope({**RUN, "blob": "x" * 200_000})))
    status, html = page_of(app, "/runs/run_1")
    assert status == 502
    assert "larger than the viewer accepts" in html


def test_fragment_errors_are_panels(scripted_app: Flask, scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(503))
    for path in ("/_fragments/runs/run_1/graph", "/_fragments/runs/run_1/steps/a"):
        status, html = page_of(scripted_app, path)
        assert status == 503
        assert 'class="error-panel"' in html
        assert "Try again" in html
        assert "<html" not in html


def test_raw_json_errors_are_json(scripted_app: Flask, scripted: ScriptedUpstream) -> None:
    scripted.script(Reply(404, b'{"code": 404, "message": "nope", "requestId": "req-j"}'))
    answer = scripted_app.test_client().get("/runs/run_1.json")
    assert answer.status_code == 404
    assert answer.json["requestId"] == "req-j"


def test_token_absent_from_pages_and_logs(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(runs_api_url=scripted.url, runs_api_token=TOKEN, cache_final_seconds=0)
    caplog.set_level(logging.DEBUG)
    sent = []
    for reply in (Reply(200, envelope(RUN)), Reply(401), Reply(500), Reply(200, b"garbage")):
        scripted.script(reply)
        for path in ("/runs/run_1", "/runs/run_1.json", "/_fragments/runs/run_1/graph"):
            answer = app.test_client().get(path)
            assert TOKEN not in answer.get_data(as_text=True)
            assert TOKEN not in str(answer.headers)
        sent += scripted.requests
    assert len(sent) >= 12
    assert all(request["Authorization"] == f"Bearer {TOKEN}" for request in sent)
    assert TOKEN not in caplog.text


def test_a_bug_is_a_readable_500_without_traceback(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", view_func=broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    status, html = page_of(app, "/broken")
    assert status == 500
    assert "Something went wrong" in html
    assert "Viewer request id" in html
    assert "secret internals" not in html
    assert "Traceback" not in html
    assert "secret internals" in caplog.text, "the error is logged, not swallowed"


def test_an_unknown_fragment_address_answers_a_fragment(client: FlaskClient) -> None:
    answer = client.get("/_fragments/no/such/thing")
    assert answer.status_code == 404
    assert "<html" not in answer.get_data(as_text=True)
