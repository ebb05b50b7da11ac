"""A module of another checkout (say /work/main), loaded beside this one's own for before/after
figures: `module_of(Path("/work/main"), "redact")` is that checkout's viewer/runs/redact.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def module_of(checkout: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"{name}_before", checkout / "viewer" / "runs" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
