"""The upstream client honours the proxy environment (as httpx does) and keeps its total
deadline through a proxy: a real loopback forward proxy in front of a scripted upstream."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import envelope
from tests.support.servers import ForwardProxy, Reply, ScriptedUpstream
from viewer.config import Settings
from viewer.errors import UpstreamTimeout
from viewer.runs.proxies import environment_proxies
from viewer.runs.upstream import Endpoint, RunsApi, runs_api_for

RUN = {"id": "run_1", "status": "success"}
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ForwardProxy]:
    """A running forward proxy, and an environment that names no other."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    with ForwardProxy() as server:
        yield server


def api_for(url: str, **settings: float) -> RunsApi:
    return runs_api_for(
        Settings(runs_api_url=url, **settings), Endpoint(url, "server-token-0123456789")
    )


def test_http_proxy_from_the_environment_carries_the_upstream_call(
    scripted: ScriptedUpstream, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    scripted.script(Reply(200, envelope(RUN)))
    answer = api_for(scripted.url).get_run("run_1")
    assert answer.data["id"] == "run_1"
    assert proxy.seen == [f"{scripted.url}/v1/runs/run_1"]
    assert scripted.requests[0]["Authorization"] == "Bearer server-token-0123456789"


def test_no_proxy_names_the_hosts_reached_directly(
    scripted: ScriptedUpstream, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "example.org, 127.0.0.1")
    scripted.script(Reply(200, envelope(RUN)))
    assert api_for(scripted.url).get_run("run_1").data["id"] == "run_1"
    assert proxy.seen == []
    assert len(scripted.requests) == 1


def test_headers_trickled_through_the_proxy_still_end_at_the_total_deadline(
    scripted: ScriptedUpstream, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each byte comes well within the read timeout, so only a total deadline can stop it.
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    scripted.script(Reply(200, envelope(RUN), head_delay=0.1))
    with pytest.raises(UpstreamTimeout):
        api_for(scripted.url, retry_deadline=1.0, read_timeout=2.0).get_run("run_1")
    assert len(proxy.seen) == 1


def test_environment_proxies_read_as_httpx_reads_them(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "proxy.internal:3128")
    monkeypatch.setenv("ALL_PROXY", "http://all.internal:8080")
    monkeypatch.setenv("NO_PROXY", "localhost,10.0.0.1,::1,.corp.example,example.com")
    assert environment_proxies() == {
        "https://": "http://proxy.internal:3128",
        "all://": "http://all.internal:8080",
        "all://localhost": None,
        "all://10.0.0.1": None,
        "all://[::1]": None,
        "all://*.corp.example": None,
        "all://*example.com": None,
    }
    monkeypatch.setenv("NO_PROXY", "*")
    assert environment_proxies() == {}
