"""Tune CPython's garbage collector for a server that reads large runs (called by the server
entry points, `python -m viewer` and the gunicorn config, not by create_app).

A large run is hundreds of thousands of small objects made in one request (parsed, redacted,
modelled, laid out). With CPython's default young-generation threshold (700) the collector
ran over and over meanwhile, full collections included: about a quarter of the server's time
for a 5,000-step page (bench/page.py). Young collections every 50,000 allocations instead;
older generations keep their default ratios, so cyclic garbage is still collected.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 10)


def tune_collector() -> tuple[int, int, int]:
    """Set the thresholds; returns them (for the start-up line)."""
    gc.set_threshold(*THRESHOLDS)
    return THRESHOLDS
