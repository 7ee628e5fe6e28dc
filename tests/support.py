"""Helpers the tests share: building apps, posting forms, driving journeys."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from mockint import create_app
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.config import normalise_database_url
from mockint.extensions import db
from mockint.models import ReviewCard, User

TEST_BANKS = Path(__file__).parent / "data" / "banks"
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}
CHEAP_PASSWORD_METHOD = "pbkdf2:sha256:1000"  # the real cost is tested on its own


def database_url(tmp_path: Path) -> str:
    """PostgreSQL when TEST_DATABASE_URL is set, else a fresh SQLite file."""
    return normalise_database_url(
        os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}"
    )


def make_app(tmp_path: Path, **overrides: object) -> Flask:
    """Create an app on an empty database with the small test banks loaded."""
    banks_dir = tmp_path / "questions"
    shutil.copytree(TEST_BANKS, banks_dir, dirs_exist_ok=True)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "PASSWORD_HASH_METHOD": CHEAP_PASSWORD_METHOD,
        "QUESTIONS_DIR": str(banks_dir),
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_banks(db.session, load_banks(banks_dir))
        db.session.commit()
    return app


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """Fetch a page and return the CSRF token bound to the client's session."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):  # noqa: ANN201
    """POST a form with a valid CSRF token, like a browser would."""
    return client.post(
        path, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs
    )


@contextmanager
def counted_statements(app: Flask) -> Iterator[list[str]]:
    """Collect the SQL statements SQLAlchemy runs while the block executes."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001
        # SQLite's BEGIN is sent by hand (mockint.database), PostgreSQL's by the
        # driver: transaction control is left out so both count the same.
        if statement.split(None, 1)[0].upper() not in TRANSACTION_CONTROL:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def make_user(
    app: Flask, username: str = "ada", password: str = "correct horse battery"
) -> User:
    """Create an account directly in the database."""
    from mockint.identity import hash_password

    with app.app_context():
        user = User(username=username, password_hash=None)
        with app.test_request_context():
            user.password_hash = hash_password(password)
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def card_rows(app: Flask) -> list[tuple]:
    """Every card as comparable tuples."""
    with app.app_context():
        return [
            (
                c.user_id,
                c.question_id,
                c.state,
                round(c.stability, 9),
                round(c.difficulty, 9),
                c.due,
                c.last_review,
                c.reps,
                c.lapses,
                c.last_rating,
                list(c.recent_ratings),
                round(c.total_elapsed_seconds, 6),
                c.recovered_at,
            )
            for c in db.session.scalars(
                db.select(ReviewCard).order_by(
                    ReviewCard.user_id, ReviewCard.question_id
                )
            )
        ]


class Practice:
    """Drives the solo practice journey through the test client."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def start_round(self, slug: str = "alpha-field", size: int = 3) -> int:
        """Start a round and return its id."""
        response = post(self.client, f"/fields/{slug}/rounds", {"size": size})
        assert response.status_code == 302, response.get_data(as_text=True)
        match = re.search(r"/rounds/(\d+)/1$", response.headers["Location"])
        assert match
        return int(match.group(1))

    def question_page(self, round_id: int, position: int) -> str:
        """GET a question screen and return its HTML."""
        response = self.client.get(f"/rounds/{round_id}/{position}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def answer(
        self,
        round_id: int,
        position: int,
        rating: int | str,
        elapsed: float | str | None = 42.0,
        note: str = "",
        recording: tuple[bytes, str] | None = None,
    ):  # noqa: ANN201
        """Open a question and submit a rating for it, with a recording's bytes
        and MIME type if given (as the page's recorder sends them)."""
        page = self.question_page(round_id, position)
        token = re.search(r'name="shown_token"[^>]*value="([^"]+)"', page)
        assert token, "no shown_token on the question page"
        data: dict[str, object] = {
            "rating": rating,
            "note": note,
            "shown_token": token.group(1),
        }
        if elapsed is not None:
            data["elapsed_seconds"] = elapsed
        if recording is not None:
            audio, mime_type = recording
            data["recording"] = (io.BytesIO(audio), "answer", mime_type)
        return post(self.client, f"/rounds/{round_id}/{position}", data)


