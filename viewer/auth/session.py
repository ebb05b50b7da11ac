"""The token-mode session: the person's runs API token, encrypted in a cookie with an expiry."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken

from viewer.auth.keys import derive_key

SESSION_COOKIE = "viewer_session"
MIN_TOKEN_LENGTH = 8
# A browser keeps cookies up to about 4 KB; a 2048-character token seals to about 2.8 KB.
MAX_TOKEN_LENGTH = 2048


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
        return self._fernet.encrypt_at_time(token.encode(), int(self.clock())).decode()

    def open(self, sealed: str | None) -> str | None:
        """The token, or None when the value is missing, forged, from another key or expired."""
        if not sealed:
            return None
        try:
            token = self._fernet.decrypt_at_time(
                sealed.encode(), self.lifetime_seconds, int(self.clock())
            )
        except (InvalidToken, UnicodeEncodeError):
            return None
        return clean_token(token.decode("ascii", "replace"))
