"""Icon path data made relative, so that the diagram draws each step's icon as one plain
<path>: "M{x} {y}" of its first point, then the same relative tail for every status (no <use>:
see viewer/graph/svg.py); a step's icon, drawn from the step's own place, is then the same
for every step of a status."""

from __future__ import annotations

import re
from functools import lru_cache

TOKEN = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?")
# Numbers each command takes; the flags of an arc (A) are numbers too.
ARITY = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "s": 4, "q": 4, "t": 2, "a": 7, "z": 0}


def number(value: float) -> str:
    """Shortest text of a coordinate: 2 decimals at most, no leading zero (".5", "-.6")."""
    text = f"{round(value, 2):.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _numbers(values: list[float], after: str = "") -> str:
    """Numbers joined as path data (`after`: the number before them, if any): a space
    between two unless a minus sign, or a point after a number that has one, separates them."""
    out = ""
    for value in values:
        text = number(value)
        joined = text.startswith("-") or (text.startswith(".") and "." in after)
        out += text if not after or joined else " " + text
        after = text
    return out


@lru_cache(maxsize=64)
def relative(d: str) -> tuple[float, float, str]:
    """(x, y, tail): `d` drawn the same as "M{x} {y}" + tail, where tail uses only relative
    commands. `d` must start with a moveto (every icon of ours does)."""
    tokens = TOKEN.findall(d)
    if not tokens or tokens[0] not in "Mm":
        raise ValueError(f"icon path data must start with a moveto: {d!r}")
    x = y = start_x = start_y = 0.0
    first: tuple[float, float] | None = None
    tail = ""
    i = 0
    command = last = ""
    numbers = [""]
    while i < len(tokens):
        if tokens[i].isalpha():
            command = tokens[i]
            i += 1
        lower = command.lower()
        args = [float(t) for t in tokens[i : i + ARITY[lower]]]
        i += ARITY[lower]
        absolute = command.isupper()
        if lower == "z":
            tail += "z"
            x, y = start_x, start_y
            if i < len(tokens) and not tokens[i].isalpha():
                raise ValueError(f"numbers after a closepath: {d!r}")
            continue
        rel = _relative_args(lower, args, x, y) if absolute else args
        x, y = _end(lower, rel, x, y)
        if lower == "m":
            start_x, start_y = x, y
            if first is None:
                first = (x, y)
                command = "l" if command == "m" else "L"  # further pairs are lines
                continue
        # a command repeated needs its letter once ("l4 4-4 4"), but not after a moveto
        repeated = lower == last and lower != "m"
        tail += _numbers(rel, numbers[-1]) if repeated else lower + _numbers(rel)
        numbers = [number(v) for v in rel]
        last = lower
        if lower == "m":
            command = "l" if command == "m" else "L"
    assert first is not None
    return first[0], first[1], tail


def _relative_args(command: str, args: list[float], x: float, y: float) -> list[float]:
    """An absolute command's numbers, relative to the current point (x, y)."""
    if command == "h":
        return [args[0] - x]
    if command == "v":
        return [args[0] - y]
    if command == "a":
        return [*args[:5], args[5] - x, args[6] - y]
    return [v - (y if k % 2 else x) for k, v in enumerate(args)]


def _end(command: str, rel: list[float], x: float, y: float) -> tuple[float, float]:
    """The current point after a relative command."""
    if command == "h":
        return x + rel[0], y
    if command == "v":
        return x, y + rel[0]
    return x + rel[-2], y + rel[-1]


def at(d: str, x: float, y: float) -> str:
    """The icon `d` (drawn in a 16 x 16 box) with its box's top-left corner at (x, y)."""
    mx, my, tail = relative(d)
    return f"M{number(x + mx)} {number(y + my)}{tail}"
