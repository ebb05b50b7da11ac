"""A bounded, thread-safe LRU of computed layouts, one per app, bounded in entries and bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from viewer.graph.draw import Drawing

T = TypeVar("T")


def drawing_bytes(drawing: Drawing) -> int:
    """What a drawing costs in memory, at most: its SVG text, its layout's points and parts.
    Fitted on generated workflows of 100 to 2,000 steps (about 90 bytes a point and 180 a box
    or edge besides the text), with a margin; tests/unit/test_cache_memory.py checks it."""
    layout = drawing.layout
    if layout is None:  # too costly to lay out: nothing but the fact is kept
        return 4096
    text = sum(len(edge.d) for edge in drawing.edges)
    points = sum(len(line) for line in layout.edges)
    parts = len(layout.boxes) + len(layout.edges)
    return 2 * text + 120 * points + 240 * parts + 4096


class LayoutCache(Generic[T]):
    """Keeps the most recently used values, at most `max_entries` and, when `size` is given,
    at most `max_bytes` by its measure; computes a missing one outside the lock (two threads
    may compute the same key once each; the first result is kept)."""

    def __init__(
        self,
        max_entries: int = 64,
        *,
        max_bytes: int | None = None,
        size: Callable[[T], int] | None = None,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = size
        self.bytes = 0
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[T, int]] = OrderedDict()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
        value = compute()
        cost = self.size(value) if self.size is not None else 0
        if self.max_bytes is not None and cost > self.max_bytes:
            return value
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key][0]
            self._entries[key] = (value, cost)
            self.bytes += cost
            while len(self._entries) > self.max_entries or (
                self.max_bytes is not None and self.bytes > self.max_bytes
            ):
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
