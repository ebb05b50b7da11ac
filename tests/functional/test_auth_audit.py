"""The audit log: one JSON line per run page, step panel and raw JSON view, naming who looked."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable

import pytest
from flask import Flask

from tests.conftest import RecordingTransport
from viewer.demo.api import DEMO_TOKEN

RUN = "run_8fd21b6c07"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "viewer.audit"]


@pytest.fixture
def audit_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="viewer.audit")
    return caplog


@pytest.mark.parametrize(
    ("path", "view", "steps", "status"),
    [
        (f"/runs/{RUN}", "pages.run_page", [], 200),
        (f"/runs/{RUN}?node=swap", "pages.run_page", ["swap"], 200),
        (f"/_fragments/runs/{RUN}/steps/swap", "fragments.step", ["swap"], 200),
        (
            f"/_fragments/runs/{RUN}/steps?ids=swap,bridge",
            "fragments.steps",
            ["swap", "bridge"],
            200,
        ),
        (f"/runs/{RUN}.json", "raw.run_json", [], 200),
        (f"/runs/{RUN}/steps/swap.json", "raw.step_json", ["swap"], 200),
        ("/runs/run_missing", "pages.run_page", [], 404),
        (f"/_fragments/runs/{RUN}/steps/nope", "fragments.step", ["nope"], 404),
    ],
)
def test_one_line_per_view(
    app: Flask,
    audit_log: pytest.LogCaptureFixture,
    path: str,
    view: str,
    steps: list[str],
    status: int,
) -> None:
    assert app.test_client().get(path).status_code == status
    [line] = audit_lines(audit_log)
    assert line["event"] == "run_viewed"
    assert line["view"] == view
    assert line["who"] == "anonymous"
    assert line["run_id"] == ("run_missing" if "missing" in path else RUN)
    assert line["step_ids"] == steps
    assert line["status"] == status
    assert re.fullmatch(r"[0-9a-f]{16}", line["viewer_request_id"])
    assert line["at"].endswith("+00:00")


@pytest.mark.parametrize(
    "path", ["/", "/healthz", f"/_fragments/runs/{RUN}/graph", f"/_fragments/runs/{RUN}/live"]
)
def test_other_requests_are_not_audited(
    app: Flask, audit_log: pytest.LogCaptureFixture, path: str
) -> None:
    app.test_client().get(path)
    assert audit_lines(audit_log) == []


@pytest.mark.parametrize(
    "path", [f"/runs/{RUN}", f"/runs/{RUN}.json", f"/runs/{RUN}/steps/swap.json"]
)
def test_organization_comes_from_the_run_read(
    app: Flask, audit_log: pytest.LogCaptureFixture, path: str
) -> None:
    app.test_client().get(path)
    [line] = audit_lines(audit_log)
    assert line["organization_id"] == "org_acme"


def test_a_new_route_of_an_audited_blueprint_is_audited(
    app: Flask, audit_log: pytest.LogCaptureFixture
) -> None:
    app.add_url_rule("/runs/<run_id>/new", "pages.new_page", lambda run_id: "a new page")
    app.test_client().get(f"/runs/{RUN}/new")
    assert [line["view"] for line in audit_lines(audit_log)] == ["pages.new_page"]


def test_proxy_mode_names_the_email(
    make_app: Callable[..., Flask], audit_log: pytest.LogCaptureFixture
) -> None:
    client = make_app(auth_mode="proxy").test_client()
    client.get(f"/runs/{RUN}", headers={"X-Auth-Request-Email": "ada@example.com"})
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    client.get(f"/runs/{RUN}", headers={"X-Auth-Request-Email": "boss@example.com"})
    lines = audit_lines(audit_log)
    assert [(line["who"], line["status"]) for line in lines] == [
        ("ada@example.com", 200),
        ("anonymous", 401),
    ]


def test_token_mode_names_a_hash_of_the_token(
    make_app: Callable[..., Flask], upstream: RecordingTransport, audit_log
) -> None:
    app = make_app(
        transport=upstream, runs_api_url="http://demo.test", runs_api_token=None, auth_mode="token"
    )
    client = app.test_client()
    csrf = CSRF.search(client.get("/signin").get_data(as_text=True)).group(1)
    client.post("/signin", data={"csrf_token": csrf, "token": DEMO_TOKEN})
    client.get(f"/runs/{RUN}?node=swap")
    [line] = audit_lines(audit_log)
    assert re.fullmatch(r"token:[0-9a-f]{12}", line["who"])
    assert DEMO_TOKEN not in json.dumps(line)


def test_hostile_ids_stay_one_escaped_line(app: Flask, audit_log) -> None:
    app.test_client().get(f"/runs/{RUN}", query_string={"node": "a\nFAKE line\r\x1b[31m"})
    [record] = [r for r in audit_log.records if r.name == "viewer.audit"]
    message = record.getMessage()
    assert "\n" not in message and "\r" not in message and "\x1b" not in message
    assert json.loads(message)["step_ids"] == ["a\nFAKE line\r\x1b[31m"]
    assert json.loads(message)["status"] == 400
