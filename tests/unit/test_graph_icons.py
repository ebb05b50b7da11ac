"""Icon path data made relative (viewer/graph/icons.py): each step draws its status icon as
"M{x} {y}" + one tail shared by every step of that status. (tests/browser/test_diagram.py
checks in Chromium that every icon draws the same shape both ways.)"""

from __future__ import annotations

import pytest

from viewer.graph.icons import at, number, relative
from viewer.runs.status import ICONS


def test_absolute_commands_become_relative_to_the_point_before() -> None:
    assert relative("M3 8.5l3.2 3.2L13 4.8") == (3, 8.5, "l3.2 3.2 6.8-6.9")
    assert relative("M4 4l8 8M12 4l-8 8") == (4, 4, "l8 8m0-8l-8 8")
    # after an arc the current point is its end: (2.5, 8), so "M8 5" is "m5.5-3"
    assert relative("M8 2.5a5.5 5.5 0 1 1-5.5 5.5M8 5v3l2 1.5") == (
        8,
        2.5,
        "a5.5 5.5 0 1 1-5.5 5.5m5.5-3v3l2 1.5",
    )
    warning = relative("M8 2L14.5 13.5H1.5L8 2M8 6.5v3.2")
    assert warning == (8, 2, "l6.5 11.5h-13l6.5-11.5m0 4.5v3.2")
    assert relative("M1 1C2 2 3 3 4 4S6 6 7 5z") == (1, 1, "c1 1 2 2 3 3s2 2 3 1z")
    # numbers after a moveto are lines, relative ones after a relative moveto
    assert relative("m1 2 3 4") == (1, 2, "l3 4")
    assert relative("M1 2 3 4") == (1, 2, "l2 2")


def test_every_status_icon_converts_and_is_placed_by_its_box() -> None:
    for d in ICONS.values():
        x, y, tail = relative(d)
        assert tail and not any(c.isupper() for c in tail)
        assert at(d, 100, 50) == f"M{number(100 + x)} {number(50 + y)}{tail}"
    assert at(ICONS["success"], 3814, 675) == "M3817 683.5l3.2 3.2 6.8-6.9"


def test_numbers_are_short() -> None:
    assert [number(v) for v in (0.5, -0.6, 6.800000000000001, 2.0, -0.001, 12.345)] == [
        ".5",
        "-.6",
        "6.8",
        "2",
        "0",
        "12.35",
    ]


def test_path_data_without_a_first_moveto_is_refused() -> None:
    with pytest.raises(ValueError, match="must start with a moveto"):
        relative("l1 1")
