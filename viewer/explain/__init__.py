"""Explanations for people who are not engineers: what happened, errors explained, comparison
of two runs and a summary for a ticket."""

from __future__ import annotations

from flask import Flask

from viewer.explain import views
from viewer.explain.errors import catalogue, explain
from viewer.explain.story import StepRef

bp = views.bp


def init_app(app: Flask) -> None:
    """Template helpers; the routes are registered by create_app with the other blueprints."""
    catalogue()  # a malformed catalogue stops start-up, not a page view
    app.add_template_filter(explain)
    app.add_template_global(views.story_of)
    app.add_template_global(views.ticket_text)
    app.add_template_test(lambda part: isinstance(part, StepRef), "step_ref")
