"""Entry point for `flask --app app run` and WSGI servers."""

from viewer import create_app
from viewer.web.templating import compile_templates

app = create_app()
compile_templates(app)  # before the first request, not during it
