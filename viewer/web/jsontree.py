"""Large upstream values as a bounded tree to render: sizes shown, long text cut, a hard cap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from viewer.runs.text import CONTROL_CHARACTERS

MAX_NODES = 1500
MAX_DEPTH = 24
SHORT_TEXT = 240


@dataclass
class TreeNode:
    """One value: a scalar, or an object/array with children (possibly cut off)."""

    key: str | None
    kind: str
    text: str = ""
    full_text: str | None = None
    children: list[TreeNode] = field(default_factory=list)
    size: int = 0
    hidden_children: int = 0
    too_deep: bool = False  # children hidden because they sit deeper than MAX_DEPTH

    @property
    def summary(self) -> str:
        if self.kind == "object":
            return f"{{…}} {self.size} key{'' if self.size == 1 else 's'}"
        if self.kind == "array":
            return f"[…] {self.size} item{'' if self.size == 1 else 's'}"
        return self.text


@dataclass
class Tree:
    root: TreeNode
    truncated: bool  # some of the value is not shown (too many nodes, or too deep)
    too_deep: bool = False  # some of it is nested deeper than MAX_DEPTH
    depth_limit: int = MAX_DEPTH


def build_tree(value: Any) -> Tree:
    """A tree of at most MAX_NODES nodes and MAX_DEPTH levels; `truncated` says if it was cut.
    Recursion stops at MAX_DEPTH, so a value nested however deep costs MAX_DEPTH frames."""
    budget = [MAX_NODES]
    cut = [False, False]
    root = _node(None, value, 0, budget, cut)
    return Tree(root, cut[0] or cut[1], too_deep=cut[1])


def _node(key: str | None, value: Any, depth: int, budget: list[int], cut: list[bool]) -> TreeNode:
    budget[0] -= 1
    if isinstance(value, dict | list):
        items = list(value.items()) if isinstance(value, dict) else list(enumerate(value))
        node = TreeNode(key, "object" if isinstance(value, dict) else "array", size=len(items))
        if depth >= MAX_DEPTH:
            node.hidden_children = len(items)
            node.too_deep = bool(items)
            cut[1] = cut[1] or bool(items)
            return node
        for index, (child_key, child) in enumerate(items):
            if budget[0] <= 0:
                node.hidden_children = len(items) - index
                cut[0] = True
                break
            node.children.append(_node(visible_text(str(child_key)), child, depth + 1, budget, cut))
        return node
    return _scalar(key, value)


def _scalar(key: str | None, value: Any) -> TreeNode:
    if value is None:
        return TreeNode(key, "null", "null")
    if isinstance(value, bool):
        return TreeNode(key, "boolean", "true" if value else "false")
    if isinstance(value, int | float):
        return TreeNode(key, "number", repr(value))
    text = visible_text(str(value))
    if len(text) <= SHORT_TEXT:
        return TreeNode(key, "string", text, size=len(text))
    return TreeNode(key, "string", text[:SHORT_TEXT] + "…", full_text=text, size=len(text))


def visible_text(text: str) -> str:
    """Control and bidi-override characters shown as the replacement character."""
    return CONTROL_CHARACTERS.sub("\ufffd", text)
