"""Adversarial workflow shapes for the layout: each as (nodes, edges, starts)."""

from __future__ import annotations

import random

Shape = tuple[int, list[tuple[int, int]], list[int]]


def fan_into_chain(n: int = 2_400) -> Shape:
    """A root whose children are n steps that also form one chain (every root edge spans
    many layers)."""
    edges = [(0, v) for v in range(1, n + 1)] + [(v, v + 1) for v in range(1, n)]
    return n + 1, edges, [0]


def bipartite_layers(layers: int = 12, width: int = 40) -> Shape:
    """Layers of `width` steps, each step leading to every step of the next layer."""
    n = layers * width
    edges = [
        (k * width + i, (k + 1) * width + j)
        for k in range(layers - 1)
        for i in range(width)
        for j in range(width)
    ]
    return n + 1, [(n, j) for j in range(width)] + edges, [n]


def many_steps(n: int = 10_000, seed: int = 3) -> Shape:
    """n steps, each led to by one or two of the 60 before it."""
    rng = random.Random(seed)
    edges = []
    for v in range(1, n):
        for u in {rng.randrange(max(0, v - 60), v) for _ in range(1 + (rng.random() < 0.3))}:
            edges.append((u, v))
    return n, edges, [0]


def star(n: int = 10_000) -> Shape:
    """A root leading to n - 1 steps."""
    return n, [(0, v) for v in range(1, n)], [0]


def back_edges(n: int = 2_000, seed: int = 5) -> Shape:
    """A chain where every step also leads back to a random earlier step."""
    rng = random.Random(seed)
    edges = [(v, v + 1) for v in range(n - 1)] + [(v, rng.randrange(0, v)) for v in range(1, n)]
    return n, edges, [0]


SHAPES = {
    "fan into a chain of 2,400": fan_into_chain,
    "complete bipartite layers 12 x 40": bipartite_layers,
    "10,000 steps": many_steps,
    "star of 10,000": star,
    "2,000 steps, back edge each": back_edges,
}
