"""Id checks, run ids from pasted links, and settings from the environment."""

from __future__ import annotations

import pytest

from viewer.config import ConfigError, Settings
from viewer.errors import InvalidId
from viewer.links import is_local_path, safe_link
from viewer.runs.ids import check_step_ids, run_id_from_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("run_8fd2", "run_8fd2"),
        ("https://x.example/runs/run_8fd2", "run_8fd2"),
        ("https://x.example/runs/run_8fd2/?node=a#b", "run_8fd2"),
        ("/runs/run_8fd2.json", "run_8fd2"),
    ],
)
def test_run_id_from_text(text: str, expected: str) -> None:
    assert run_id_from_text(text) == expected


@pytest.mark.parametrize("text", ["", "https://x.example/runs/", "run 1", "../x", "/runs/a%2Fb"])
def test_run_id_from_text_refuses(text: str) -> None:
    with pytest.raises(InvalidId):
        run_id_from_text(text)


def test_step_ids_are_deduplicated_and_bounded() -> None:
    assert check_step_ids(["a", "b", "a"]) == ["a", "b"]
    with pytest.raises(InvalidId):
        check_step_ids([])
    with pytest.raises(InvalidId):
        check_step_ids([f"s{i}" for i in range(51)])


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://etherscan.io/tx/0x1", True),
        ("http://x.example", True),
        ("javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<b>", False),
        ("//evil.example", False),
        ("/relative", False),
        (None, False),
    ],
)
def test_safe_link(url: object, ok: bool) -> None:
    assert (safe_link(url) is not None) is ok


@pytest.mark.parametrize(
    ("target", "ok"),
    [
        ("/runs/x?node=y", True),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example", False),
        ("runs/x", False),
        ("/x\r\nSet-Cookie: a", False),
    ],
)
def test_is_local_path(target: str, ok: bool) -> None:
    assert is_local_path(target) is ok


def test_defaults_are_the_demo() -> None:
    settings = Settings.from_env({})
    assert settings.demo_mode
    assert settings.port == 8000
    assert settings.host == "127.0.0.1"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RUNS_API_URL": "ftp://x"}, "RUNS_API_URL"),
        ({"RUNS_API_URL": "https://u:p@x.example"}, "without credentials"),
        ({"RUNS_API_URL": "https://x.example"}, "RUNS_API_TOKEN"),
        ({"RUNS_API_TIMEOUT": "soon"}, "RUNS_API_TIMEOUT"),
        ({"RUNS_API_TIMEOUT": "0"}, "out of range"),
        ({"VIEWER_PORT": "80.5"}, "whole number"),
        ({"VIEWER_AUTH": "magic"}, "VIEWER_AUTH"),
        ({"VIEWER_TIMEZONE": "Mars/Olympus"}, "VIEWER_TIMEZONE"),
        ({"VIEWER_TRUSTED_PROXIES": "not-an-ip"}, "VIEWER_TRUSTED_PROXIES"),
        ({"VIEWER_ALLOW_PUBLIC_WITHOUT_AUTH": "maybe"}, "true or false"),
        ({"VIEWER_AUTH": "token", "VIEWER_SECRET_KEY": "k" * 32}, "needs RUNS_API_URL"),
        ({"VIEWER_AUTH": "proxy"}, "VIEWER_SECRET_KEY is not set"),
        ({"VIEWER_AUTH": "token", "RUNS_API_URL": "https://x.example"}, "every worker"),
        ({"VIEWER_AUTH": "proxy", "VIEWER_SECRET_KEY": "short"}, "too short"),
        ({"VIEWER_REDIS_URL": "http://cache:6379"}, "not a Redis URL"),
        ({"VIEWER_REDIS_URL": "cache:6379"}, "VIEWER_REDIS_URL"),
        ({"VIEWER_UPSTREAM_CONCURRENCY": "0"}, "VIEWER_UPSTREAM_CONCURRENCY"),
        ({"VIEWER_BREAKER_FAILURES": "many"}, "VIEWER_BREAKER_FAILURES"),
        ({"VIEWER_BREAKER_SECONDS": "0"}, "VIEWER_BREAKER_SECONDS"),
        ({"VIEWER_THREADS": "8", "VIEWER_UPSTREAM_CONCURRENCY": "8"}, "leaves none"),
    ],
)
def test_bad_settings_say_which_and_why(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_a_redis_url_error_never_shows_its_password() -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"VIEWER_REDIS_URL": "http://:hunter2-secret@cache:6379"})
    assert "hunter2" not in str(raised.value)


def test_shared_state_and_upstream_guard_settings() -> None:
    settings = Settings.from_env(
        {
            "VIEWER_REDIS_URL": "redis://:pw@cache.internal:6379/2",
            "VIEWER_UPSTREAM_CONCURRENCY": "8",
            "VIEWER_BREAKER_FAILURES": "0",
            "VIEWER_BREAKER_SECONDS": "12.5",
            "VIEWER_AUTH": "proxy",
            "VIEWER_SECRET_KEY": "s" * 40,
        }
    )
    assert settings.redis_url == "redis://:pw@cache.internal:6379/2"
    assert "pw@" not in repr(settings)
    assert (settings.upstream_concurrency, settings.breaker_failures) == (8, 0)
    assert settings.breaker_seconds == 12.5
    assert settings.secret_key == "s" * 40
    assert Settings.from_env({"VIEWER_THREADS": "10"}).upstream_concurrency == 5
    assert Settings.from_env({}).upstream_concurrency == 16


def test_real_upstream_settings() -> None:
    settings = Settings.from_env(
        {
            "RUNS_API_URL": "https://api.example.com/",
            "RUNS_API_TOKEN": "t",
            "RUNS_API_TIMEOUT": "2.5",
        }
    )
    assert settings.runs_api_url == "https://api.example.com"
    assert settings.read_timeout == 2.5
    assert not settings.demo_mode


def test_an_empty_environment_gives_the_declared_defaults() -> None:
    read = Settings.from_env({})
    assert read == Settings(secret_key=read.secret_key)
