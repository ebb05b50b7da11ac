"""The malloc arena cap: applied on glibc, an operator's MALLOC_ARENA_MAX left as it is."""

from __future__ import annotations

import os

import pytest

from viewer.malloc import ARENAS, limit_arenas


def on_glibc() -> bool:
    try:
        return bool(os.confstr("CS_GNU_LIBC_VERSION"))
    except (ValueError, OSError):
        return False


@pytest.mark.skipif(not on_glibc(), reason="the cap is glibc's")
def test_arenas_are_capped_unless_the_operator_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert limit_arenas() == ARENAS == 2
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_arenas() == 4
