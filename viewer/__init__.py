"""The run viewer: a Flask app that shows what one run of a workflow did."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
from flask import Flask
from flask_compress import Compress

from viewer import auth, explain, logs, metrics, redis_store, security
from viewer.config import Settings
from viewer.graph.cache import LayoutCache
from viewer.runs import service
from viewer.runs.upstream import Endpoint
from viewer.web import (
    access,
    assets,
    audit,
    diagrams,
    errors,
    formatting,
    fragments,
    health,
    pages,
    preferences,
    raw,
)

PACKAGE = Path(__file__).resolve().parent


def asset_folder(name: str) -> Path:
    """`templates` or `static`: inside the package when installed from a wheel, else the
    checkout's top-level folder."""
    installed = PACKAGE / name
    return installed if installed.is_dir() else PACKAGE.parent / name


def create_app(
    settings: Settings | None = None, *, transport: httpx.BaseTransport | None = None
) -> Flask:
    """Build the app: settings, the upstream client, blueprints and error handlers.

    `transport` replaces the network for the runs API (tests use the demo API in-process).
    """
    settings = settings or Settings.from_env()
    app = Flask(
        __name__,
        template_folder=str(asset_folder("templates")),
        static_folder=str(asset_folder("static")),
    )
    app.config.update(
        VIEWER_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=64 * 1024,
        COMPRESS_MIMETYPES=["text/html", "application/json"],  # static files: web/assets.py
        COMPRESS_ALGORITHM=["gzip"],
        COMPRESS_MIN_SIZE=1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.jinja_env.autoescape = True
    logs.configure(settings.log_format)
    metrics.serving_threads(settings.threads)
    redis_store.init_app(app, settings.redis_url)
    service.init_app(app, settings, endpoint_for(settings, transport))
    # Layouts, and the diagrams drawn from them for finished runs (web/diagrams.py).
    app.extensions["layout_cache"] = LayoutCache(
        max_entries=64, max_bytes=settings.cache_max_bytes // 4, size=diagrams.kept_bytes
    )
    formatting.init_app(app)
    explain.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    Compress(app)
    for blueprint in (pages.bp, raw.bp, fragments.bp, explain.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app, {fragments.bp.name: errors.FRAGMENT, raw.bp.name: errors.JSON})
    auth.init_app(app)
    preferences.init_app(app)
    audit.init_app(app, (pages.bp.name, fragments.bp.name, raw.bp.name, explain.bp.name))
    health.init_app(app)
    access.init_app(app)
    return app


def endpoint_for(settings: Settings, transport: httpx.BaseTransport | None) -> Endpoint:
    """The configured runs API, or the built-in demo runs when RUNS_API_URL is unset."""
    if settings.runs_api_url is None:
        from viewer.demo import demo_endpoint

        demo = demo_endpoint(settings)
        return replace(demo, transport=transport) if transport is not None else demo
    # With VIEWER_AUTH=token every call carries the person's own token, never the server's.
    token = None if settings.auth_mode == "token" else settings.runs_api_token
    return Endpoint(settings.runs_api_url, token, transport)
