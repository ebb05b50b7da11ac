"""VIEWER_AUTH=proxy: identity from the sign-in proxy's header, and only from the proxy."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from urllib.parse import urlsplit

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from waitress.server import create_server

from tests.conftest import TEST_SETTINGS, RecordingTransport
from tests.support.servers import serve_wsgi
from viewer import create_app
from viewer.demo.api import DEMO_TOKEN, create_demo_api

RUN = "run_8fd21b6c07"
HEADER = "X-Auth-Request-Email"
PROXY = "127.0.0.1"
SIGN_IN_REQUIRED = "Open the viewer through the company sign-in"


@pytest.fixture
def proxy_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(auth_mode="proxy", allowed_email_domains=("example.com",))


def client_from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_trusted_proxy_header_signs_in(proxy_app: Flask, upstream: RecordingTransport) -> None:
    answer = client_from(proxy_app, PROXY).get(f"/runs/{RUN}", headers={HEADER: "ada@example.com"})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert '<span class="account-name">ada@example.com</span>' in html
    assert "Sign out" not in html, "the proxy owns sign-out"
    assert all(r.headers["Authorization"] == "Bearer demo-token" for r in upstream.requests)


@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.1", "127.0.0.2", "::2"])
def test_header_from_an_untrusted_address_is_ignored(
    proxy_app: Flask, upstream: RecordingTransport, address: str, caplog
) -> None:
    answer = client_from(proxy_app, address).get(
        f"/runs/{RUN}", headers={HEADER: "boss@example.com"}
    )
    assert answer.status_code == 401
    html = answer.get_data(as_text=True)
    assert "Sign-in required" in html and SIGN_IN_REQUIRED in html
    assert "boss@example.com" not in html
    assert upstream.requests == []
    assert any("refused the X-Auth-Request-Email header" in r.getMessage() for r in caplog.records)


def test_forwarded_for_is_not_trusted(proxy_app: Flask) -> None:
    answer = client_from(proxy_app, "203.0.113.9").get(
        f"/runs/{RUN}",
        headers={HEADER: "ada@example.com", "X-Forwarded-For": PROXY, "X-Real-IP": PROXY},
    )
    assert answer.status_code == 401


def test_no_header_from_the_proxy_is_401(proxy_app: Flask) -> None:
    answer = client_from(proxy_app, PROXY).get(f"/runs/{RUN}")
    assert answer.status_code == 401
    assert SIGN_IN_REQUIRED in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "value", ["", "   ", "ada", "ada@example.com, eve@example.com", "<b>@example.com"]
)
def test_unusable_header_values_are_401(proxy_app: Flask, value: str) -> None:
    answer = client_from(proxy_app, PROXY).get(f"/runs/{RUN}", headers={HEADER: value})
    assert answer.status_code == 401


def test_domain_outside_the_allow_list_is_403(
    proxy_app: Flask, upstream: RecordingTransport
) -> None:
    answer = client_from(proxy_app, PROXY).get(f"/runs/{RUN}", headers={HEADER: "eve@evil.test"})
    assert answer.status_code == 403
    html = answer.get_data(as_text=True)
    assert "This account may not use the viewer" in html
    assert "example.com" in html
    assert upstream.requests == []


def test_any_domain_without_an_allow_list(make_app: Callable[..., Flask]) -> None:
    client = client_from(make_app(auth_mode="proxy"), PROXY)
    assert client.get("/", headers={HEADER: "eve@anything.test"}).status_code == 200


def test_custom_header_and_trusted_network(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        auth_mode="proxy", proxy_header="X-Forwarded-Email", trusted_proxies=("10.8.0.0/16",)
    )
    inside, outside = client_from(app, "10.8.3.4"), client_from(app, "10.9.0.1")
    assert inside.get("/", headers={"X-Forwarded-Email": "ada@example.com"}).status_code == 200
    assert inside.get("/", headers={HEADER: "ada@example.com"}).status_code == 401
    assert outside.get("/", headers={"X-Forwarded-Email": "ada@example.com"}).status_code == 401


def test_fragment_without_identity_is_a_panel(proxy_app: Flask) -> None:
    answer = client_from(proxy_app, "203.0.113.9").get(
        f"/_fragments/runs/{RUN}/graph", headers={HEADER: "ada@example.com", "HX-Request": "true"}
    )
    assert answer.status_code == 401
    html = answer.get_data(as_text=True)
    assert 'class="error-panel"' in html and "<html" not in html


@pytest.mark.parametrize("path", ["/healthz", "/static/app.css"])
def test_health_and_static_need_no_identity(proxy_app: Flask, path: str) -> None:
    assert client_from(proxy_app, "203.0.113.9").get(path).status_code == 200


# ---- real servers: what arrives when a client sends an underscore variant --------------------


@contextmanager
def serve_with_waitress(app: Flask) -> Iterator[str]:
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.task_dispatcher.shutdown()
        # Close every channel from inside the server's own loop, which then ends: closing them
        # from here would pull sockets out from under a select() in progress.
        server.trigger.pull_trigger(
            lambda: [channel.close() for channel in list(server._map.values())]
        )
        thread.join(5)


SERVERS = {"werkzeug": serve_wsgi, "waitress": serve_with_waitress}


def raw_get(base: str, path: str, headers: list[tuple[str, str]]) -> tuple[int, str]:
    """One GET with exactly these header lines (names as given, repeats allowed)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("GET", path)
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read().decode()
    finally:
        connection.close()


