"""What objects really cost in memory: the measure tests hold the caches' estimates against."""

from __future__ import annotations

import sys
from typing import Any

_LEAVES = (str, bytes, int, float, bool, type(None))


def deep_size(*roots: object) -> int:
    """Bytes of every object reachable from the roots (containers, dataclasses, objects with
    __dict__ or __slots__), each counted once."""
    seen: set[int] = set()
    total = 0
    stack: list[Any] = list(roots)
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, _LEAVES):
            continue
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        else:
            if hasattr(item, "__dict__"):
                stack.append(vars(item))
            for cls in type(item).__mro__:
                for slot in getattr(cls, "__slots__", ()):
                    stack.append(getattr(item, slot, None))
    return total
