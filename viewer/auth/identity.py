"""Who is asking: nobody in particular, a person named by the sign-in proxy, or a token holder."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.datastructures import Headers

# One address, no list: WSGI servers join repeated headers with commas, so a comma means a
# second (perhaps forged) value arrived beside the proxy's own.
EMAIL = re.compile(r"[^@\s,;<>\"'()\[\]\\]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*")
MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class Identity:
    """What the account menu shows and what the audit log records as "who"."""

    mode: str
    display: str | None
    audit_name: str


ANONYMOUS = Identity("none", None, "anonymous")


@dataclass(frozen=True)
class Refusal:
    """Why a request gets no identity: the status and the words of the page that says so."""

    status: int
    title: str
    detail: str


NOT_SIGNED_IN = Refusal(
    401,
    "Sign-in required",
    "Open the viewer through the company sign-in. This request did not come through it, "
    "so the viewer does not know who you are.",
)


def token_identity(token: str) -> Identity:
    """A token holder, known in logs by a short hash of the token (never the token)."""
    digest = hashlib.sha256(token.encode()).hexdigest()[:12]
    return Identity("token", "Signed in with your runs API token", f"token:{digest}")


def trusted_networks(
    words: Iterable[str],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(word, strict=False) for word in words)


def is_trusted(
    remote_addr: str | None, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    """True when the address the connection came from is inside one of the networks."""
    try:
        address = ipaddress.ip_address((remote_addr or "").split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def client_address(
    remote_addr: str | None,
    forwarded_for: str | None,
    networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> str:
    """The address of the person's machine: the connection's address, unless that is a trusted
    proxy; then the last address in X-Forwarded-For that is not a trusted proxy itself (each
    proxy appends the address it saw, so entries left of the first untrusted one are whatever
    the client chose to send)."""
    address = remote_addr or "unknown"
    if not forwarded_for or not is_trusted(remote_addr, networks):
        return address
    for hop in reversed(forwarded_for.split(",")):
        hop = hop.strip()
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address
        address = hop
        if not is_trusted(hop, networks):
            return address
    return address


def proxy_identity(
    headers: Headers,
    header_name: str,
    remote_addr: str | None,
    networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network],
    allowed_domains: tuple[str, ...],
) -> Identity | Refusal:
    """The person the sign-in proxy names, if the request came from the proxy and names one."""
    if not is_trusted(remote_addr, networks):
        return NOT_SIGNED_IN
    email = (headers.get(header_name) or "").strip()
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL.fullmatch(email):
        return NOT_SIGNED_IN
    domain = email.rsplit("@", 1)[1].lower()
    if allowed_domains and domain not in {word.lstrip("@") for word in allowed_domains}:
        return Refusal(
            403,
            "This account may not use the viewer",
            f"You are signed in as {email}, but the viewer only accepts accounts from "
            f"{', '.join(allowed_domains)}. Sign in with your company account.",
        )
    return Identity("proxy", email, email)
