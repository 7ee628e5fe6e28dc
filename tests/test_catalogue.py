"""The banks kept in each process: current after every sync, in every process."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from mockint import create_app
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.catalogue import FieldEntry, bank_version, current_catalogue
from mockint.display import _VALUE_TYPES
from mockint.extensions import db
from mockint.models import Field, User

from support import Practice, counted_statements, post

OLD_TEXT = "Describe a conflict with a colleague and how it ended."
NEW_TEXT = "Describe a disagreement with a teammate and how you settled it."


def edit_and_sync(app: Flask) -> None:
    """Reword al-two, drop al-six from the bank, and run the sync."""
    folder = Path(app.config["QUESTIONS_DIR"])
    alpha = folder / "alpha.toml"
    text = alpha.read_text().replace(OLD_TEXT, NEW_TEXT)
    alpha.write_text(text[: text.index('[[questions]]\nid = "al-six"')])
    with app.app_context():
        sync_banks(db.session, load_banks(folder))
        db.session.commit()


def second_process(app: Flask) -> Flask:
    """Another app on the same database, as a second gunicorn worker would be."""
    return create_app(dict(app.config))


def test_a_sync_reaches_every_process_at_its_next_request(
    app: Flask, client: FlaskClient
) -> None:
    other = second_process(app)
    other_client = other.test_client()
    for browser in (client, other_client):  # both processes hold the old banks
        page = browser.get("/fields/alpha-field").get_data(as_text=True)
        assert OLD_TEXT in page
    six = "How do you prioritise competing requests"  # al-six
    assert six in client.get("/fields/alpha-field").get_data(as_text=True)

    edit_and_sync(app)

    for browser in (client, other_client):
        page = browser.get("/fields/alpha-field").get_data(as_text=True)
        assert NEW_TEXT in page
        assert OLD_TEXT not in page
        assert six not in page  # archived by the sync
        home = browser.get("/").get_data(as_text=True)
        assert "5 questions" in home  # alpha had 6
    with other.app_context():
        db.engine.dispose()


def test_a_signed_in_request_reads_the_version_with_its_login(
    app: Flask, client: FlaskClient, signed_in: User
) -> None:
    """The login's statement carries the bank version: no query of its own, and
    a sync made elsewhere still shows at the next request."""
    with counted_statements(app) as statements:
        assert OLD_TEXT in client.get("/fields/alpha-field").get_data(as_text=True)
    reading_version = [sql for sql in statements if "bank_version" in sql]
    assert len(reading_version) == 1
    assert "login_sessions" in reading_version[0]

    edit_and_sync(app)

    page = client.get("/fields/alpha-field").get_data(as_text=True)
    assert NEW_TEXT in page
    assert OLD_TEXT not in page


def test_version_moves_with_bank_changes_only(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    with app.app_context():
        before = bank_version(db.session)
        loaded = current_catalogue(db.session)
    practice.answer(practice.start_round(), 1, 3)  # answers touch no bank row
    with app.app_context():
        assert bank_version(db.session) == before
        assert current_catalogue(db.session) is loaded
    edit_and_sync(app)
    with app.app_context():
        assert bank_version(db.session) > before
        assert current_catalogue(db.session) is not loaded


def test_my_questions_is_listed_once_i_have_one(
    app: Flask, client: FlaskClient
) -> None:
    home = client.get("/").get_data(as_text=True)
    assert "My questions" not in home
    response = post(
        client,
        "/my-questions/new",
        {
            "text": "Why do you want to leave your current job?",
            "kind": "background",
            "difficulty": 2,
            "target_seconds": 90,
            "guidance": "- Forward-looking, not bitter",
            "follow_ups": "",
        },
    )
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "My questions" in home
    field = client.get("/fields/my-questions").get_data(as_text=True)
    assert "Why do you want to leave your current job?" in field
    # Another visitor sees neither the field nor the question.
    stranger = app.test_client()
    assert "My questions" not in stranger.get("/").get_data(as_text=True)
    assert "Why do you want to leave" not in stranger.get(
        "/fields/my-questions"
    ).get_data(as_text=True)


def test_unknown_and_archived_fields_are_404(app: Flask, client: FlaskClient) -> None:
    assert client.get("/fields/no-such-field").status_code == 404
    folder = Path(app.config["QUESTIONS_DIR"])
    (folder / "beta.toml").unlink()
    with app.app_context():
        sync_banks(db.session, load_banks(folder))
        db.session.commit()
    assert client.get("/fields/beta-field").status_code == 404


def test_fragments_are_remembered_only_for_values(app: Flask) -> None:
    """A macro's markup is reused for equal frozen values, never for an object
    that can change under it (an ORM row)."""
    template = app.jinja_env.from_string(
        "{% macro shout(thing) %}{{ thing.name | upper }}{% endmacro %}"
        "{{ cached_fragment(shout, thing) }}"
    )
    with app.test_request_context():
        entry = FieldEntry(1, "nursing", "Nursing", "Care", "Health")
        assert template.render(thing=entry) == "NURSING"
        renamed = FieldEntry(1, "nursing", "Nursing and midwifery", "Care", "Health")
        assert template.render(thing=renamed) == "NURSING AND MIDWIFERY"
        field = Field(slug="nursing", name="Nursing", description="", id_prefix="N")
        assert template.render(thing=field) == "NURSING"
        field.name = "Midwifery"
        assert template.render(thing=field) == "MIDWIFERY"


def test_fragment_value_types_hold_only_values() -> None:
    """cached_fragment trusts these types to be immutable all the way down."""
    names = {"int", "str", "bool", "float", "tuple[int, ...]"}
    classes = [kind for kind in _VALUE_TYPES if dataclasses.is_dataclass(kind)]
    names |= {kind.__name__ for kind in classes}
    for kind in classes:
        assert kind.__dataclass_params__.frozen, kind
        for field in dataclasses.fields(kind):
            assert field.type in names, (kind, field.name, field.type)


def test_fragments_of_two_macros_with_one_name_stay_apart(app: Flask) -> None:
    first = app.jinja_env.from_string(
        "{% macro card(n) %}first {{ n }}{% endmacro %}{{ cached_fragment(card, 1) }}"
    )
    second = app.jinja_env.from_string(
        "{% macro card(n) %}second {{ n }}{% endmacro %}{{ cached_fragment(card, 1) }}"
    )
    with app.test_request_context():
        assert first.render() == "first 1"
        assert second.render() == "second 1"
        assert first.render() == "first 1"
