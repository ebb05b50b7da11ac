"""Content digests of parsed JSON values, cheap enough to take on every read.

`marshal` (format 2: no back-references, so equal content always gives equal bytes) writes
a parsed JSON value several times faster than `json.dumps`, and its encoding names each
value's type and length, so different content never gives the same bytes.
"""

from __future__ import annotations

import hashlib
import marshal
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

MARSHAL_VERSION = 2  # the last format without references: bytes depend on content alone
T = TypeVar("T")


def content_digest(value: object) -> tuple[str, int] | None:
    """A hex digest naming the value's content (dict order included) and the size of its
    encoding (close to its JSON's), or None when the value is not plain parsed JSON (or
    nests too deep to write)."""
    try:
        data = marshal.dumps(value, MARSHAL_VERSION)
    except ValueError:
        return None
    return hashlib.sha256(data).hexdigest(), len(data)


class ContentMemo(Generic[T]):
    """Values computed from a parsed JSON value (say a workflow definition), kept for its
    content: the same content gives the value computed before. Recent values are found by the
    object's identity first (the runs service hands out one redacted definition per content,
    so a repeated read costs no hashing), else by content digest. The values must be treated
    as read-only, and so must the objects they were computed from. At most SEEN objects are
    kept alive for their identity."""

    SEEN = 4

    def __init__(self, max_entries: int = 8, max_weight: int | None = None) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, tuple[T, int]] = OrderedDict()
        # id(value) -> (the value, kept alive so that its id is not reused; its digest)
        self._seen: OrderedDict[int, tuple[object, str]] = OrderedDict()

    def get(self, value: object, compute: Callable[[], T], weight: int = 1) -> T:
        """The value computed from `value`'s content; `weight` counts against max_weight."""
        with self._lock:
            seen = self._seen.get(id(value))
            found = self._kept.get(seen[1]) if seen and seen[0] is value else None
            if found is not None:
                self._kept.move_to_end(seen[1])
                return found[0]
        named = content_digest(value)
        if named is None:  # not plain parsed JSON: computed for this call alone
            return compute()
        digest = named[0]
        with self._lock:
            found = self._kept.get(digest)
        result = found[0] if found is not None else compute()
        with self._lock:
            self._kept[digest] = (result, weight)
            self._kept.move_to_end(digest)
            self._seen[id(value)] = (value, digest)
            self._seen.move_to_end(id(value))
            total = sum(w for _, w in self._kept.values())
            while len(self._kept) > self.max_entries or (
                self.max_weight is not None and len(self._kept) > 1 and total > self.max_weight
            ):
                total -= self._kept.popitem(last=False)[1][1]
            while len(self._seen) > self.SEEN:
                self._seen.popitem(last=False)
        return result

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._seen.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._kept)
