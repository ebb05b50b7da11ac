"""Blueprints: full pages, raw JSON, htmx fragments and the error handlers."""
