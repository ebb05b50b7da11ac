"""The links that close a cycle, found by one iterative depth-first search."""

from __future__ import annotations

from collections.abc import Sequence


def find_back_edges(succ: Sequence[Sequence[int]], starts: Sequence[int] = ()) -> list[int]:
    """Edges (as positions in the flattened succ lists) that close a cycle in a depth-first
    search from `starts`, then from sources, then from any node left, all in index order."""
    n = len(succ)
    first_edge = [0] * (n + 1)
    has_pred = bytearray(n)
    for u, out in enumerate(succ):
        first_edge[u + 1] = first_edge[u] + len(out)
        for v in out:
            has_pred[v] = 1
    state = bytearray(n)  # 0 unseen, 1 on the DFS path, 2 finished
    back: list[int] = []
    order = [*starts, *(u for u in range(n) if not has_pred[u]), *range(n)]
    for start in order:
        if state[start]:
            continue
        state[start] = 1
        stack = [(start, 0)]
        while stack:
            u, i = stack[-1]
            out = succ[u]
            while i < len(out):
                v = out[i]
                i += 1
                if state[v] == 0:
                    stack[-1] = (u, i)
                    state[v] = 1
                    stack.append((v, 0))
                    break
                if state[v] == 1:
                    back.append(first_edge[u] + i - 1)
            else:
                state[u] = 2
                stack.pop()
    return back
