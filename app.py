"""Entry point for `flask --app app run` and WSGI servers."""

from viewer import create_app

app = create_app()
