"""The token-mode session: an id and the person's runs API token, encrypted in a cookie with
an expiry. The id is what sign-out revokes (`viewer.auth.revocations`), so a copy of the cookie
stops working too."""

from __future__ import annotations

import base64
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

from viewer.auth.keys import derive_key

SESSION_COOKIE = "viewer_session"
MIN_TOKEN_LENGTH = 8
# A browser keeps cookies up to about 4 KB; a 2048-character token seals to about 2.8 KB.
MAX_TOKEN_LENGTH = 2048
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{22}")


def clean_token(text: str) -> str | None:
    """The token as pasted (surrounding space and a "Bearer " prefix dropped), or None when it
    cannot be one: 8 to 2048 visible ASCII characters, no spaces."""
    token = text.strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].lstrip()
    if not MIN_TOKEN_LENGTH <= len(token) <= MAX_TOKEN_LENGTH:
        return None
    if not all("!" <= char <= "~" for char in token):
        return None
    return token


@dataclass(frozen=True)
class Session:
    """An open session: its id, the person's token and when it ends (seconds since the epoch)."""

    id: str
    token: str
    ends_at: float


class SessionBox:
    """Seal a token into a cookie value (Fernet: AES-CBC + HMAC) and open it within its lifetime."""

    def __init__(
        self, secret_key: str, lifetime_seconds: int, clock: Callable[[], float] = time.time
    ) -> None:
        key = derive_key(secret_key, "session cookie")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self.lifetime_seconds = lifetime_seconds
        self.clock = clock

    def seal(self, token: str) -> str:
        """A new session for this token (a fresh random id), sealed for the cookie."""
        payload = f"{secrets.token_urlsafe(16)}.{token}"
        return self._fernet.encrypt_at_time(payload.encode(), int(self.clock())).decode()

    def open(self, sealed: str | None) -> Session | None:
        """The session, or None when the value is missing, forged, from another key or expired."""
        if not sealed:
            return None
        try:
            data = sealed.encode()
            payload = self._fernet.decrypt_at_time(data, self.lifetime_seconds, int(self.clock()))
            issued = self._fernet.extract_timestamp(data)
        except (InvalidToken, UnicodeEncodeError):
            return None
        session_id, _, token = payload.decode("ascii", "replace").partition(".")
        token = clean_token(token)
        if not SESSION_ID.fullmatch(session_id) or token is None:
            return None
        return Session(session_id, token, issued + self.lifetime_seconds)
