"""Secrets out of URLs, free text and JSON values, before anything shows or logs them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from viewer.runs.redact import (
    MAX_DEPTH,
    REDACTED,
    is_secret_key,
    redact_text,
    redact_url,
    redact_value,
)


@pytest.mark.parametrize(
    "name",
    [
        "privateKey",
        "private_key",
        "PRIVATE-KEY",
        "apiKey",
        "x-api-key",
        "secret",
        "clientSecret",
        "password",
        "passwd",
        "mnemonic",
        "seedPhrase",
        "seed",
        "pk",
        "jwt",
        "auth",
        "Authorization",
        "credentials",
        "accessToken",
        "refresh_token",
        "bearerToken",
        "sessionToken",
        "cookie",
        "signingKey",
    ],
)
def test_secret_field_names(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize(
    "name",
    ["tokenAddress", "tokenIn", "author", "key", "amountUsd", "publicKey", "seeds", "pkg"],
)
def test_ordinary_field_names(name: str) -> None:
    assert not is_secret_key(name)


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        (
            "https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161",
            "https://mainnet.infura.io",
        ),
        (
            "wss://eth-mainnet.g.alchemy.com/v2/AbCdEf1234567890XyZ",
            "wss://eth-mainnet.g.alchemy.com",
        ),
        (
            "https://user:hunter2@rpc.test:8545/x?apikey=abc&chain=1#access_token=zz",
            "https://[redacted]@rpc.test:8545/x?apikey=[redacted]&chain=1",
        ),
        ("https://rpc.test/?token=abc&page=2", "https://rpc.test/?token=[redacted]&page=2"),
        ("https://rpc.test/?X-Api-Key=abc", "https://rpc.test/?X-Api-Key=[redacted]"),
        (
            "https://b.s3.amazonaws.com/r.pdf?X-Amz-Signature=abc&X-Amz-Credential=AKIA&X-Amz-Expires=60",
            "https://b.s3.amazonaws.com/r.pdf?X-Amz-Signature=[redacted]"
            "&X-Amz-Credential=[redacted]&X-Amz-Expires=60",
        ),
        (
            "https://storage.googleapis.com/b/o?X-Goog-Signature=abc",
            "https://storage.googleapis.com/b/o?X-Goog-Signature=[redacted]",
        ),
        (
            "https://x.blob.core.windows.net/c/b?sig=abc&sv=1",
            "https://x.blob.core.windows.net/c/b?sig=[redacted]&sv=1",
        ),
        (
            "https://x.test/%39aa3d95b3bc440fa88ea12eaa4456161/rpc",
            "https://x.test/[redacted]/rpc",
        ),
        ("https://[::1]:8545/", "https://[::1]:8545/"),
        ("https://rpc.test/v1/mainnet", "https://rpc.test/v1/mainnet"),
        ("https://x.test:99999/", REDACTED),
    ],
)
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


def test_redact_url_never_keeps_a_fragment() -> None:
    assert "zz" not in redact_url("https://app.test/cb#access_token=zz")


def test_redact_text_finds_urls_and_credentials_in_prose() -> None:
    text = (
        "POST https://rpc.test/v2/AbCdEf1234567890XyZ failed (Authorization: Bearer abcdefghijkl); "
        "retry with basic dXNlcjpwYXNzd29yZA== later"
    )
    redacted = redact_text(text)
    for secret in ("AbCdEf1234567890XyZ", "abcdefghijkl", "dXNlcjpwYXNzd29yZA=="):
        assert secret not in redacted
    assert "https://rpc.test/v2/[redacted]" in redacted
    assert "Authorization: [redacted]" in redacted
    assert redacted.endswith("later")


def test_redact_text_leaves_ordinary_text() -> None:
    text = "execution reverted: STF <script>alert(1)</script> {{7*7}}"
    assert redact_text(text) == text


def test_redact_value_hides_secret_fields_anywhere() -> None:
    value = {
        "privateKey": "0x" + "a" * 64,
        "apiKey": "",
        "nested": [{"password": "p", "PASSWORD": None, "tokenAddress": "0xA0b8", "auth": {"u": 1}}],
        "rpc": "https://eth.g.alchemy.com/v2/AbCdEf1234567890XyZ",
    }
    assert redact_value(value) == {
        "privateKey": REDACTED,
        "apiKey": "",
        "nested": [
            {"password": REDACTED, "PASSWORD": None, "tokenAddress": "0xA0b8", "auth": REDACTED}
        ],
        "rpc": "https://eth.g.alchemy.com",
    }


def test_redact_value_does_not_change_its_input() -> None:
    value = {"password": "p", "list": [{"secret": "s"}]}
    before = json.dumps(value)
    redact_value(value)
    assert json.dumps(value) == before


@pytest.mark.parametrize("scalar", [None, True, 0, -1.5, "text"])
def test_redact_value_keeps_scalars(scalar: Any) -> None:
    assert redact_value(scalar) == scalar


def test_redact_value_cuts_deep_nesting() -> None:
    value: Any = {"password": "deep secret"}
    for _ in range(MAX_DEPTH * 10):
        value = [value]
    redacted = redact_value(value)
    text = json.dumps(redacted)
    assert "deep secret" not in text
    assert f"nested deeper than {MAX_DEPTH} levels" in text
    assert text.count("[") <= MAX_DEPTH + 2


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pass@base-fork.example-rpc.io/rpc?apikey=k3y0123456789abc&chain=8453",
        "https://eth-mainnet.g.alchemy.com/v2/AbCdEf1234567890abcdef1234567890",
        "eth-mainnet.g.alchemy.com/v2/AbCdEf1234567890abcdef1234567890",
    ],
)
def test_redacting_twice_changes_nothing(url: str) -> None:
    once = redact_url(url)
    assert redact_url(once) == once
    assert redact_url(redact_text(url)) == redact_url(url)