class Auth:
    """Logs a client in and out."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, username: str = "ada", password: str = "correct horse battery"):  # noqa: ANN201
        """Submit the login form."""
        return post(
            self.client,
            "/account/login",
            {"username": username, "password": password},
        )

    def logout(self):  # noqa: ANN201
        """Submit the logout button."""
        return post(self.client, "/account/logout")


# Bank files for the loader's tests.
GOOD_QUESTION = """
[[questions]]
id = "tt-good"
text = "Tell me about a project you are proud of."
kind = "behavioral"
level = "experienced"
difficulty = 2
target_seconds = 120
guidance = \"\"\"
- Names the goal and the candidate's own part.
- Ends with a measurable result.\"\"\"
follow_ups = ["What would you change?", "Who else made it work?"]
"""

FIELD = """
[field]
slug = "test-field"
name = "Test Field"
id_prefix = "tt"
group = "Everyone"
description = "For the loader's tests."
"""


def write_bank(folder: Path, name: str, body: str) -> Path:
    """Write a bank file and return its path."""
    path = folder / name
    path.write_text(textwrap.dedent(body))
    return path


def question(**overrides: object) -> str:
    """A question table with some keys replaced (None removes the key)."""
    values: dict[str, object] = {
        "id": '"tt-q"',
        "text": '"What would you do if the build broke before a release?"',
        "kind": '"situational"',
        "level": '"experienced"',
        "difficulty": "2",
        "target_seconds": "90",
        "guidance": (
            '"""\n- Stops the line and tells the team.\n- Fixes or rolls back."""'
        ),
        "follow_ups": '["Who do you tell first?", "What if the fix fails?"]',
    }
    for key, value in overrides.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    lines = "\n".join(f"{key} = {value}" for key, value in values.items())
    return f"\n[[questions]]\n{lines}\n"


def valid_export() -> dict:
    """A small export of the test banks that imports cleanly."""

    def attempt(question: str, ref: int | None, position: int | None, **more) -> dict:
        return {
            "question": question,
            "round": ref,
            "position": position,
            "rating": 3,
            "elapsed_seconds": 61.5,
            "timed_by": "browser",
            "shown_at": "2025-03-01T09:00:00+00:00",
            "answered_at": "2025-03-01T09:01:02.250000+00:00",
            "note": "",
            **more,
        }

    return {
        "format": "mockint-export",
        "version": 1,
        "exported_at": "2025-03-04T10:00:00+00:00",
        "profile": {"timezone": "Europe/Berlin"},
        "rounds": [
            {
                "ref": 1,
                "field": "alpha-field",
                "created_at": "2025-03-01T08:59:00+00:00",
                "questions": ["al-one", "al-two", "al-three"],
            },
            {
                "ref": 2,
                "field": None,
                "created_at": "2025-03-02T09:00:00+01:00",
                "questions": ["be-one", "al-four"],
            },
        ],
        "attempts": [
            attempt("al-one", 1, 1, rating=2, note="forgot the numbers"),
            attempt("al-two", 1, 2, rating=4, answered_at="2025-03-01T09:03:00Z"),
            attempt("al-three", 1, 3, rating=1, timed_by="server"),
            attempt("be-one", 2, 1, answered_at="2025-03-02T09:05:00+01:00"),
            attempt("al-one", None, None, answered_at="2025-03-03T18:00:00-05:00"),
        ],
        "cards": [],
        "outlines": [
            {
                "question": "al-four",
                "text": "Seek, not scan.",
                "updated_at": "2025-03-03T12:00:00+00:00",
            }
        ],
    }


class Interviews:
    """Drives the candidate's side of a mock interview with a friend."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    @staticmethod
    def setup_form(**overrides: object) -> dict:
        """A valid set-up form, with some fields replaced."""
        return {
            "fields": ["alpha-field"],
            "level": "",
            "count": "3",
            "method": "random",
            "candidate_name": "Sam",
            "show_text": "y",
            "link_days": "7",
            **overrides,
        }

    def create(self, **overrides: object) -> tuple[str, str]:
        """Set up an interview; return its public id and the link's path."""
        response = post(self.client, "/interviews/new", self.setup_form(**overrides))
        assert response.status_code == 200, response.get_data(as_text=True)
        return self.shared(response.get_data(as_text=True))

    @staticmethod
    def shared(share_page: str) -> tuple[str, str]:
        """The public id and the link's path shown on a share page."""
        link = re.search(r'value="http://localhost(/i/[^"]+)"', share_page)
        public_id = re.search(r'href="/interviews/([\w-]+)"', share_page)
        assert link and public_id, "not a share page"
        return public_id.group(1), link.group(1)

    def create_hand_picked(self, **overrides: object) -> str:
        """Set up a hand-picked interview (no questions yet); return its id."""
        form = self.setup_form(method="hand-picked", **overrides)
        response = post(self.client, "/interviews/new", form)
        assert response.status_code == 303, response.get_data(as_text=True)
        match = re.search(
            r"/interviews/([\w-]+)/questions$", response.headers["Location"]
        )
        assert match
        return match.group(1)

    def change(
        self,
        public_id: str,
        action: str,
        follow_redirects: bool = False,
        **fields: object,
    ):  # noqa: ANN201
        """Add, remove or move a hand-picked question."""
        return post(
            self.client,
            f"/interviews/{public_id}/questions",
            {"action": action, **fields},
            follow_redirects=follow_redirects,
        )

    def new_link(self, public_id: str) -> str:
        """Make another link and return its path."""
        response = post(self.client, f"/interviews/{public_id}/links")
        assert response.status_code == 200, response.get_data(as_text=True)
        return self.shared(response.get_data(as_text=True))[1]

    def questions(self, public_id: str) -> list[str]:
        """The interview's questions in order, as the candidate's screen lists them."""
        page = self.client.get(f"/interviews/{public_id}").get_data(as_text=True)
        section = page.split('id="questions-heading"', 1)[1].split("</ol>", 1)[0]
        return [html.unescape(text) for text in re.findall(r"<li>(.*?)</li>", section)]

    def chosen(self, public_id: str) -> list[str]:
        """The hand-picked questions in order, as the picker lists them."""
        page = self.client.get(f"/interviews/{public_id}/questions")
        section = page.get_data(as_text=True).split('class="picked-list"', 1)
        if len(section) == 1:
            return []
        listed = section[1].split("</ol>", 1)[0]
        return [
            html.unescape(text)
            for text in re.findall(r"<li>\s*<span>(.*?) <small", listed)
        ]


