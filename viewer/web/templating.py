"""Templates compiled when the server starts, so that no request pays for compiling them."""

from __future__ import annotations

from flask import Flask

from viewer.web.later import release_digest


def compile_templates(app: Flask) -> int:
    """Compile every template of the app into its Jinja cache now, and say how many.

    Compiling them all takes about half a second of CPU, and a first render of the run page
    otherwise pays a good part of it. Servers call this once per process after create_app;
    tests do not (each test's app compiles only what it renders). The release's digest, which
    names a finished run's diagram rest (viewer/web/later.py), is taken now too (about 10 ms)."""
    env = app.jinja_env
    names = env.list_templates()
    for name in names:
        env.get_template(name)
    release_digest(app)
    return len(names)
