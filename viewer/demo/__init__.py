"""The demo runs API, the viewer's built-in upstream when no real API is configured."""

from viewer.demo.api import (
    DEMO_RUN_IDS,
    DEMO_TOKEN,
    GENERATED_RUN_ID,
    LIVE_RUN_ID,
    create_demo_api,
    load_demo_runs,
)

__all__ = [
    "DEMO_RUN_IDS",
    "DEMO_TOKEN",
    "GENERATED_RUN_ID",
    "LIVE_RUN_ID",
    "create_demo_api",
    "load_demo_runs",
]
