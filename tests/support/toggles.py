"""The diagram's expand and collapse links as graph.js follows them (static/graph.js fragmentOf):
the graph fragment named by the diagram's root, with the `boxes` of the toggle's page link."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

ROOT = re.compile(r'<div class="graph" [^>]*?data-fragment="([^"]+)"')
TOGGLE = re.compile(r'<a class="(?:cluster )?toggle" href="([^"]+)"')


def toggle_fragments(html: str, start: int = 0) -> list[str]:
    """For each toggle in the diagram (from `start` in `html` on), in order: the fragment URL
    that graph.js fetches."""
    base = unescape(ROOT.search(html)[1])
    out = []
    for href in TOGGLE.findall(html, start):
        boxes = parse_qs(urlsplit(unescape(href)).query).get("boxes")
        out.append(base + (f"?boxes={quote(boxes[0], safe='')}" if boxes else ""))
    return out
