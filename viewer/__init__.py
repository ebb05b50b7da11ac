"""The run viewer: a Flask app that shows what one run of a workflow did."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
from flask import Flask
from flask_compress import Compress

from viewer import auth, security
from viewer.config import Settings
from viewer.graph.cache import LayoutCache
from viewer.runs import upstream
from viewer.web import audit, errors, formatting, fragments, loading, pages, raw

ROOT = Path(__file__).resolve().parent.parent


def create_app(
    settings: Settings | None = None, *, transport: httpx.BaseTransport | None = None
) -> Flask:
    """Build the app: settings, the upstream client, blueprints and error handlers.

    `transport` replaces the network for the runs API (tests use the demo API in-process).
    """
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(
        VIEWER_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=64 * 1024,
        COMPRESS_MIMETYPES=["text/html", "text/css", "application/javascript", "application/json"],
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_MIN_SIZE=1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.jinja_env.autoescape = True
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    upstream.init_app(app, settings, transport)
    app.extensions["layout_cache"] = LayoutCache(max_entries=64)
    loading.init_app(app)
    formatting.init_app(app)
    security.init_app(app)
    Compress(app)
    for blueprint in (pages.bp, raw.bp, fragments.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    auth.init_app(app)
    audit.init_app(app)
    return app
