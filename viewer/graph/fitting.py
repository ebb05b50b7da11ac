"""Texts cut to fit the diagram's boxes, by their width in pixels.

Widths are DejaVu Sans's (measured in Chromium), the widest font of app.css's stack
(system-ui on Linux is DejaVu Sans; Segoe UI, San Francisco and Roboto draw narrower), so a
label fitted here stays inside its box whichever of them the reader's system uses."""

from __future__ import annotations

from functools import lru_cache
from unicodedata import combining, east_asian_width

# Advance widths of ASCII 32 (space) to 126 (~), in thousandths of the font size.
BOLD = (  # weight 600: names
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 680, 703, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
    500, 675, 716, 593, 716, 678, 405, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
)  # fmt: skip
BOOK = (  # weight 400: types and counts
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 709, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 595, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 548, 635, 610, 344, 635, 634, 278, 278, 579, 278, 974, 634, 606,
    635, 635, 393, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
WIDE = 1000  # a CJK character, an emoji, the ellipsis
OTHER = 850  # any other letter: as wide as the widest capitals (accented letters are narrower)
SAFETY = 1.02  # rounding, hinting, and fonts that differ a little


@lru_cache(maxsize=32768)
def fit(text: str, room: float, size: float, bold: bool = False) -> str:
    """The text, cut with an ellipsis where it would be wider than `room` pixels in a font of
    `size` pixels (bold: weight 600)."""
    table = BOLD if bold else BOOK
    scale = size * SAFETY / 1000
    limit = room / scale
    ellipsis = WIDE
    total = 0
    cut = 0
    for i, ch in enumerate(text):
        total += _advance(ch, table)
        if total + ellipsis <= limit:
            cut = i + 1
        if total > limit:
            return text[:cut].rstrip() + "…"
    return text


def width(text: str, size: float, bold: bool = False) -> float:
    """The text's width in pixels, as fit() counts it."""
    table = BOLD if bold else BOOK
    return sum(_advance(ch, table) for ch in text) * size * SAFETY / 1000


def _advance(ch: str, table: tuple[int, ...]) -> int:
    code = ord(ch)
    if 32 <= code < 127:
        return table[code - 32]
    if combining(ch):
        return 0
    return WIDE if east_asian_width(ch) in "WF" or ch == "…" else OTHER
