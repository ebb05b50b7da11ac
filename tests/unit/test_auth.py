"""Sign-in building blocks: token format, the sealed session, rate limiting, proxy identity."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest
from werkzeug.datastructures import Headers

from tests.conftest import TEST_SETTINGS
from viewer import create_app
from viewer.auth.identity import (
    Identity,
    Refusal,
    is_trusted,
    proxy_identity,
    token_identity,
    trusted_networks,
)
from viewer.auth.keys import derive_key
from viewer.auth.ratelimit import RateLimiter
from viewer.auth.returns import local_next, page_of_fragment
from viewer.auth.session import MAX_TOKEN_LENGTH, SessionBox, clean_token

LOOPBACK = trusted_networks(("127.0.0.1/32", "::1/128"))


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# ---- token format ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pasted", "kept"),
    [
        ("abcd1234", "abcd1234"),
        ("  tok_live.ABC-123/xyz=  \n", "tok_live.ABC-123/xyz="),
        ("Bearer abcdefgh1234", "abcdefgh1234"),
        ("bearer   abcdefgh1234", "abcdefgh1234"),
        ("x" * MAX_TOKEN_LENGTH, "x" * MAX_TOKEN_LENGTH),
    ],
)
def test_clean_token_accepts_tokens(pasted: str, kept: str) -> None:
    assert clean_token(pasted) == kept


@pytest.mark.parametrize(
    "pasted",
    [
        "",
        "short12",
        "has space inside",
        "tab\tinside1",
        "newline\ninside",
        "nul\x00inside1",
        "ünïcödé-token",
        "x" * (MAX_TOKEN_LENGTH + 1),
        "Bearer ",
    ],
)
def test_clean_token_refuses_what_cannot_be_a_token(pasted: str) -> None:
    assert clean_token(pasted) is None


# ---- the sealed session ----------------------------------------------------------------------


def test_session_box_round_trip_hides_the_token() -> None:
    box = SessionBox("secret-one", 3600, clock=Clock())
    sealed = box.seal("tok_1234567890")
    assert "tok_1234567890" not in sealed
    session = box.open(sealed)
    assert session is not None
    assert session.token == "tok_1234567890"
    assert session.ends_at == Clock().now + 3600


def test_every_sign_in_is_a_new_session() -> None:
    box = SessionBox("secret-one", 3600)
    first, second = (box.open(box.seal("tok_1234567890")) for _ in range(2))
    assert first and second and first.id != second.id


def test_session_box_expires() -> None:
    clock = Clock()
    box = SessionBox("secret-one", 3600, clock=clock)
    sealed = box.seal("tok_1234567890")
    clock.now += 3599
    assert box.open(sealed) is not None
    clock.now += 2
    assert box.open(sealed) is None


@pytest.mark.parametrize("sealed", [None, "", "garbage", "gAAAAA" + "A" * 100, "é" * 20])
def test_session_box_refuses_garbage(sealed: str | None) -> None:
    assert SessionBox("secret-one", 3600).open(sealed) is None


def test_session_box_refuses_another_key_and_tampering() -> None:
    sealed = SessionBox("secret-one", 3600).seal("tok_1234567890")
    assert SessionBox("secret-two", 3600).open(sealed) is None
    flipped = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]
    assert SessionBox("secret-one", 3600).open(flipped) is None


def test_derived_keys_differ_by_purpose_and_secret() -> None:
    keys = {
        derive_key("a", "session cookie"),
        derive_key("a", "csrf"),
        derive_key("b", "csrf"),
    }
    assert len(keys) == 3
    assert all(len(key) == 32 for key in keys)


def test_token_identity_names_a_hash_not_the_token() -> None:
    identity = token_identity("tok_1234567890")
    assert identity.audit_name.startswith("token:")
    assert "1234567890" not in identity.audit_name
    assert identity.audit_name != token_identity("tok_1234567891").audit_name


# ---- rate limiting ---------------------------------------------------------------------------


def test_rate_limiter_allows_limit_then_says_how_long_to_wait() -> None:
    limiter = RateLimiter(3, 60.0)
    assert [limiter.hit("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.hit("a") == pytest.approx(60.0, abs=2)
    assert limiter.hit("b") == 0.0


def test_rate_limiter_is_thread_safe() -> None:
    limiter = RateLimiter(50, 60.0)
    allowed: list[bool] = []

    def attempt() -> None:
        for _ in range(20):
            allowed.append(limiter.hit("same") == 0.0)

    threads = [threading.Thread(target=attempt) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 50


# ---- proxy identity --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "trusted"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("127.0.0.2", False),
        ("10.0.0.1", False),
        ("", False),
        (None, False),
        ("unix:/run/viewer.sock", False),
        ("not an address", False),
    ],
)
def test_is_trusted(address: str | None, trusted: bool) -> None:
    assert is_trusted(address, LOOPBACK) is trusted


def test_is_trusted_network_ranges() -> None:
    networks = trusted_networks(("10.1.0.0/16",))
    assert is_trusted("10.1.200.3", networks)
    assert not is_trusted("10.2.0.1", networks)


def _proxy(
    value: str | None, remote: str = "127.0.0.1", domains: tuple[str, ...] = ()
) -> Identity | Refusal:
    headers = Headers()
    if value is not None:
        headers["X-Auth-Request-Email"] = value
    return proxy_identity(headers, "X-Auth-Request-Email", remote, LOOPBACK, domains)


def test_proxy_identity_from_trusted_proxy() -> None:
    identity = _proxy(" ada@example.com ")
    assert identity == Identity("proxy", "ada@example.com", "ada@example.com")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "not-an-email",
        "ada@example.com, eve@evil.test",
        "ada@example.com,eve@evil.test",
        "ada@example.com;eve@evil.test",
        "<script>@x.test",
        "a b@example.com",
        "ada@@example.com",
        "x" * 300 + "@example.com",
        "ada@exa mple.com",
    ],
)
def test_proxy_identity_refuses_bad_values(value: str | None) -> None:
    found = _proxy(value)
    assert isinstance(found, Refusal)
    assert found.status == 401


def test_proxy_identity_ignores_header_from_untrusted_address() -> None:
    found = _proxy("ada@example.com", remote="203.0.113.9")
    assert isinstance(found, Refusal)
    assert found.status == 401


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("ada@example.com", True),
        ("ada@EXAMPLE.com", True),
        ("ada@partner.test", True),
        ("ada@evil.test", False),
        ("ada@sub.example.com", False),
        ("ada@example.com.evil.test", False),
    ],
)
def test_proxy_identity_domain_allow_list(email: str, allowed: bool) -> None:
    found = _proxy(email, domains=("example.com", "@partner.test"))
    if allowed:
        assert isinstance(found, Identity)
    else:
        assert isinstance(found, Refusal)
        assert found.status == 403


# ---- return addresses ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("/runs/run_1?node=swap", "/runs/run_1?node=swap"),
        ("/", "/"),
        ("/runs/run_1?node=a%20b", "/runs/run_1?node=a%20b"),
        ("/runs/ü", "/runs/%C3%BC"),
        ("//evil.test/x", "/"),
        ("/\\evil.test", "/"),
        ("\\\\evil.test", "/"),
        ("https://evil.test/", "/"),
        ("javascript:alert(1)", "/"),
        ("data:text/html,hi", "/"),
        ("/\t/evil.test", "/"),
        ("/\n/evil.test", "/"),
        ("/\x00", "/"),
        ("runs/run_1", "/"),
        ("", "/"),
        (None, "/"),
        (["/runs/x"], "/"),
        ("/signin?next=/runs/x", "/"),
        ("/signout", "/"),
        ("/" + "a" * 3000, "/"),
    ],
)
def test_local_next(value: object, kept: str) -> None:
    assert local_next(value) == kept


@pytest.mark.parametrize(
    ("current", "page"),
    [
        ("http://localhost/runs/run_1?node=swap", "/runs/run_1?node=swap"),
        ("http://localhost/runs/run_1", "/runs/run_1"),
        ("http://evil.test/runs/run_1", "/"),
        ("javascript:alert(1)", "/"),
        ("ftp://localhost/runs/run_1", "/"),
        ("//evil.test/x", "/"),
        ("/runs/run_2", "/runs/run_2"),
        ("", "/"),
        ("http://[::1/", "/"),
    ],
)
def test_page_of_fragment(current: str, page: str) -> None:
    app = create_app(replace(TEST_SETTINGS, runs_api_url="http://x.test", runs_api_token="t"))
    with app.test_request_context("/_fragments/x", headers={"HX-Current-URL": current}):
        assert page_of_fragment() == page
