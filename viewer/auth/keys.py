"""Keys for the session cookie and CSRF tokens, each derived from VIEWER_SECRET_KEY by HKDF."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def derive_key(secret_key: str, purpose: str) -> bytes:
    """32 bytes for one purpose; different purposes give unrelated keys."""
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"run-viewer",
        info=f"run-viewer {purpose} v1".encode(),
    )
    return hkdf.derive(secret_key.encode())
