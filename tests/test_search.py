"""Finding fields and questions from the home page, grouped fields."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from support import Practice, post


def test_the_home_page_groups_fields(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert page.index(">Technology</h2>") < page.index("Beta Field")
    assert page.index(">Everyone</h2>") < page.index("Alpha Field")


def test_search_finds_fields_and_questions(client: FlaskClient) -> None:
    page = client.get("/search?q=CONFLICT").get_data(as_text=True)
    assert "Describe a conflict with a colleague and how it ended." in page
    assert "Practise this one" in page
    fields = client.get("/search?q=second small").get_data(as_text=True)
    assert 'href="/fields/beta-field"' in fields
    nothing = client.get("/search?q=zebra").get_data(as_text=True)
    assert "Nothing matches" in nothing


def test_search_treats_wildcards_as_text(client: FlaskClient) -> None:
    for query in ("%", "_", "%25", "\\"):
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "Nothing matches" in page, query


def test_the_live_fragment_is_just_the_results(client: FlaskClient) -> None:
    fragment = client.get("/search?q=thread&fragment=1").get_data(as_text=True)
    assert "process and a thread" in fragment
    assert "<html" not in fragment


def test_search_shows_private_questions_to_their_owner_only(
    app: Flask, practice: Practice
) -> None:
    post(
        practice.client,
        "/my-questions/new",
        {
            "text": "What is a zebra crossing for?",
            "kind": "technical",
            "difficulty": 1,
            "target_seconds": 60,
        },
    )
    assert "zebra crossing" in practice.client.get("/search?q=zebra").get_data(
        as_text=True
    )
    stranger = app.test_client()
    assert "zebra crossing" not in stranger.get("/search?q=zebra").get_data(
        as_text=True
    )
