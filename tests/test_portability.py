"""Export everything as JSON and CSV; import restores it exactly."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.models import Attempt

from support import Auth, Practice, make_user, post


def practise_some(client: FlaskClient) -> None:
    """Two rounds with notes, a single question and an outline."""
    practice = Practice(client)
    for ratings in ([1, 3, 4], [2, 2, 3]):
        round_id = practice.start_round(size=3)
        for position, rating in enumerate(ratings, start=1):
            practice.answer(round_id, position, rating, note=f"note {rating}")
    post(client, "/questions/al-four/outline", {"text": "Seek, not scan."})


def export(client: FlaskClient) -> dict:
    """Download the JSON export."""
    response = client.get("/account/export.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))


def upload(client: FlaskClient, data: dict | bytes):  # noqa: ANN201
    """Post an export file to the import form."""
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return post(
        client,
        "/account/import",
        {"file": (io.BytesIO(body), "export.json")},
        content_type="multipart/form-data",
    )


def comparable(data: dict) -> dict:
    """An export without the moment it was made."""
    return {key: value for key, value in data.items() if key != "exported_at"}


def test_export_import_round_trip(app: Flask, client: FlaskClient) -> None:
    practise_some(client)
    original = export(client)
    assert len(original["attempts"]) == 6
    assert len(original["cards"]) >= 3
    assert original["outlines"][0]["text"] == "Seek, not scan."

    make_user(app, "newcomer")
    fresh = app.test_client()
    assert Auth(fresh).login("newcomer").status_code == 302
    response = upload(fresh, original)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert comparable(export(fresh)) == comparable(original)
    summary_links = fresh.get("/review").get_data(as_text=True)
    assert "Still tripping you up" in summary_links


def test_import_refuses_a_profile_with_history(client: FlaskClient) -> None:
    practise_some(client)
    data = export(client)
    response = upload(client, data)
    assert response.status_code == 400
    assert "no answers yet" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="something-else"), "not a mockint export"),
        (lambda d: d["attempts"][0].update(question="zz-nope"), "Unknown questions"),
        (lambda d: d["attempts"][0].update(rating=9), "rating must be 1 to 4"),
        (lambda d: d["attempts"][1].update(answered_at="yesterday"), "is not a date"),
        (lambda d: d["attempts"][2].update(elapsed_seconds=-3), "out of range"),
    ],
)
def test_bad_import_changes_nothing(
    app: Flask,
    client: FlaskClient,
    mutate,
    message: str,  # noqa: ANN001
) -> None:
    practise_some(client)
    data = export(client)
    mutate(data)
    other = app.test_client()
    Practice(other)  # a visitor: the import creates its guest profile
    response = upload(other, data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 6


def test_not_json_is_refused(client: FlaskClient) -> None:
    response = upload(client, b"\x00not json")
    assert response.status_code == 400
    assert "not valid JSON" in response.get_data(as_text=True)


def test_attempts_csv(client: FlaskClient) -> None:
    practise_some(client)
    post(client, "/questions/al-one/practice")
    response = client.get("/account/export.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 6
    assert {row["rating_label"] for row in rows} >= {"Stumped", "Shaky", "Solid"}
    assert rows[0]["field"] == "Alpha Field"


def test_csv_neutralises_formulas(client: FlaskClient) -> None:
    practice = Practice(client)
    practice.answer(practice.start_round(), 1, 2, note="=HYPERLINK(evil)")
    body = client.get("/account/export.csv").get_data(as_text=True)
    assert "'=HYPERLINK(evil)" in body
