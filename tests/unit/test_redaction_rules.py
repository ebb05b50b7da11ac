"""Every rule of viewer/runs/redaction_rules.toml hides its examples and keeps its look-alikes;
every shape of secret issue 10 lists (and relatives) is hidden wherever it appears."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.runs import redact
from viewer.runs.redact import (
    REDACTED,
    RULES,
    endpoint_only,
    is_endpoint_key,
    is_secret_key,
    may_hold_secret,
    redact_payload,
    redact_text,
    redact_url,
    run_every_rule,
)

SECRET = "Zq7SecretValue9xK"


def cases(section: str, field: str) -> list[Any]:
    rules = RULES[section] if isinstance(RULES[section], list) else [RULES[section]]
    return [
        pytest.param(example, id=f"{rule.get('id', section)}:{example}"[:80])
        for rule in rules
        for example in rule.get(field, [])
    ]


@pytest.mark.parametrize("name", cases("field", "examples"))
def test_field_rule_hides(name: str) -> None:
    assert is_secret_key(name)
    assert SECRET not in json.dumps(redact_payload({"a": {name: f"x-{SECRET}"}}))


@pytest.mark.parametrize("name", cases("field", "keeps"))
def test_field_rule_keeps(name: str) -> None:
    assert not is_secret_key(name)
    assert redact_payload({name: "plain"}) == {name: "plain"}


@pytest.mark.parametrize("value", cases("erc20", "examples"))
def test_erc20_names_stay_under_token_fields(value: str) -> None:
    assert redact_payload({"fromToken": value, "token": value}) == {
        "fromToken": value,
        "token": value,
    }


def test_a_token_object_is_walked_not_hidden() -> None:
    token = {"symbol": "USDC", "address": "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"}
    assert redact_payload({"token": token, "tokenIn": [token]}) == {
        "token": token,
        "tokenIn": [token],
    }
    assert redact_payload({"fromToken": {"apiKey": SECRET}}) == {"fromToken": {"apiKey": REDACTED}}


@pytest.mark.parametrize("value", cases("erc20", "secrets"))
def test_credentials_under_token_fields_are_hidden(value: str) -> None:
    assert redact_payload({"token": value, "githubToken": "USDC"}) == {
        "token": REDACTED,
        "githubToken": REDACTED,
    }


@pytest.mark.parametrize("name", cases("endpoint_field", "examples"))
def test_endpoint_fields_show_scheme_and_host(name: str) -> None:
    assert is_endpoint_key(name)
    payload = {"n": {name: f"https://node.example.test/v1/{SECRET[:6]}?chain=1"}}
    assert redact_payload(payload) == {"n": {name: "https://node.example.test"}}
    listed = redact_payload({name: [f"wss://a.test/ws/{SECRET[:6]}", "b.test/k"]})
    assert listed == {name: ["wss://a.test", "b.test"]}


@pytest.mark.parametrize("name", cases("endpoint_field", "keeps"))
def test_other_url_fields_are_not_endpoints(name: str) -> None:
    assert not is_endpoint_key(name)


@pytest.mark.parametrize("url", cases("endpoint_hosts", "examples"))
def test_endpoint_hosts_and_schemes_keep_scheme_and_host(url: str) -> None:
    shown = endpoint_only(url)
    assert "/" not in shown.split("://")[-1]
    assert redact_text(f"calling {url} now") == f"calling {shown} now"
    assert redact_url(url) == shown


@pytest.mark.parametrize("name", cases("query", "examples"))
def test_query_rule_hides(name: str) -> None:
    assert redact_url(f"https://h.test/p?{name}={SECRET}&n=1") == (
        f"https://h.test/p?{name}={REDACTED}&n=1"
    )


@pytest.mark.parametrize("name", cases("query", "keeps"))
def test_query_rule_keeps(name: str) -> None:
    assert redact_url(f"https://h.test/p?{name}=20261201") == f"https://h.test/p?{name}=20261201"


@pytest.mark.parametrize("segment", cases("path", "examples"))
def test_path_rule_hides(segment: str) -> None:
    assert redact_url(f"https://h.test/a/{segment}/send") == f"https://h.test/a/{REDACTED}/send"


@pytest.mark.parametrize("segment", cases("path", "keeps"))
def test_path_rule_keeps(segment: str) -> None:
    assert redact_url(f"https://h.test/a/{segment}") == f"https://h.test/a/{segment}"


@pytest.mark.parametrize("section", ["text", "labelled", "scheme"])
def test_text_rules_hide_their_examples_and_keep_look_alikes(section: str) -> None:
    for case in cases(section, "examples"):
        (example,) = case.values
        redacted = redact_text(example)
        assert REDACTED in redacted, (case.id, redacted)
        assert redact_text(redacted) == redacted, case.id
    for case in cases(section, "keeps"):
        (example,) = case.values
        assert redact_text(example) == example, case.id


# Shapes from issue 10 and their relatives: (where the secret is, the secret itself).
SHAPES = [
    # short or letters-only keys in RPC URL paths, websocket URLs
    ("https://eth-mainnet.g.alchemy.com/v2/abcdefghij", "abcdefghij"),
    ("https://base-mainnet.g.alchemy.com/v2/Kx9", "Kx9"),
    ("wss://eth-mainnet.g.alchemy.com/v2/lettersonlykey", "lettersonlykey"),
    ("https://mainnet.infura.io/v3/abc123", "abc123"),
    ("wss://mainnet.infura.io/ws/v3/shortkey", "shortkey"),
    ("https://rpc.ankr.com/eth/a1b2c3d4", "a1b2c3d4"),
    ("https://little-frosty-sea.base-mainnet.quiknode.pro/qnkey42/", "qnkey42"),
    ("wss://ws.some-node.test/socket/mykey", "mykey"),
    ("use eth-mainnet.g.alchemy.com/v2/noschemekey please", "noschemekey"),
    # userinfo in non-HTTP URLs
    ("postgres://app:pgpass1@db.internal:5432/runs", "pgpass1"),
    ("redis://:redispass2@cache:6379/0", "redispass2"),
    ("amqp://guest:amqppass3@mq.test/vhost", "amqppass3"),
    ("mongodb+srv://u:mongopass4@cluster0.abcd.mongodb.net/db?retryWrites=true", "mongopass4"),
    # Telegram bot tokens in a path and in text
    (
        "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage",
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
    ),
    ("token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
    # URLs percent-encoded inside a query value, or JSON-escaped inside a log line
    ("https://app.test/cb?next=https%3A%2F%2Fu%3Aencpass5%40db.test%2F", "encpass5"),
    ("https://app.test/cb?next=postgres%3A%2F%2Fu%3Aencpass6%40db.test", "encpass6"),
    ("redirect to https%3A%2F%2Feth-mainnet.g.alchemy.com%2Fv2%2Fenckey7", "enckey7"),
    ('log: {"url":"https:\\/\\/eth-mainnet.g.alchemy.com\\/v2\\/esckey8"}', "esckey8"),
    ('log: {"url":"https:\\/\\/u:escpass9@h.test\\/x"}', "escpass9"),
    # free text
    ("failed with privateKey=0xdeadbeefcafe1234", "0xdeadbeefcafe1234"),
    ("private_key: 'abcPK123'", "abcPK123"),
    ("headers X-Api-Key: apikeyvalue10", "apikeyvalue10"),
    ('{"password": "hunter2"}', "hunter2"),
    (
        "Authorization: Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
        "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
    ),
    ("Authorization: Bearer shorttok", "shorttok"),
    ("seedWords=apple banana", "apple"),
    # presigned URLs
    (
        "https://b.s3.amazonaws.com/o?X-Amz-Security-Token=IQoJsesstok11&X-Amz-Expires=60",
        "IQoJsesstok11",
    ),
    ("https://b.s3.amazonaws.com/o?X-Amz-Credential=AKIAcred12%2F2026", "AKIAcred12"),
    # credentials by their shape
    (
        "push with ghp_R2d2C3poBb8Lk1Mn0Pq9Rs8Tu7Vw6Xy5Zz4Aa1",
        "R2d2C3poBb8Lk1Mn0Pq9Rs8Tu7Vw6Xy5Zz4Aa1",
    ),
    (
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU"
        "3TGtRBeJgk33yuGBxrMPHi",
        "3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5k",
    ),
]


@pytest.mark.parametrize(("text", "secret"), SHAPES)
def test_issue_shapes_are_hidden_in_values_and_keys(text: str, secret: str) -> None:
    assert secret not in redact_text(text)
    redacted = json.dumps(redact_payload({"note": text, "logs": [text], text: {"k": 1}}))
    assert secret not in redacted
    assert redact_text(redact_text(text)) == redact_text(text)


@pytest.mark.parametrize(
    "name", ["privKey", "signerKey", "seedWords", "githubToken", "xprv", "botToken", "mnemonic"]
)
def test_issue_field_names_are_hidden(name: str) -> None:
    assert redact_payload({"config": {name: SECRET}}) == {"config": {name: REDACTED}}


def test_keys_that_redact_alike_stay_apart() -> None:
    payload = {
        "https://u:a1@h.test/": 1,
        "https://u:b2@h.test/": 2,
    }
    assert redact_payload(payload) == {
        "https://[redacted]@h.test/": 1,
        "https://[redacted]@h.test/ (2)": 2,
    }


@pytest.mark.parametrize(
    "text",
    [
        "execution reverted: STF",
        "Token approval failed for USDC",
        "swap 25,000 USDC at 12:30:45 on block 19283746",
        "tx 0x" + "ab" * 32 + " confirmed",
        "https://basescan.org/tx/0x" + "ab" * 32,
        "status: failure, amount=25000, key=amount",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact_text(text) == text


# The filter in front of the rules (redact.may_hold_secret) may only skip strings no rule
# changes: every example and every shape above reaches the rules, and on any string the filtered
# redaction equals running every rule.
FILTER_CASES = [
    case.values[0]
    for section in ("text", "labelled", "scheme", "endpoint_hosts", "erc20")
    for field in ("examples", "keeps", "secrets")
    for case in cases(section, field)
] + [text for text, _ in SHAPES]


@pytest.mark.parametrize("section", ["text", "labelled", "scheme", "endpoint_hosts"])
def test_the_filter_lets_every_rule_example_through(section: str) -> None:
    for case in cases(section, "examples"):
        (example,) = case.values
        assert may_hold_secret(example), case.id
        assert may_hold_secret(f"2026-12-01T10:00:00Z {example} 0x1f"), case.id


@pytest.mark.parametrize(("text", "secret"), SHAPES)
def test_the_filter_lets_every_issue_shape_through(text: str, secret: str) -> None:
    assert may_hold_secret(text)


fragments = st.sampled_from(
    [*FILTER_CASES, ":", "=", "/", "%", ".", "-", "_", " ", "\n", "\\/", "T", "Z", "0x", "AA"]
)
plain_text = st.text(alphabet="0123456789abcdefxTZ.:+- ", max_size=40)


@settings(max_examples=400)
@given(st.lists(st.one_of(fragments, plain_text, st.text(max_size=8)), max_size=6))
def test_the_filter_never_changes_what_redaction_does(parts: list[str]) -> None:
    text = "".join(parts)
    assert redact_text(text) == run_every_rule(text)


def test_times_amounts_and_hashes_skip_the_rules() -> None:
    for plain in ["2026-12-01T10:00:00.123Z", "25000.50", "-1e-7", "0x" + "ab" * 32, ""]:
        assert not may_hold_secret(plain)


def test_redaction_never_changes_its_input_and_shares_what_it_keeps() -> None:
    clean = {"steps": [{"name": "Swap", "at": "2026-12-01T10:00:00Z", "out": [1, 2.5, None]}]}
    payload = {"run": clean, "config": {"apiKey": SECRET, "rpcUrl": f"https://n.test/{SECRET}"}}
    before = json.dumps(payload)
    redacted = redact_payload(payload)
    assert json.dumps(payload) == before
    assert redacted["config"] == {"apiKey": REDACTED, "rpcUrl": "https://n.test"}
    assert redacted["run"] is clean  # nothing to hide there: not copied
    assert redact_payload(clean) is clean


def test_what_holds_a_secret_is_never_remembered() -> None:
    hidden = "Qx7Hidden9vK2mP4w"
    key = f"https://u:{hidden}@h.test/"
    redact_payload({key: {"note": f"password={hidden}", "plain": "kept"}, "ok": [f"Bot {hidden}"]})
    remembered = [*redact._clean, *redact._fields]
    assert "kept" in remembered
    assert not [text for text in remembered if hidden in text]