class Interviewer:
    """A friend's browser that opened an interviewer link."""

    def __init__(self, app: Flask, link_path: str, address: str = "127.0.0.1") -> None:
        self.client = app.test_client()
        self.opening = self.client.get(link_path, environ_base={"REMOTE_ADDR": address})
        assert self.opening.status_code == 303, self.opening.status_code
        match = re.fullmatch(
            r"/interviews/([\w-]+)/conduct", self.opening.headers["Location"]
        )
        assert match
        self.public_id = match.group(1)
        self.csrf = csrf_token(self.client, self.opening.headers["Location"])
        self.version = self.state()["version"]

    def state(self) -> dict:
        """The live state as the interviewer's screen polls it."""
        response = self.client.get(f"/interviews/{self.public_id}/state")
        assert response.status_code == 200, response.status_code
        return response.get_json()

    def act(self, action: str, version: int | None = None, **fields: object):  # noqa: ANN201
        """One action as the page's script sends it; remembers the new version."""
        response = self.client.post(
            f"/interviews/{self.public_id}/conduct",
            data={"action": action, "version": version or self.version, **fields},
            headers={"X-CSRFToken": self.csrf, "Accept": "application/json"},
        )
        body = response.get_json()
        if response.status_code == 200:
            self.version = body["version"]
        return response

    def submit(self, action: str, version: int | None = None, **fields: object):  # noqa: ANN201
        """One action as a plain form post (no script)."""
        return self.client.post(
            f"/interviews/{self.public_id}/conduct",
            data={
                "csrf_token": self.csrf,
                "action": action,
                "version": version or self.version,
                **fields,
            },
        )

    def score(
        self, position: int, rating: int | None, then: str = "next", **more: object
    ):  # noqa: ANN201
        """Score the question at the position, then move on (or save, or end)."""
        fields: dict[str, object] = {"position": position, **more}
        if rating is not None:
            fields["rating"] = rating
        response = self.act(then, **fields)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response