@pytest.fixture(scope="module", params=sorted(SERVERS))
def served_proxy_app(request: pytest.FixtureRequest) -> Iterator[str]:
    """The viewer in proxy mode behind a real server (each kind started once for the module)."""
    settings = replace(
        TEST_SETTINGS,
        auth_mode="proxy",
        runs_api_url="http://demo.test",
        runs_api_token=DEMO_TOKEN,
        allowed_email_domains=("example.com",),
    )
    app = create_app(settings, transport=httpx.WSGITransport(app=create_demo_api()))
    with SERVERS[request.param](app) as base:
        yield base


@pytest.mark.parametrize(
    ("headers", "status", "who"),
    [
        ([(HEADER, "ada@example.com")], 200, "ada@example.com"),
        ([("X_Auth_Request_Email", "boss@example.com")], 401, None),
        ([("x_auth_request_email", "boss@example.com")], 401, None),
        ([("X-Auth_Request-Email", "boss@example.com")], 401, None),
        ([(HEADER, "ada@example.com"), ("X_Auth_Request_Email", "boss@example.com")], 200, "ada@"),
        ([("X_Auth_Request_Email", "boss@example.com"), (HEADER, "ada@example.com")], 200, "ada@"),
        ([(HEADER, "boss@example.com"), (HEADER, "ada@example.com")], 401, None),
    ],
)
def test_underscore_and_repeated_headers_on_real_servers(
    served_proxy_app: str, headers: list[tuple[str, str]], status: int, who: str | None
) -> None:
    got, html = raw_get(served_proxy_app, f"/runs/{RUN}", headers)
    assert got == status
    assert "boss@example.com" not in html
    if who:
        assert who in html


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (f"/runs/{RUN}", "text/html"),
        (f"/runs/{RUN}.json", "application/json"),
        (f"/runs/{RUN}/steps/swap.json", "application/json"),
        (f"/_fragments/runs/{RUN}/steps/swap", "text/html"),
    ],
)
def test_a_refusal_answers_in_the_kind_of_the_route(proxy_app: Flask, path: str, kind: str) -> None:
    answer = proxy_app.test_client().get(path)
    assert answer.status_code == 401
    assert answer.mimetype == kind
    body = answer.get_data(as_text=True)
    if kind == "application/json":
        assert answer.get_json()["code"] == 401
    elif path.startswith("/_fragments/"):
        assert "<html" not in body
        assert 'class="error-panel' in body
    else:
        assert "<html" in body
