"""Shared fixtures: the demo upstream in-process and on loopback, apps built on either."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

from tests.support.redis import RedisServer
from tests.support.servers import ScriptedUpstream, serve_wsgi
from viewer import create_app
from viewer.config import Settings
from viewer.demo.api import DEMO_TOKEN, create_demo_api

# Property tests check behaviour, not speed: no per-example deadline a loaded machine could miss.
settings.register_profile("behaviour", deadline=None)
settings.load_profile("behaviour")

TEST_SETTINGS = Settings(
    secret_key="test-secret-key-0123456789abcdef",
    retry_deadline=3.0,
    connect_timeout=1.0,
    read_timeout=1.0,
)


class RecordingTransport(httpx.WSGITransport):
    """The demo API through httpx's WSGI transport, remembering every request it carried."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return super().handle_request(request)


@pytest.fixture
def demo_api() -> Flask:
    return create_demo_api(token=DEMO_TOKEN)


@pytest.fixture
def upstream(demo_api: Flask) -> RecordingTransport:
    return RecordingTransport(demo_api)


@pytest.fixture
def make_app(upstream: RecordingTransport) -> Callable[..., Flask]:
    """Build a viewer on the in-process demo API; keyword arguments override settings."""

    def build(
        transport: httpx.BaseTransport | None = None, *, demo: bool = False, **overrides: Any
    ) -> Flask:
        """`demo=True` leaves RUNS_API_URL unset, so the app serves its own demo runs."""
        settings = replace(TEST_SETTINGS, **overrides)
        if transport is None and settings.runs_api_url is None and not demo:
            settings = replace(settings, runs_api_url="http://demo.test", runs_api_token=DEMO_TOKEN)
            transport = upstream
        app = create_app(settings, transport=transport)
        app.config["TESTING"] = True
        return app

    return build


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def scripted() -> Iterator[ScriptedUpstream]:
    with ScriptedUpstream() as server:
        yield server


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """Debian's redis-server, started for this test alone on a free loopback port."""
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def demo_server(demo_api: Flask) -> Iterator[str]:
    """The demo runs API on a real loopback socket."""
    with serve_wsgi(demo_api) as url:
        yield url


def envelope(data: Any, code: int = 200, request_id: str = "req-test") -> bytes:
    return json.dumps(
        {"code": code, "message": "success", "requestId": request_id, "data": data}
    ).encode()
