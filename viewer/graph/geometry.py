"""Every size the diagram is drawn with, in one place (SVG user units: CSS pixels at zoom 1).

Every part of a box is drawn at these offsets from the box's top-left corner; a step's link is
placed at its name's start (LABEL_X, NAME_Y) and draws its parts from there (viewer/graph/svg.py).
"""

from __future__ import annotations

from dataclasses import dataclass

NODE_W = 200  # every box
NODE_H = 56
CORNER = 8  # a box's corner radius (the trigger's, NODE_H // 2, is graph.css's alone)
RANK_GAP = 72  # between the bottom of one row of boxes and the top of the next
MARGIN = 24  # round the whole diagram
LOOP_W = 32  # how far a self-loop reaches right of its box
LOOP_Y = 18  # where it leaves the box's right edge, from its top
LOOP_H = 20  # and how far below that it comes back
NODE_GAP = 32  # least room between two boxes side by side
POINT_GAP = 12  # least room between two arrows passing side by side

LABEL_X = 34  # where a box's texts start, from its left edge
NAME_Y = 23  # baseline of the name, from the box's top
TYPE_Y = 42  # baseline of the type line
ICON_X = 10  # the status icon's top-left corner (16 x 16), from the box's top-left
ICON_Y = 11

TAG_W = 64  # the "Trigger" tag on the root's top edge
TAG_H = 20
TAG_RIGHT = 14  # from the box's right edge

CLUSTER_SHADOW = 5  # the second box peeking out under a box of several steps
BAR_Y = 46  # the proportion bar of a box of several steps
BAR_H = 5  # graph.css draws it (.cluster .seg)
BAR_INSET = 8

GROUP_PAD = 12  # a block's frame round its boxes
GROUP_HEAD = 22  # room above a block's first row for its title
GROUP_TEXT_Y = 18  # title baseline inside the frame
GROUP_CORNER = 12  # graph.css draws it (.group rect)

NAME_SIZE = 13  # px of a box's name (bold), as graph.css draws it
TYPE_SIZE = 11  # its type line, or a box of several steps' counts
SMALL_SIZE = 12  # a block's title, "Show all" and "Collapse" (bold)
TEXT_RIGHT = 8  # a box's texts end this far inside its right edge

PORT_GAP = 14.0  # between arrows arriving at (or leaving) one box side by side
PORT_SPAN = 0.6  # share of a box's width that such arrows may spread over


@dataclass(frozen=True, slots=True)
class Geometry:
    """The numbers the diagram is drawn with, from a box's top-left corner. The box's size,
    corners and offset from a step's place (its name's start) are graph.css's too
    (.steps > a > rect), which the <svg>'s data-box repeats: w h corner label_x name_y."""

    w: int = NODE_W
    h: int = NODE_H
    corner: int = CORNER
    label_x: int = LABEL_X
    name_y: int = NAME_Y
    type_y: int = TYPE_Y
    icon_x: int = ICON_X
    icon_y: int = ICON_Y
    right: int = NODE_W - 10  # right-aligned texts ("Show all") end here
    tag_x: int = NODE_W - TAG_RIGHT - TAG_W
    tag_y: int = -TAG_H // 2
    tag_w: int = TAG_W
    tag_h: int = TAG_H
    shadow: int = CLUSTER_SHADOW
    bar_y: int = BAR_Y
    group_text_x: int = GROUP_PAD
    group_text_y: int = GROUP_TEXT_Y


GEOMETRY = Geometry()
