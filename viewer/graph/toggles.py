"""Which boxes a person opened or closed, carried in links in a compact, capped form.

The state is one query value, `boxes`: dot-separated entries, `e<n>` for the fan-out whose
parent is step number n (in the definition's order) shown in full, `c<n>` for block number n
drawn as one box; numbers in base 36. `e1k.c5` is fan-out parent 56 expanded, block 5
collapsed. Past MAX_BOXES entries or MAX_TOKEN characters the request is refused (400), so a
link cannot grow without end and no answer repeats a long one many times.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from viewer.errors import InvalidView
from viewer.graph.build import Graph

Boxes = tuple[frozenset[int], frozenset[int]]  # (fan-out parent numbers, block numbers)
NO_BOXES: Boxes = (frozenset(), frozenset())
MAX_BOXES = 256
MAX_TOKEN = 1_536
URL_SAFE = re.compile(r"[A-Za-z0-9_.~:-]*")  # left as they are in a query value
ENTRY = re.compile(r"([ec])([0-9a-z]{1,4})")
DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def parse_boxes(token: str) -> Boxes:
    """(fan-out parent numbers, block numbers) from a `boxes` value; InvalidView if it is
    malformed or past the caps."""
    if not token:
        return frozenset(), frozenset()
    if len(token) > MAX_TOKEN:
        raise InvalidView(
            f"This link carries {len(token):,} characters of diagram settings; "
            f"at most {MAX_TOKEN:,} are accepted. Open the run again from its plain address."
        )
    entries = token.split(".")
    if len(entries) > MAX_BOXES:
        raise InvalidView(
            f"This link opens or closes {len(entries):,} boxes of the diagram; at most "
            f"{MAX_BOXES} are accepted. Open the run again from its plain address."
        )
    expanded: set[int] = set()
    collapsed: set[int] = set()
    for entry in entries:
        match = ENTRY.fullmatch(entry)
        if match is None:
            raise InvalidView(
                "This link's diagram settings cannot be read. "
                "Open the run again from its plain address."
            )
        (expanded if match[1] == "e" else collapsed).add(int(match[2], 36))
    return frozenset(expanded), frozenset(collapsed)


def boxes_token(expanded: Iterable[int], collapsed: Iterable[int]) -> str:
    """The `boxes` value for these fan-out parents and blocks (sorted, so one state has one
    link)."""
    entries = [f"e{_base36(n)}" for n in sorted(set(expanded))]
    entries += [f"c{_base36(n)}" for n in sorted(set(collapsed))]
    return ".".join(entries)


def _base36(n: int) -> str:
    out = ""
    while True:
        n, digit = divmod(n, 36)
        out = DIGITS[digit] + out
        if not n:
            return out


def resolve(graph: Graph, boxes: Boxes) -> tuple[frozenset[str], frozenset[str]]:
    """(fan-out parents' step ids, block ids) for parsed numbers; InvalidView for a number
    this workflow has no step or block for."""
    expanded, collapsed = boxes
    if any(n >= len(graph.nodes) for n in expanded) or any(
        n >= len(graph.groups) for n in collapsed
    ):
        raise InvalidView(
            "This link's diagram settings name boxes this workflow does not have. "
            "Open the run again from its plain address."
        )
    return (
        frozenset(graph.nodes[n].id for n in expanded),
        frozenset(graph.groups[n].id for n in collapsed),
    )


def quote_value(text: str) -> str:
    return text if URL_SAFE.fullmatch(text) else quote(text, safe=":")


class Links:
    """Step links, page URLs with one more fan-out or block toggled, and the graph fragment's
    URL (graph.js fetches the diagram alone from it, with a toggle's `boxes`)."""

    def __init__(
        self, run_id: str, graph: Graph, expanded: frozenset[str], collapsed: frozenset[str]
    ) -> None:
        self.fragment = f"/_fragments/runs/{quote_value(run_id)}/graph"
        self.step_number = {node.id: i for i, node in enumerate(graph.nodes)}
        self.block_number = {group.id: i for i, group in enumerate(graph.groups)}
        self.expanded = {self.step_number[s] for s in expanded if s in self.step_number}
        self.collapsed = {self.block_number[b] for b in collapsed if b in self.block_number}

    @staticmethod
    def step(step_id: str) -> str:
        return "?node=" + quote_value(step_id)

    def toggled(self, *, expand: str = "", collapse: str = "", reopen: str = "") -> str:
        """The page URL (relative to the run page) of the toggled state."""
        expanded = set(self.expanded)
        collapsed = set(self.collapsed)
        if expand in self.step_number:
            expanded.add(self.step_number[expand])
        if collapse in self.block_number:
            collapsed.add(self.block_number[collapse])
        collapsed.discard(self.block_number.get(reopen, -1))
        token = boxes_token(expanded, collapsed)
        return f"?steps=all&boxes={token}" if token else "?steps=all"
