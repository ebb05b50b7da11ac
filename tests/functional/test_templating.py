"""Templates are compiled when the server starts, not by the first requests."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from viewer.web.templating import compile_templates


def test_after_start_up_no_page_compiles_a_template(app: Flask) -> None:
    assert compile_templates(app) == len(app.jinja_env.list_templates())

    def compile_again(*_args: Any, **_kwargs: Any) -> None:
        pytest.fail("a template was compiled during a request")

    app.jinja_env.compile = compile_again  # type: ignore[method-assign]
    client = app.test_client()
    for path in ("/", "/runs/run_8fd21b6c07", "/runs/run_8fd21b6c07?view=timeline"):
        assert client.get(path).status_code == 200
    assert client.get("/_fragments/runs/run_8fd21b6c07/steps/balance").status_code == 200
    assert client.get("/runs/run_missing0").status_code == 404
