"""What sign-in keeps per app: the session box, sign-outs, the CSRF key, the rate limiter,
trusted proxies."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from flask import current_app

from viewer.auth.identity import trusted_networks
from viewer.auth.keys import derive_key
from viewer.auth.ratelimit import RateLimiter
from viewer.auth.revocations import Revocations
from viewer.auth.session import SessionBox
from viewer.config import Settings
from viewer.redis_store import SharedRedis

SIGNIN_ATTEMPTS = 10
SIGNIN_WINDOW_SECONDS = 300.0


@dataclass(frozen=True)
class AuthState:
    box: SessionBox
    revocations: Revocations
    csrf_key: bytes
    limiter: RateLimiter
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]

    @classmethod
    def for_settings(cls, settings: Settings, store: SharedRedis | None = None) -> AuthState:
        """`store` (VIEWER_REDIS_URL) shares sign-outs and the rate limit between instances."""
        return cls(
            box=SessionBox(settings.secret_key, int(settings.session_hours * 3600)),
            revocations=Revocations(store),
            csrf_key=derive_key(settings.secret_key, "csrf"),
            limiter=RateLimiter(SIGNIN_ATTEMPTS, SIGNIN_WINDOW_SECONDS, store),
            networks=trusted_networks(settings.trusted_proxies),
        )


def auth_state() -> AuthState:
    return current_app.extensions["viewer_auth"]
