"""The layout cache: an LRU bounded in entries and in estimated bytes, safe across threads."""

from __future__ import annotations

import threading

from viewer.graph.cache import LayoutCache, drawing_bytes
from viewer.graph.draw import draw
from viewer.graph.layout import layered_layout
from viewer.graph.plan import Plan
from viewer.graph.work import Work


def test_the_layout_cache_is_a_bounded_lru() -> None:
    cache: LayoutCache[int] = LayoutCache(2)
    assert cache.get_or_compute("a", lambda: 1) == 1
    assert cache.get_or_compute("b", lambda: 2) == 2
    assert cache.get_or_compute("a", lambda: 99) == 1
    assert cache.get_or_compute("c", lambda: 3) == 3
    assert cache.get_or_compute("b", lambda: 20) == 20
    assert len(cache) == 2


def chain_with_root_links(n: int) -> Plan:
    edges = [(i, i + 1) for i in range(n - 1)] + [(0, i) for i in range(2, n)]
    return Plan(tuple(str(i) for i in range(n)), tuple(edges), (None,) * n, (0,))


def test_three_huge_layouts_are_not_all_kept() -> None:
    """A root leading to every step of a 2,000-step chain: its estimate is what it holds,
    and the byte bound keeps two such layouts, not three."""
    drawn = draw(chain_with_root_links(2_000))
    size = drawing_bytes(drawn)
    assert 2_000 * 100 < size < 2_000 * 5_000  # linear in the steps, not quadratic
    cache: LayoutCache = LayoutCache(64, max_bytes=int(size * 2.5), size=drawing_bytes)
    for version in range(3):
        cache.get_or_compute(("wf", version), lambda: drawn)
    assert len(cache) == 2
    assert cache.bytes <= size * 2.5


def test_a_shape_too_costly_to_lay_out_is_kept_as_that_fact_alone() -> None:
    refused = draw(chain_with_root_links(300), Work(limit=1_000))
    assert refused.layout is None
    assert drawing_bytes(refused) <= 4096


def test_the_layout_cache_is_safe_across_threads() -> None:
    cache: LayoutCache[int] = LayoutCache(16)
    results: list[int] = []

    def work() -> None:
        for j in range(200):
            results.append(cache.get_or_compute(j % 20, lambda j=j: j % 20))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 800
    assert len(cache) == 16


def test_a_layout_records_the_work_it_took() -> None:
    layout = layered_layout(3, [(0, 1), (1, 2)])
    assert 0 < layout.work < 1_000
