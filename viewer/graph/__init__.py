"""The workflow graph, in the order a request uses it: build (definition -> steps, arrows,
blocks and problems), plan (which steps share a box), layout (layered positions, cached via
cache.LayoutCache), draw (SVG strings), view (what templates/_graph.html renders)."""
