"""The run page sends a big diagram's first view only: on the trigger, or on the step in the
address (?node=); graph-later.js fetches the rest from the address the page gives
(/_fragments/runs/<id>/graph/rest), and a finished run's kept diagram is kept per such step.
The page drawn on the server (?steps=all, for browsers without JavaScript) sends it whole."""

from __future__ import annotations

import gzip
import re
from html import unescape

from flask.testing import FlaskClient

from tests.unit.test_graph_chunks import Layers
from viewer.demo.api import GENERATED_RUN_ID  # finished, 520 steps: too big to show whole

PAGE = f"/runs/{GENERATED_RUN_ID}"
REST = re.compile(r'<g class="viewport" data-rest="([^"]+)">')


def page_and_rest(client: FlaskClient, address: str) -> tuple[str, str, str]:
    """The page, where it says the rest is, and the rest as fetched from there."""
    page = client.get(address)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    found = REST.search(html)
    assert found, "a big diagram's page carries its first part and where the rest is"
    url = unescape(found[1])
    rest = client.get(url)
    assert rest.status_code == 200 and rest.mimetype == "text/html"
    return html, url, rest.get_data(as_text=True)


def as_drawn(html: str, rest: str) -> Layers:
    """The diagram once graph-later.js has put the rest after the first part."""
    start = html.index('<g class="viewport"')
    end = html.rindex("</g>", start, html.index("</svg>", start))  # the viewport's end
    return Layers(html[:end] + rest + html[end:])


def first_part(html: str) -> set[str]:
    return {step for step, chunk in Layers(html).steps if chunk is None}


def test_the_page_sends_the_first_part_and_the_rest_comes_from_the_address_it_gives(
    client: FlaskClient,
) -> None:
    html, url, rest = page_and_rest(client, PAGE)
    assert re.fullmatch(rf"/_fragments/runs/{GENERATED_RUN_ID}/graph/rest\?v=[0-9a-f]{{16}}", url)
    page = Layers(html)
    assert page.chunks == [] and page.steps, "no chunk in the page, only the first part"
    drawn = as_drawn(html, rest)
    assert len(drawn.chunks) > 3
    ids = [step for step, _ in drawn.steps]
    whole = Layers(client.get(f"{PAGE}?steps=all").get_data(as_text=True))
    assert sorted(ids) == sorted(step for step, _ in whole.steps), "each step once"
    assert 'class="later"' not in html and rest.startswith('<g class="later"')


def test_the_first_part_follows_the_step_the_page_opens_on(client: FlaskClient) -> None:
    plain, _, rest = page_and_rest(client, PAGE)
    trigger = "root"
    on_top = first_part(plain)
    assert trigger in on_top
    far = as_drawn(plain, rest).steps[-1][0]  # in the last chunk
    assert far not in on_top
    there, url, rest_there = page_and_rest(client, f"{PAGE}?node={far}")
    assert re.fullmatch(rf"/_fragments/runs/{GENERATED_RUN_ID}/graph/rest\?node={far}&v=\w+", url)
    assert far in first_part(there)
    assert trigger not in first_part(there)
    assert {s for s, _ in as_drawn(there, rest_there).steps} == {
        s for s, _ in as_drawn(plain, rest).steps
    }
    again = client.get(PAGE).get_data(as_text=True)  # kept apart from the ?node= one
    assert first_part(again) == on_top


def test_the_page_drawn_on_the_server_sends_the_whole_diagram(client: FlaskClient) -> None:
    html = client.get(f"{PAGE}?steps=all").get_data(as_text=True)
    assert not REST.search(html) and 'data-role="rest"' not in html
    steps = [step for step, _ in Layers(html).steps]
    assert len(steps) > 400 and "root" in steps


def test_the_rest_of_an_unknown_run_or_of_a_bad_step_is_a_readable_fragment(
    client: FlaskClient,
) -> None:
    missing = client.get("/_fragments/runs/run_doesnotexist/graph/rest")
    assert missing.status_code == 404
    body = missing.get_data(as_text=True)
    assert "<html" not in body.lower() and "run_doesnotexist" in body
    bad = client.get(f"/_fragments/runs/{GENERATED_RUN_ID}/graph/rest?node=%00")
    assert bad.status_code == 400 and "<html" not in bad.get_data(as_text=True).lower()


def test_the_rest_is_gzipped_from_its_kept_deflated_form(client: FlaskClient) -> None:
    url = f"/_fragments/runs/{GENERATED_RUN_ID}/graph/rest"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 4
    assert "Accept-Encoding" in zipped.headers["Vary"]
