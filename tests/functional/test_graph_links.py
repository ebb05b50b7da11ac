"""Expand/collapse links stay small: the state travels compact and capped; past the cap, 400."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.toggles import toggle_fragments as toggle_links
from viewer.graph.toggles import MAX_BOXES, boxes_token

GENERATED = "run_0c7d5e2f96"
FRAGMENT = f"/_fragments/runs/{GENERATED}/graph"


def test_every_toggle_link_is_short_and_leads_to_a_working_view(client: FlaskClient) -> None:
    whole = client.get(FRAGMENT).get_data(as_text=True)
    links = toggle_links(whole)
    assert len(links) > 30  # one per block frame and collapsed box
    assert max(len(link) for link in links) < 80
    # collapse three blocks one after the other: each link carries the whole state, briefly
    page = whole
    for _ in range(3):
        link = next(u for u in toggle_links(page) if "c" in u.rsplit("=", 1)[-1])
        answer = client.get(link)
        assert answer.status_code == 200
        page = answer.get_data(as_text=True)
    longest = max(len(link) for link in toggle_links(page))
    assert longest < 100, longest


def test_a_state_at_the_cap_is_answered_and_its_answer_stays_bounded(
    client: FlaskClient,
) -> None:
    # numbers past this workflow's steps or blocks are refused, within them the view is drawn
    assert client.get(f"{FRAGMENT}?boxes={boxes_token((), [999])}").status_code == 400
    assert client.get(f"{FRAGMENT}?boxes={boxes_token([9999], ())}").status_code == 400
    token = boxes_token(range(MAX_BOXES - 20), range(20))
    answer = client.get(f"{FRAGMENT}?boxes={token}")
    assert answer.status_code == 200
    assert len(f"{FRAGMENT}?boxes={token}") < 2_000
    assert len(answer.get_data()) < 1_000_000  # was 21.5 MB for a 241 KB request


def test_past_the_cap_the_fragment_is_a_readable_400(client: FlaskClient) -> None:
    token = boxes_token(range(MAX_BOXES + 1), ())
    answer = client.get(f"{FRAGMENT}?boxes={token}")
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert f"at most {MAX_BOXES}" in text
    assert "<html" not in text.lower()  # a fragment, not a whole page


def test_past_the_cap_the_page_is_a_readable_400(client: FlaskClient) -> None:
    long = "e1." * 700 + "e1"
    answer = client.get(f"/runs/{GENERATED}?steps=all&boxes={long}")
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "<html" in text.lower()
    assert "characters of diagram settings" in text


def test_malformed_or_repeated_settings_are_a_400(client: FlaskClient) -> None:
    for query in ("boxes=x1", "boxes=e", "boxes=e1..c2", "boxes=e1&boxes=c2", "boxes=eZZ"):
        assert client.get(f"{FRAGMENT}?{query}").status_code == 400, query
