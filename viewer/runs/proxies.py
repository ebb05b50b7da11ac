"""The proxies the environment names, as httpx `mounts` patterns, read by httpx's own rules
(httpx keeps them in a private module and applies them only to its default transport)."""

from __future__ import annotations

import ipaddress
from urllib.request import getproxies


def _is_address(host: str, kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> bool:
    try:
        kind(host.split("/")[0])
    except ValueError:
        return False
    return True


def _bypass_pattern(host: str) -> str:
    """A NO_PROXY entry as a mounts pattern (curl's rules, as httpx reads them): an address or
    localhost exactly, `.example.com` its subdomains, `example.com` it and its subdomains."""
    if "://" in host:
        return host
    if _is_address(host, ipaddress.IPv4Address) or host.lower() == "localhost":
        return f"all://{host}"
    if _is_address(host, ipaddress.IPv6Address):
        return f"all://[{host}]"
    return f"all://*{host}"


def environment_proxies() -> dict[str, str | None]:
    """HTTP_PROXY, HTTPS_PROXY and ALL_PROXY by scheme (a proxy URL), NO_PROXY hosts (None:
    no proxy); nothing at all when NO_PROXY is `*`."""
    found = getproxies()
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https", "all"):
        if found.get(scheme):
            url = found[scheme]
            mounts[f"{scheme}://"] = url if "://" in url else f"http://{url}"
    for host in (entry.strip() for entry in found.get("no", "").split(",")):
        if host == "*":
            return {}
        if host:
            mounts[_bypass_pattern(host)] = None
    return mounts
