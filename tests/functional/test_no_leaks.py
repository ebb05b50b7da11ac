"""Property: a secret planted anywhere in a random run (in a value, a key, a URL, a log line)
never appears in any page, fragment, raw JSON, download or log line of the viewer.

The run is served by a loopback runs API over real HTTP; the viewer is the real app."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEST_SETTINGS
from tests.functional.test_properties import RUN_ID, OneRunApi, paths, runs
from tests.support.servers import serve_wsgi
from viewer import create_app
from viewer.runs.ids import STEP_ID
from viewer.runs.redact import RULES, redact_payload

# Field names every rule lists as secret; the planted value is hidden whole under them.
SECRET_NAMES = [name for rule in RULES["field"] for name in rule["examples"]]
# Text shapes with {s} where the secret goes (issue 10 and relatives).
SHAPES = [
    "https://eth-mainnet.g.alchemy.com/v2/{s}",
    "wss://mainnet.infura.io/ws/v3/{s}",
    "https://rpc.ankr.com/eth/{s}",
    "https://frosty-sea.quiknode.pro/{s}/",
    "wss://node.example.test/socket/{s}",
    "eth-mainnet.g.alchemy.com/v2/{s}",
    "postgres://app:{s}@db.internal:5432/runs",
    "redis://:{s}@cache:6379/0",
    "amqp://guest:{s}@mq.test/vhost",
    "mongodb+srv://u:{s}@cluster0.abcd.mongodb.net/db",
    "https://api.telegram.org/bot123456789:AA{s}{s}{s}/sendMessage",
    "sent by 123456789:AA{s}{s}{s}",
    "https://app.test/cb?next=https%3A%2F%2Fu%3A{s}%40db.test%2F",
    'log {{"url":"https:\\/\\/eth-mainnet.g.alchemy.com\\/v2\\/{s}"}}',
    "failed: privateKey={s}",
    "X-Api-Key: {s}",
    "Authorization: Token {s}{s}",
    "Authorization: Bearer {s}",
    "https://b.s3.amazonaws.com/o?X-Amz-Security-Token={s}&X-Amz-Expires=60",
    "https://h.test/x?next=wss%3A%2F%2Fn.test%2F{s}",
    "clone with ghp_{s}{s}{s}",
]
secrets = st.from_regex(r"[a-z]{4}[0-9]{4}[A-Z]{4}", fullmatch=True)


@st.composite
def planted_runs(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A contract run with one secret planted at a random place, in a random shape."""
    run = draw(runs())
    secret = draw(secrets)
    how = draw(st.sampled_from(["field", "value", "key"]))
    text = draw(st.sampled_from(SHAPES)).format(s=secret)
    holders = [run, *(holder for holder in _containers(run))]
    holder = draw(st.sampled_from(holders))
    if how == "field":
        planted: dict[str, Any] = {draw(st.sampled_from(SECRET_NAMES)): f"v-{secret}"}
    elif how == "value":
        planted = {"note": text}
    else:
        planted = {text: draw(st.sampled_from([1, "x", {"k": True}]))}
    if isinstance(holder, list):
        holder.append(planted if how != "value" else text)
    else:
        key, value = next(iter(planted.items()))
        holder[key] = value
    return run, secret


def _containers(run: dict[str, Any]) -> Iterator[Any]:
    for path in paths(run):
        holder: Any = run
        for part in path:
            holder = holder[part]
        if isinstance(holder, dict | list):
            yield holder


def views_of(run: dict[str, Any]) -> list[str]:
    """Every view of the run, the step ones for steps as the viewer sees them (redacted)."""
    seen = redact_payload(run)
    nodes = (seen.get("workflowDefinition") or {}).get("nodes")
    steps = [step for step in nodes if STEP_ID.fullmatch(step)] if isinstance(nodes, dict) else []
    step = steps[-1] if steps else "root"
    return [
        f"/runs/{RUN_ID}",
        f"/runs/{RUN_ID}?node={step}",
        f"/runs/{RUN_ID}?steps=all&node={step}",
        f"/_fragments/runs/{RUN_ID}/graph",
        f"/_fragments/runs/{RUN_ID}/steps/{step}",
        f"/_fragments/runs/{RUN_ID}/steps?ids={','.join(steps[:3]) or 'root'}",
        f"/_fragments/runs/{RUN_ID}/live",
        f"/runs/{RUN_ID}.json",
        f"/runs/{RUN_ID}.json?download=1",
        f"/runs/{RUN_ID}/steps/{step}.json",
    ]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[OneRunApi, Flask]]:
    api = OneRunApi()
    with serve_wsgi(api) as url:
        viewer = create_app(
            replace(
                TEST_SETTINGS,
                runs_api_url=url,
                runs_api_token="leak-test-token-0001",
                cache_live_seconds=0,
                cache_final_seconds=0,
                retry_attempts=1,
                # a leak test, not a timeout test: a loaded machine must not turn a view into a 504
                connect_timeout=10.0,
                read_timeout=20.0,
                retry_deadline=30.0,
            )
        )
        yield api, viewer


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(planted=planted_runs())
def test_a_planted_secret_never_leaves_the_viewer(
    served: tuple[OneRunApi, Flask], caplog: pytest.LogCaptureFixture, planted: Any
) -> None:
    run, secret = planted
    api, viewer = served
    api.hold({"code": 200, "message": "success", "requestId": "req-leak", "data": run})
    client = viewer.test_client()
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="viewer"):
        for path in views_of(run):
            answer = client.get(path)
            body = answer.get_data(as_text=True)
            assert answer.status_code < 500, f"{path}: {body[:300]}"
            assert secret not in body, f"{path} shows the secret"
            assert secret not in str(answer.headers), f"{path} headers show the secret"
    assert secret not in caplog.text
