"""Settings read from the environment once, converted explicitly, with clear errors."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

AUTH_MODES = ("none", "proxy", "token")
REDIS_SCHEMES = ("redis", "rediss", "unix")
MIN_SECRET_KEY_LENGTH = 32
LOG_FORMATS = ("text", "json")
MIN_METRICS_TOKEN_LENGTH = 16


class ConfigError(ValueError):
    """A setting has a value the viewer cannot use; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    """Everything the viewer reads from its environment."""

    runs_api_url: str | None = None
    runs_api_token: str | None = None
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    retry_attempts: int = 3
    retry_deadline: float = 15.0
    max_body_bytes: int = 16 * 1024 * 1024
    refresh_seconds: float = 3.0
    cache_live_seconds: float = 3.0  # VIEWER_REFRESH_SECONDS (up to 60) when read from the env
    cache_final_seconds: float = 300.0
    cache_max_bytes: int = 64 * 1024 * 1024
    timezone: str = "UTC"
    host: str = "127.0.0.1"
    port: int = 8000
    auth_mode: str = "none"
    allow_public_without_auth: bool = False
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    proxy_header: str = "X-Auth-Request-Email"
    trusted_proxies: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    allowed_email_domains: tuple[str, ...] = ()
    session_hours: float = 12.0
    behind_https: bool = False
    demo_running_seconds: float = 90.0
    redis_url: str | None = field(default=None, repr=False)
    upstream_concurrency: int = 16
    breaker_failures: int = 5
    breaker_seconds: float = 30.0
    threads: int = 32
    connection_limit: int = 1000
    shutdown_grace_seconds: float = 20.0
    log_format: str = "text"
    metrics_token: str | None = field(default=None, repr=False)

    @property
    def demo_mode(self) -> bool:
        return self.runs_api_url is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every setting; raise ConfigError naming the first bad one."""
        env = os.environ if environ is None else environ
        reader = _Reader(env)
        auth_mode = reader.choice("VIEWER_AUTH", AUTH_MODES, cls.auth_mode)
        threads = reader.whole("VIEWER_THREADS", cls.threads, low=1, high=512)
        refresh = reader.number("VIEWER_REFRESH_SECONDS", cls.refresh_seconds, low=0.5, high=300)
        settings = cls(
            runs_api_url=reader.url("RUNS_API_URL"),
            runs_api_token=reader.text("RUNS_API_TOKEN"),
            connect_timeout=reader.number(
                "RUNS_API_CONNECT_TIMEOUT", cls.connect_timeout, low=0.1, high=60
            ),
            read_timeout=reader.number("RUNS_API_TIMEOUT", cls.read_timeout, low=0.1, high=120),
            retry_attempts=reader.whole("RUNS_API_RETRIES", cls.retry_attempts, low=1, high=6),
            retry_deadline=reader.number(
                "RUNS_API_RETRY_DEADLINE", cls.retry_deadline, low=0.5, high=120
            ),
            max_body_bytes=reader.whole(
                "RUNS_API_MAX_BYTES", cls.max_body_bytes, low=1024, high=2**31
            ),
            refresh_seconds=refresh,
            # A live answer is shared for one refresh interval: whoever watches the run gets
            # data no older than their own polling, and the upstream one call per interval.
            cache_live_seconds=reader.number(
                "VIEWER_CACHE_LIVE_SECONDS", min(refresh, 60.0), low=0, high=60
            ),
            cache_final_seconds=reader.number(
                "VIEWER_CACHE_FINAL_SECONDS", cls.cache_final_seconds, low=0, high=86400
            ),
            cache_max_bytes=reader.whole(
                "VIEWER_CACHE_MAX_BYTES", cls.cache_max_bytes, low=0, high=2**34
            ),
            timezone=reader.timezone("VIEWER_TIMEZONE", cls.timezone),
            host=reader.text("VIEWER_HOST") or cls.host,
            port=reader.whole("VIEWER_PORT", cls.port, low=1, high=65535),
            auth_mode=auth_mode,
            allow_public_without_auth=reader.flag("VIEWER_ALLOW_PUBLIC_WITHOUT_AUTH"),
            secret_key=reader.secret_key("VIEWER_SECRET_KEY", required=auth_mode != "none"),
            proxy_header=reader.text("VIEWER_PROXY_HEADER") or cls.proxy_header,
            trusted_proxies=reader.networks("VIEWER_TRUSTED_PROXIES", cls.trusted_proxies),
            allowed_email_domains=reader.words("VIEWER_ALLOWED_EMAIL_DOMAINS"),
            session_hours=reader.number(
                "VIEWER_SESSION_HOURS", cls.session_hours, low=0.1, high=168
            ),
            behind_https=reader.flag("VIEWER_BEHIND_HTTPS"),
            demo_running_seconds=reader.number(
                "DEMO_RUNNING_SECONDS", cls.demo_running_seconds, low=1, high=86400
            ),
            redis_url=reader.redis_url("VIEWER_REDIS_URL"),
            # Half the threads by default: the other half stays free for pages that need no
            # upstream (health checks, static files, cached answers).
            upstream_concurrency=reader.whole(
                "VIEWER_UPSTREAM_CONCURRENCY", max(1, threads // 2), low=1, high=1024
            ),
            breaker_failures=reader.whole(
                "VIEWER_BREAKER_FAILURES", cls.breaker_failures, low=0, high=1000
            ),
            breaker_seconds=reader.number(
                "VIEWER_BREAKER_SECONDS", cls.breaker_seconds, low=1, high=3600
            ),
            threads=threads,
            connection_limit=reader.whole(
                "VIEWER_CONNECTION_LIMIT", cls.connection_limit, low=10, high=100_000
            ),
            shutdown_grace_seconds=reader.number(
                "VIEWER_SHUTDOWN_GRACE_SECONDS", cls.shutdown_grace_seconds, low=0, high=600
            ),
            log_format=reader.choice("VIEWER_LOG_FORMAT", LOG_FORMATS, cls.log_format),
            metrics_token=reader.secret("VIEWER_METRICS_TOKEN", MIN_METRICS_TOKEN_LENGTH),
        )
        settings.check()
        return settings

    def check(self) -> None:
        """Reject combinations that cannot work, with a message that says what to set."""
        if self.upstream_concurrency >= self.threads and self.threads > 1:
            raise ConfigError(
                f"VIEWER_UPSTREAM_CONCURRENCY={self.upstream_concurrency} leaves none of the "
                f"{self.threads} VIEWER_THREADS free: slow upstream calls could hold them all "
                "while health checks, static files and cached pages wait. Keep it below "
                "VIEWER_THREADS (half of it by default)."
            )
        if self.runs_api_url and not self.runs_api_token and self.auth_mode != "token":
            raise ConfigError(
                "RUNS_API_URL is set but RUNS_API_TOKEN is empty: set the runs API token, "
                "or use VIEWER_AUTH=token so each person signs in with their own."
            )
        if self.auth_mode == "token" and not self.runs_api_url:
            raise ConfigError(
                "VIEWER_AUTH=token needs RUNS_API_URL (the demo runs have no sign-in)."
            )
        if "_" in self.proxy_header:
            raise ConfigError(
                f"VIEWER_PROXY_HEADER={self.proxy_header!r}: use dashes, not underscores "
                "(proxies may drop or spoof underscore headers)."
            )


class _Reader:
    """Explicit conversion of environment strings, each failure naming its variable."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env

    def text(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def url(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(
                f"{name}={value!r} is not an http(s) URL such as https://api.example.com"
            )
        if parts.username or parts.password or parts.query or parts.fragment:
            raise ConfigError(f"{name} must be a plain base URL, without credentials or query")
        return value.rstrip("/")

    def secret_key(self, name: str, *, required: bool) -> str:
        """The configured key; a random one (per start) only where nothing depends on it."""
        value = self.text(name)
        if value is None and not required:
            return secrets.token_urlsafe(32)
        if value is None:
            raise ConfigError(
                f"{name} is not set, but VIEWER_AUTH is not none: sign-ins and forms are sealed "
                "with this key, and every worker and instance must share it. Set it to the same "
                f"random value of at least {MIN_SECRET_KEY_LENGTH} characters everywhere, e.g. "
                "the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        if len(value) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"{name} is too short ({len(value)} characters): use a random value of at least "
                f"{MIN_SECRET_KEY_LENGTH} characters"
            )
        return value

    def redis_url(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in REDIS_SCHEMES or not (parts.hostname or parts.path):
            raise ConfigError(
                f"{name} is not a Redis URL: use redis://host:6379/0, rediss://… (TLS) "
                "or unix:///path/to/redis.sock"
            )
        return value

    def whole(self, name: str, default: int, *, low: int, high: int) -> int:
        return int(self.number(name, default, low=low, high=high, whole=True))

    def number(
        self, name: str, default: float, *, low: float, high: float, whole: bool = False
    ) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw) if whole else float(raw)
        except ValueError:
            kind = "a whole number" if whole else "a number"
            raise ConfigError(f"{name}={raw!r} is not {kind}") from None
        if not low <= value <= high:
            raise ConfigError(f"{name}={raw} is out of range: use {low:g} to {high:g}")
        return value

    def secret(self, name: str, min_length: int) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        if len(value) < min_length or any(char.isspace() for char in value):
            raise ConfigError(
                f"{name} must be at least {min_length} characters without spaces "
                "(a random string, e.g. from `openssl rand -hex 32`)"
            )
        return value

    def flag(self, name: str) -> bool:
        raw = (self.text(name) or "false").lower()
        if raw in ("1", "true", "yes", "on"):
            return True
        if raw in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}={raw!r}: use true or false")

    def choice(self, name: str, options: tuple[str, ...], default: str) -> str:
        raw = (self.text(name) or default).lower()
        if raw not in options:
            raise ConfigError(f"{name}={raw!r}: use one of {', '.join(options)}")
        return raw

    def timezone(self, name: str, default: str) -> str:
        raw = self.text(name) or default
        try:
            ZoneInfo(raw)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"{name}={raw!r} is not a timezone name such as UTC or Europe/Paris"
            ) from None
        return raw

    def words(self, name: str) -> tuple[str, ...]:
        raw = self.text(name) or ""
        return tuple(word.strip().lower() for word in raw.split(",") if word.strip())

    def networks(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        words = self.words(name) or default
        for word in words:
            try:
                ipaddress.ip_network(word, strict=False)
            except ValueError:
                raise ConfigError(f"{name}: {word!r} is not an IP address or network") from None
        return words
