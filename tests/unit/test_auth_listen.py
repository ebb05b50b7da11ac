"""VIEWER_AUTH=none: the viewer refuses to listen where other machines could reach it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import TEST_SETTINGS
from viewer import __main__ as entry
from viewer.config import ConfigError, Settings


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.5"])
def test_loopback_is_allowed_without_sign_in(host: str) -> None:
    entry.check_listen_address(replace(TEST_SETTINGS, host=host))


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "no-such-host.invalid"])  # noqa: S104
def test_reachable_address_is_refused_without_sign_in(host: str) -> None:
    with pytest.raises(ConfigError, match="VIEWER_AUTH=none"):
        entry.check_listen_address(replace(TEST_SETTINGS, host=host))


@pytest.mark.parametrize(
    "overrides",
    [{"auth_mode": "proxy"}, {"auth_mode": "token"}, {"allow_public_without_auth": True}],
)
def test_reachable_address_is_allowed_with_sign_in_or_explicit_opt_out(overrides: dict) -> None:
    entry.check_listen_address(replace(TEST_SETTINGS, host="0.0.0.0", **overrides))  # noqa: S104


def test_main_exits_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in (
        "RUNS_API_URL",
        "RUNS_API_TOKEN",
        "VIEWER_AUTH",
        "VIEWER_ALLOW_PUBLIC_WITHOUT_AUTH",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VIEWER_HOST", "0.0.0.0")  # noqa: S104
    served: list[object] = []
    monkeypatch.setattr("waitress.serve", lambda *args, **kwargs: served.append(args))
    assert entry.main() == 2
    assert "VIEWER_ALLOW_PUBLIC_WITHOUT_AUTH" in capsys.readouterr().err
    assert served == []


@pytest.mark.parametrize(
    ("environ", "field", "expected"),
    [
        ({}, "session_hours", 12.0),
        ({"VIEWER_SESSION_HOURS": "1.5"}, "session_hours", 1.5),
        ({}, "behind_https", False),
        ({"VIEWER_BEHIND_HTTPS": "true"}, "behind_https", True),
        ({"VIEWER_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}, "trusted_proxies", ("10.0.0.0/8", "::1")),
        (
            {"VIEWER_ALLOWED_EMAIL_DOMAINS": "Example.com,b.test"},
            "allowed_email_domains",
            ("example.com", "b.test"),
        ),
    ],
)
def test_auth_settings_from_env(environ: dict, field: str, expected: object) -> None:
    assert getattr(Settings.from_env(environ), field) == expected


@pytest.mark.parametrize(
    "environ",
    [
        {"VIEWER_SESSION_HOURS": "0"},
        {"VIEWER_SESSION_HOURS": "1000"},
        {"VIEWER_BEHIND_HTTPS": "maybe"},
        {"VIEWER_AUTH": "password"},
        {"VIEWER_PROXY_HEADER": "X_Auth_Email"},
        {"VIEWER_TRUSTED_PROXIES": "proxy.internal"},
    ],
)
def test_bad_auth_settings_are_refused(environ: dict) -> None:
    with pytest.raises(ConfigError):
        Settings.from_env(environ)
