"""`python -m viewer` and `run-viewer`: serve the viewer with waitress on VIEWER_HOST:VIEWER_PORT.

One process for one machine; see viewer/gunicorn_conf.py for several worker processes.
"""

from __future__ import annotations

import ipaddress
import socket
import sys

from viewer.config import ConfigError, Settings


def is_loopback(host: str) -> bool:
    """True when every address the host name resolves to is a loopback address."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def check_listen_address(settings: Settings) -> None:
    """Refuse to serve without sign-in on an address other machines can reach."""
    if settings.auth_mode != "none" or settings.allow_public_without_auth:
        return
    if not is_loopback(settings.host):
        raise ConfigError(
            f"VIEWER_HOST={settings.host} is reachable from other machines, but VIEWER_AUTH=none "
            "lets anyone read runs. Use VIEWER_AUTH=proxy or token, listen on 127.0.0.1, or set "
            "VIEWER_ALLOW_PUBLIC_WITHOUT_AUTH=true if something else guards this address."
        )


def main() -> int:
    try:
        settings = Settings.from_env()
        check_listen_address(settings)
    except ConfigError as error:
        print(f"run viewer: configuration error: {error}", file=sys.stderr)
        return 2
    from viewer import create_app
    from viewer.collector import tune_collector
    from viewer.malloc import limit_arenas
    from viewer.serving import GracefulServer, allow_open_files
    from viewer.web.templating import compile_templates

    arenas = limit_arenas()  # before any thread allocates
    tune_collector()

    app = create_app(settings)  # configures logging
    compile_templates(app)  # before the first request, not during it
    allow_open_files(settings.connection_limit)
    server = GracefulServer(app, settings)
    source = "demo runs (no RUNS_API_URL set)" if settings.demo_mode else settings.runs_api_url
    print(
        f"run viewer on http://{settings.host}:{server.port}/ reading {source} "
        f"({settings.threads} threads, up to {settings.connection_limit} connections"
        + (f", {arenas} malloc arenas" if arenas else "")
        + ")",
        flush=True,
    )
    server.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
