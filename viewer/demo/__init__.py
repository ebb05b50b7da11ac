"""The demo runs API, the viewer's built-in upstream when no real API is configured."""

from __future__ import annotations

import httpx

from viewer.config import Settings
from viewer.demo.api import (
    DEMO_RUN_IDS,
    DEMO_TOKEN,
    GENERATED_RUN_ID,
    LIVE_RUN_ID,
    create_demo_api,
    load_demo_runs,
)
from viewer.runs.upstream import Endpoint


def demo_endpoint(settings: Settings) -> Endpoint:
    """The demo runs API in-process, through httpx's WSGI transport (the real client path)."""
    app = create_demo_api(token=DEMO_TOKEN, running_seconds=settings.demo_running_seconds)
    return Endpoint(
        base_url="http://demo-runs.invalid",
        token=DEMO_TOKEN,
        transport=httpx.WSGITransport(app=app),
        listed_runs=DEMO_RUN_IDS,
    )


__all__ = [
    "DEMO_RUN_IDS",
    "DEMO_TOKEN",
    "GENERATED_RUN_ID",
    "LIVE_RUN_ID",
    "create_demo_api",
    "demo_endpoint",
    "load_demo_runs",
]
