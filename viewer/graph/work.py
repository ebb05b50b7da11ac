"""A count of work units a layout may spend, so that no workflow's shape can stall the viewer."""

from __future__ import annotations

WORK_LIMIT = 40_000_000  # units (a node, point or link visited once); about 10 s of Python


class LayoutTooLarge(Exception):
    """The layout would cost more than its budget: the caller shows the steps as a list."""


class Work:
    """Adds up work units as a layout goes and stops it once past `limit`."""

    def __init__(self, limit: int = WORK_LIMIT) -> None:
        self.limit = limit
        self.spent = 0

    def add(self, units: int) -> None:
        self.spent += units
        if self.spent > self.limit:
            raise LayoutTooLarge(f"layout stopped after {self.spent:,} work units")
