"""Sign-out ends the session on the server (everywhere, with Redis), and the sign-in rate limit
counts per person behind a trusted proxy and across instances."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import RecordingTransport
from tests.functional.test_auth_token import (
    CSRF,
    RUN_LINK,
    csrf_of,
    query_of,
    sign_in,
    token_mode_app,
)
from tests.support.redis import RedisServer
from viewer.auth.identity import client_address, trusted_networks

SESSION = "viewer_session"


def sign_out(client: FlaskClient) -> None:
    page = client.get(RUN_LINK).get_data(as_text=True)
    match = CSRF.search(page)
    assert match
    assert client.post("/signout", data={"csrf_token": match.group(1)}).status_code == 303


def copy_session(source: FlaskClient, target: FlaskClient) -> None:
    cookie = source.get_cookie(SESSION)
    assert cookie is not None
    target.set_cookie(SESSION, cookie.value)


def instances(
    make_app: Callable[..., Flask], upstream: RecordingTransport, redis_server: RedisServer
) -> tuple[Flask, Flask]:
    """Two viewer instances in token mode sharing one Redis."""
    one, two = (token_mode_app(make_app, upstream, redis_url=redis_server.url) for _ in range(2))
    return one, two


def refused_as_signed_out(client: FlaskClient) -> bool:
    answer = client.get(RUN_LINK)
    return answer.status_code == 302 and query_of(answer.headers["Location"]).get("reason") == [
        "signed_out"
    ]


def test_a_copied_cookie_stops_working_at_sign_out(
    make_app: Callable[..., Flask], upstream: RecordingTransport
) -> None:
    app = token_mode_app(make_app, upstream)
    person, thief = app.test_client(), app.test_client()
    assert sign_in(person).status_code == 303
    copy_session(person, thief)
    assert thief.get(RUN_LINK).status_code == 200
    sign_out(person)
    assert refused_as_signed_out(thief)
    assert sign_in(person).status_code == 303, "signing in again makes a new session"
    assert person.get(RUN_LINK).status_code == 200


def test_with_redis_a_sign_out_on_one_instance_holds_on_every_other(
    make_app: Callable[..., Flask], upstream: RecordingTransport, redis_server: RedisServer
) -> None:
    one, two = instances(make_app, upstream, redis_server)
    person, copy = one.test_client(), two.test_client()
    sign_in(person)
    copy_session(person, copy)
    assert copy.get(RUN_LINK).status_code == 200, "instances share VIEWER_SECRET_KEY"
    sign_out(person)
    assert refused_as_signed_out(copy)
    keys = [key.decode() for key in redis_server.client().keys("run-viewer:signed-out:*")]
    assert len(keys) == 1
    assert 0 < redis_server.client().ttl(keys[0]) <= 12 * 3600 + 1


def test_sign_outs_made_while_redis_is_down_reach_it_when_it_is_back(
    make_app: Callable[..., Flask], upstream: RecordingTransport, redis_server: RedisServer
) -> None:
    one, two = instances(make_app, upstream, redis_server)
    person, copy = one.test_client(), two.test_client()
    sign_in(person)
    copy_session(person, copy)
    redis_server.stop()
    sign_out(person)  # instance one finds Redis down, and keeps the sign-out to share later
    redis_server.start()
    store = one.extensions["redis"]
    store.clock = lambda: time.monotonic() + 60  # past the pause it gives a Redis that failed
    someone = one.test_client()
    sign_in(someone)
    assert someone.get(RUN_LINK).status_code == 200  # a request that checks sign-outs
    assert refused_as_signed_out(copy)


def test_behind_a_trusted_proxy_the_limit_counts_each_person(
    make_app: Callable[..., Flask], upstream: RecordingTransport
) -> None:
    app = token_mode_app(make_app, upstream)  # the test client connects from 127.0.0.1, trusted
    client = app.test_client()
    token = csrf_of(client)

    def attempt(forwarded_for: str) -> int:
        headers = {"X-Forwarded-For": forwarded_for}
        data = {"csrf_token": token, "token": "bad"}
        return client.post("/signin", data=data, headers=headers).status_code

    assert {attempt("203.0.113.9, 198.51.100.1") for _ in range(10)} == {400}
    assert attempt("198.51.100.1") == 429
    assert attempt("198.51.100.2") == 400, "another person behind the same proxy"


def test_an_untrusted_client_cannot_pick_its_address(
    make_app: Callable[..., Flask], upstream: RecordingTransport
) -> None:
    client = token_mode_app(make_app, upstream).test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.50"
    token = csrf_of(client)
    statuses = [
        client.post(
            "/signin",
            data={"csrf_token": token, "token": "bad"},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_with_redis_the_limit_counts_across_instances_and_survives_redis_going_away(
    make_app: Callable[..., Flask], upstream: RecordingTransport, redis_server: RedisServer
) -> None:
    apps = instances(make_app, upstream, redis_server)
    clients = [app.test_client() for app in apps]
    tokens = [csrf_of(client) for client in clients]

    def attempt(n: int) -> int:
        data = {"csrf_token": tokens[n], "token": "bad"}
        return clients[n].post("/signin", data=data).status_code

    assert [attempt(n % 2) for n in range(10)] == [400] * 10
    assert attempt(0) == 429
    assert attempt(1) == 429
    redis_server.stop()
    assert attempt(0) == 400, "without Redis each instance counts on its own, and answers"
    assert sign_in(clients[1]).status_code == 303
    assert clients[1].get(RUN_LINK).status_code == 200


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("192.0.2.1", "198.51.100.7", "192.0.2.1"),
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7, 10.0.0.2", "198.51.100.7"),
        ("127.0.0.1", "not-an-ip, 10.0.0.2", "10.0.0.2"),
        ("127.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),
        ("::1", "2001:db8::5", "2001:db8::5"),
    ],
)
def test_client_address(remote: str, forwarded: str | None, expected: str) -> None:
    networks = trusted_networks(["127.0.0.1/32", "::1/128", "10.0.0.0/8"])
    assert client_address(remote, forwarded, networks) == expected
