"""VIEWER_AUTH=token: each person signs in with their own runs API token."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, Request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import RecordingTransport, envelope
from tests.support.servers import Reply, ScriptedUpstream, serve_wsgi
from viewer.demo.api import DEMO_TOKEN

RUN = "run_8fd21b6c07"
STEP = "swap"
RUN_LINK = f"/runs/{RUN}?node={STEP}"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
FRAGMENT_HEADERS = {"HX-Request": "true", "HX-Current-URL": f"http://localhost{RUN_LINK}"}


@pytest.fixture
def token_app(make_app: Callable[..., Flask], upstream: RecordingTransport) -> Flask:
    """Token mode on the demo API, with no server token to fall back on."""
    return make_app(
        transport=upstream, runs_api_url="http://demo.test", runs_api_token=None, auth_mode="token"
    )


@pytest.fixture
def browser(token_app: Flask) -> FlaskClient:
    return token_app.test_client()


def csrf_of(client: FlaskClient) -> str:
    match = CSRF.search(client.get("/signin").get_data(as_text=True))
    assert match, "the sign-in form carries a CSRF token"
    return match.group(1)


def sign_in(client: FlaskClient, token: str = DEMO_TOKEN, next_path: str = "/") -> TestResponse:
    return client.post(
        "/signin", data={"csrf_token": csrf_of(client), "token": token, "next": next_path}
    )


def query_of(location: str) -> dict[str, list[str]]:
    parts = urlsplit(location)
    assert parts.path == "/signin"
    return parse_qs(parts.query)


def set_cookies(answer: TestResponse) -> list[str]:
    return answer.headers.getlist("Set-Cookie")


def session_cookie(answer: TestResponse, name: str = "viewer_session") -> str:
    found = [cookie for cookie in set_cookies(answer) if cookie.startswith(f"{name}=")]
    assert len(found) == 1, set_cookies(answer)
    return found[0]


# ---- the shareable link, signed out and back -------------------------------------------------


def test_run_link_goes_through_sign_in_and_back_to_the_step(
    browser: FlaskClient, upstream: RecordingTransport
) -> None:
    first = browser.get(RUN_LINK)
    assert first.status_code == 302
    assert query_of(first.headers["Location"]) == {"next": [RUN_LINK]}
    assert upstream.requests == [], "nothing is read before sign-in"

    form = browser.get(first.headers["Location"])
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert f'name="next" value="/runs/{RUN}?node={STEP}"' in html
    assert 'type="password"' in html

    signed_in = browser.post(
        "/signin",
        data={"csrf_token": CSRF.search(html).group(1), "token": DEMO_TOKEN, "next": RUN_LINK},
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["Location"] == RUN_LINK

    page = browser.get(signed_in.headers["Location"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'class="step-detail" data-step-id="swap"' in html
    assert "Sign out" in html
    assert upstream.requests
    assert {r.headers["Authorization"] for r in upstream.requests} == {f"Bearer {DEMO_TOKEN}"}


def test_sign_in_without_next_goes_home(browser: FlaskClient) -> None:
    answer = sign_in(browser)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"
    assert browser.get("/").status_code == 200


@pytest.mark.parametrize(
    "evil",
    [
        "//evil.test/runs/x",
        "/\\evil.test",
        "https://evil.test/",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "/\t/evil.test",
        "http:evil.test",
        "\\\\evil.test",
    ],
)
def test_open_redirects_are_refused(browser: FlaskClient, evil: str) -> None:
    form = browser.get("/signin", query_string={"next": evil}).get_data(as_text=True)
    assert 'name="next" value="/"' in form
    answer = sign_in(browser, next_path=evil)
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/"


def test_sign_in_page_reasons_are_fixed_words_not_reflected(browser: FlaskClient) -> None:
    html = browser.get("/signin?reason=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" not in html, "unknown reasons are not shown at all"
    refused = browser.get("/signin?reason=refused").get_data(as_text=True)
    assert "Your runs API token was refused; sign in again" in refused


# ---- the session cookie ----------------------------------------------------------------------


def test_session_cookie_over_http(browser: FlaskClient) -> None:
    cookie = session_cookie(sign_in(browser))
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert "max-age=43200" in attributes
    assert "secure" not in attributes
    assert not any(part.startswith("domain=") for part in attributes)
    assert DEMO_TOKEN not in cookie


def test_session_cookie_over_https_is_host_prefixed_and_secure(
    token_app: Flask, browser: FlaskClient
) -> None:
    token_app.config["PREFERRED_URL_SCHEME"] = "https"
    cookie = session_cookie(sign_in(browser), "__Host-viewer_session")
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= set(attributes)
    assert not any(part.startswith("domain=") for part in attributes)
    assert browser.get(RUN_LINK).status_code == 200


def token_mode_app(
    make_app: Callable[..., Flask], upstream: RecordingTransport, **overrides: Any
) -> Flask:
    """A viewer in token mode on the in-process demo API, with these settings changed."""
    return make_app(
        transport=upstream,
        runs_api_url="http://demo.test",
        runs_api_token=None,
        auth_mode="token",
        **overrides,
    )


def test_behind_https_setting_secures_cookies(
    make_app: Callable[..., Flask], upstream: RecordingTransport
) -> None:
    client = token_mode_app(make_app, upstream, behind_https=True).test_client()
    cookie = session_cookie(sign_in(client), "__Host-viewer_session")
    assert "Secure" in cookie
    assert "Strict-Transport-Security" in client.get("/").headers


def test_session_hours_setting_sets_max_age(
    make_app: Callable[..., Flask], upstream: RecordingTransport
) -> None:
    app = token_mode_app(make_app, upstream, session_hours=1.5)
    assert "Max-Age=5400" in session_cookie(sign_in(app.test_client()))


def test_tampered_cookie_is_signed_out(browser: FlaskClient) -> None:
    sign_in(browser)
    sealed = browser.get_cookie("viewer_session").value
    browser.set_cookie("viewer_session", sealed[:-4] + "AAAA")
    answer = browser.get(RUN_LINK)
    assert answer.status_code == 302
    assert query_of(answer.headers["Location"])["reason"] == ["expired"]


def test_cookie_from_another_secret_is_refused(
    make_app: Callable[..., Flask], upstream: RecordingTransport, browser: FlaskClient
) -> None:
    sign_in(browser)
    sealed = browser.get_cookie("viewer_session").value
    other = make_app(
        transport=upstream,
        runs_api_url="http://demo.test",
        auth_mode="token",
        secret_key="another-secret-key-entirely",
    ).test_client()
    other.set_cookie("viewer_session", sealed)
    assert other.get(RUN_LINK).status_code == 302


# ---- expiry ----------------------------------------------------------------------------------


def expire_sessions(app: Flask) -> None:
    app.extensions["viewer_auth"].box.clock = lambda: time.time() + 13 * 3600


def test_expired_session_on_a_page_goes_to_sign_in(token_app: Flask, browser: FlaskClient) -> None:
    sign_in(browser)
    expire_sessions(token_app)
    answer = browser.get(RUN_LINK)
    assert answer.status_code == 302
    assert query_of(answer.headers["Location"]) == {"next": [RUN_LINK], "reason": ["expired"]}
    cleared = session_cookie(answer)
    assert "Max-Age=0" in cleared or "1970" in cleared
    form = browser.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Your session has ended — sign in again" in form


@pytest.mark.parametrize(
    "path",
    [
        f"/_fragments/runs/{RUN}/graph",
        f"/_fragments/runs/{RUN}/steps/{STEP}",
        f"/_fragments/runs/{RUN}/steps?ids=swap,bridge",
        f"/_fragments/runs/{RUN}/live",
    ],
)
def test_expired_session_on_a_fragment_is_a_small_401(
    token_app: Flask, browser: FlaskClient, upstream: RecordingTransport, path: str
) -> None:
    sign_in(browser)
    expire_sessions(token_app)
    answer = browser.get(path, headers=FRAGMENT_HEADERS)
    assert answer.status_code == 401
    assert query_of(answer.headers["HX-Redirect"]) == {"next": [RUN_LINK], "reason": ["expired"]}
    html = answer.get_data(as_text=True)
    assert "Your session has ended — sign in again" in html
    assert 'class="error-panel"' in html
    assert "<html" not in html and "<form" not in html, "never the sign-in page inside a panel"
    assert upstream.requests == []


def test_fragment_with_no_session_is_a_small_401(browser: FlaskClient) -> None:
    answer = browser.get(f"/_fragments/runs/{RUN}/graph", headers=FRAGMENT_HEADERS)
    assert answer.status_code == 401
    assert "HX-Redirect" in answer.headers
    assert "<html" not in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "current",
    ["http://evil.test/runs/x", "javascript:alert(1)", "", "http://localhost//evil.test"],
)
def test_fragment_redirect_never_leaves_the_site(browser: FlaskClient, current: str) -> None:
    answer = browser.get(
        f"/_fragments/runs/{RUN}/graph", headers={"HX-Request": "true", "HX-Current-URL": current}
    )
    assert answer.status_code == 401
    assert answer.headers["HX-Redirect"] == "/signin?reason=expired"


# ---- sign-out --------------------------------------------------------------------------------


def test_sign_out_clears_the_session(browser: FlaskClient) -> None:
    sign_in(browser)
    page = browser.get(RUN_LINK).get_data(as_text=True)
    assert 'action="/signout"' in page
    token = CSRF.search(page).group(1)
    answer = browser.post("/signout", data={"csrf_token": token})
    assert answer.status_code == 303
    assert query_of(answer.headers["Location"]) == {"reason": ["signed_out"]}
    assert "Max-Age=0" in session_cookie(answer) or "1970" in session_cookie(answer)
    assert browser.get_cookie("viewer_session") is None
    assert browser.get(RUN_LINK).status_code == 302


def test_sign_out_needs_post_and_csrf(browser: FlaskClient) -> None:
    sign_in(browser)
    assert browser.get("/signout").status_code == 405
    refused = browser.post("/signout", data={})
    assert refused.status_code == 400
    assert browser.post("/signout", data={"csrf_token": "0" * 64}).status_code == 400
    assert browser.get(RUN_LINK).status_code == 200, "still signed in"


# ---- CSRF and rate limiting ------------------------------------------------------------------


def test_sign_in_without_csrf_is_400(browser: FlaskClient) -> None:
    browser.get("/signin")
    answer = browser.post("/signin", data={"token": DEMO_TOKEN, "next": "/"})
    assert answer.status_code == 400
    assert "This form had expired" in answer.get_data(as_text=True)
    assert not any(c.startswith("viewer_session=") for c in set_cookies(answer))


def test_sign_in_with_a_forged_csrf_is_400(browser: FlaskClient, token_app: Flask) -> None:
    browser.get("/signin")
    answer = browser.post("/signin", data={"csrf_token": "a" * 64, "token": DEMO_TOKEN})
    assert answer.status_code == 400


def test_csrf_token_is_bound_to_its_cookie(token_app: Flask) -> None:
    attacker, victim = token_app.test_client(), token_app.test_client()
    stolen = csrf_of(attacker)
    victim.get("/signin")
    answer = victim.post("/signin", data={"csrf_token": stolen, "token": DEMO_TOKEN})
    assert answer.status_code == 400
    without_cookie = token_app.test_client()
    answer = without_cookie.post("/signin", data={"csrf_token": stolen, "token": DEMO_TOKEN})
    assert answer.status_code == 400


@pytest.mark.parametrize("token", ["short", "has spaces in it", "x" * 5000])
def test_sign_in_refuses_what_is_not_a_token(browser: FlaskClient, token: str) -> None:
    answer = sign_in(browser, token=token)
    assert answer.status_code == 400
    assert "That is not a runs API token" in answer.get_data(as_text=True)
    assert not any(c.startswith("viewer_session=") for c in set_cookies(answer))


def test_sign_in_is_rate_limited_per_address(token_app: Flask) -> None:
    client = token_app.test_client()
    token = csrf_of(client)
    for _ in range(10):
        assert client.post("/signin", data={"csrf_token": token, "token": "bad"}).status_code == 400
    limited = client.post("/signin", data={"csrf_token": token, "token": DEMO_TOKEN})
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 300
    assert "Too many sign-in attempts" in limited.get_data(as_text=True)
    assert not any(c.startswith("viewer_session=") for c in set_cookies(limited))

    elsewhere = token_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    assert sign_in(elsewhere).status_code == 303


# ---- the runs API refuses the token ----------------------------------------------------------


def test_refused_token_signs_out_and_says_why(browser: FlaskClient) -> None:
    assert sign_in(browser, token="not-the-demo-token", next_path=RUN_LINK).status_code == 303
    answer = browser.get(RUN_LINK)
    assert answer.status_code == 302
    assert query_of(answer.headers["Location"]) == {"next": [RUN_LINK], "reason": ["refused"]}
    assert browser.get_cookie("viewer_session") is None
    form = browser.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Your runs API token was refused; sign in again" in form


def test_refused_token_on_a_fragment(browser: FlaskClient) -> None:
    sign_in(browser, token="not-the-demo-token")
    answer = browser.get(f"/_fragments/runs/{RUN}/steps/{STEP}", headers=FRAGMENT_HEADERS)
    assert answer.status_code == 401
    assert query_of(answer.headers["HX-Redirect"]) == {"next": [RUN_LINK], "reason": ["refused"]}
    assert "<html" not in answer.get_data(as_text=True)
    assert browser.get_cookie("viewer_session") is None


def test_refused_token_on_raw_json(browser: FlaskClient) -> None:
    sign_in(browser, token="not-the-demo-token")
    answer = browser.get(f"/runs/{RUN}.json")
    assert answer.status_code == 401
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert query_of(body["signInUrl"]) == {"next": [f"/runs/{RUN}.json"], "reason": ["refused"]}
    assert browser.get_cookie("viewer_session") is None


def test_forbidden_run_does_not_sign_out(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> None:
    scripted.script(Reply(403, envelope(None, code=403)))
    client = make_app(runs_api_url=scripted.url, runs_api_token=None, auth_mode="token")
    client = client.test_client()
    sign_in(client, token="person-token-1")
    answer = client.get("/runs/run_other_org")
    assert answer.status_code == 403
    assert client.get_cookie("viewer_session") is not None


# ---- one person's data never reaches another -------------------------------------------------


class TwoPeopleUpstream:
    """A runs API where each of two tokens sees its own version of the same run."""

    TOKENS: ClassVar[dict[str, str]] = {
        "alice-token-0001": "wf_alice_only",
        "bob-token-00002": "wf_bob_only",
    }

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        request = Request(environ)
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        self.calls.append(token)
        workflow = self.TOKENS.get(token)
        if workflow is None:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [json.dumps({"code": 401, "message": "no", "requestId": "r"}).encode()]
        run = {"id": "run_shared", "status": "success", "workflowId": workflow}
        start_response("200 OK", [("Content-Type", "application/json")])
        return [envelope(run)]


@pytest.fixture
def two_people() -> Iterator[tuple[TwoPeopleUpstream, str]]:
    upstream = TwoPeopleUpstream()
    with serve_wsgi(upstream) as url:
        yield upstream, url


def test_each_token_gets_its_own_upstream_call_and_data(
    make_app: Callable[..., Flask], two_people: tuple[TwoPeopleUpstream, str]
) -> None:
    upstream, url = two_people
    app = make_app(runs_api_url=url, runs_api_token=None, auth_mode="token")
    alice, bob = app.test_client(), app.test_client()
    sign_in(alice, token="alice-token-0001")
    sign_in(bob, token="bob-token-00002")

    first = alice.get("/runs/run_shared").get_data(as_text=True)
    assert "wf_alice_only" in first
    second = bob.get("/runs/run_shared").get_data(as_text=True)
    assert "wf_bob_only" in second and "wf_alice_only" not in second
    # each page reads the summary, then the run in full for its diagram
    assert upstream.calls == ["alice-token-0001"] * 2 + ["bob-token-00002"] * 2

    again = alice.get("/runs/run_shared").get_data(as_text=True)
    assert "wf_alice_only" in again
    assert upstream.calls == ["alice-token-0001"] * 2 + ["bob-token-00002"] * 2, "cached"


def test_cached_run_is_not_served_to_a_refused_token(
    make_app: Callable[..., Flask], two_people: tuple[TwoPeopleUpstream, str]
) -> None:
    upstream, url = two_people
    app = make_app(runs_api_url=url, runs_api_token=None, auth_mode="token")
    alice, mallory = app.test_client(), app.test_client()
    sign_in(alice, token="alice-token-0001")
    sign_in(mallory, token="mallory-token-9")
    assert alice.get("/runs/run_shared").status_code == 200
    answer = mallory.get("/runs/run_shared")
    assert answer.status_code == 302
    assert "wf_alice_only" not in answer.get_data(as_text=True)
    assert upstream.calls == ["alice-token-0001", "mallory-token-9"]


# ---- the token never shows up anywhere -------------------------------------------------------


def test_token_is_in_no_body_header_or_log_line(
    make_app: Callable[..., Flask], two_people: tuple[TwoPeopleUpstream, str], caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    _, url = two_people
    secret = "alice-token-0001"
    client = make_app(runs_api_url=url, runs_api_token=None, auth_mode="token").test_client()
    answers = [client.get("/runs/run_shared?node=a"), client.get("/signin")]
    answers.append(sign_in(client, token=secret, next_path="/runs/run_shared?node=a"))
    for path in (
        "/",
        "/runs/run_shared",
        "/runs/run_shared?node=a",
        "/runs/run_shared.json",
        "/runs/run_shared.json?download=1",
        "/runs/run_shared/steps/a.json",
        "/_fragments/runs/run_shared/graph",
        "/_fragments/runs/run_shared/steps/a",
        "/_fragments/runs/run_shared/live",
        "/runs/run_missing_stuff",
    ):
        answers.append(client.get(path, headers=FRAGMENT_HEADERS))
    answers.append(client.post("/signout", data={"csrf_token": csrf_of(client)}))
    sign_in(client, token="wrong-token-0001")
    answers.append(client.get("/runs/run_shared"))
    answers.append(client.get("/_fragments/runs/run_shared/graph", headers=FRAGMENT_HEADERS))

    assert len(answers) == 16
    for answer in answers:
        assert secret not in answer.get_data(as_text=True)
        for name, value in answer.headers.items():
            assert secret not in value, name
    assert caplog.records
    for record in caplog.records:
        assert secret not in record.getMessage()
        assert "wrong-token-0001" not in record.getMessage()


# ---- what needs no sign-in, and the pages other modes do not have ------------------------------


@pytest.mark.parametrize("path", ["/healthz", "/static/app.css", "/signin"])
def test_public_paths_need_no_sign_in(browser: FlaskClient, path: str) -> None:
    assert browser.get(path).status_code == 200


def test_home_needs_sign_in(browser: FlaskClient) -> None:
    answer = browser.get("/")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/signin"


@pytest.mark.parametrize("mode", ["none", "proxy"])
def test_sign_in_pages_exist_only_in_token_mode(make_app: Callable[..., Flask], mode: str) -> None:
    client = make_app(auth_mode=mode).test_client()
    headers = {"X-Auth-Request-Email": "ada@example.com"}
    assert client.get("/signin", headers=headers).status_code == 404
    assert client.post("/signout", headers=headers).status_code == 404
    assert client.get("/healthz").get_data(as_text=True) == "ok\n"


def test_other_posts_while_signed_out_are_401(browser: FlaskClient) -> None:
    answer = browser.post(f"/runs/{RUN}")
    assert answer.status_code == 401
    assert "Sign in with your runs API token first" in answer.get_data(as_text=True)
