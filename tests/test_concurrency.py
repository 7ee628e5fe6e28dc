"""One user's requests racing each other: no 500, no lost answer, cards exact.

Runs on SQLite (a file shared by threads, as by gunicorn workers) and, under
TEST_DATABASE_URL, on PostgreSQL, where the races really overlap.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mockint.extensions import db
from mockint.models import Attempt, Question, Recording, ReviewCard

from support import Practice, card_rows, csrf_token, make_app


def _twin(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another tab of the same browser: a client holding the same cookies."""
    twin = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            twin.set_cookie(name, cookie.value)
    return twin


def _all_at_once(calls: list[Callable[[], TestResponse]]) -> list[int]:
    """Run the calls in threads released together; return their status codes."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int] = [0] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            statuses[index] = calls[index]().status_code
        except BaseException as error:  # surfaced below, with the thread's cause
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return statuses


def _answer_form(tab: FlaskClient, round_id: int, rating: int) -> dict[str, object]:
    page = tab.get(f"/rounds/{round_id}/1").get_data(as_text=True)
    shown = re.search(r'name="shown_token"[^>]*value="([^"]+)"', page)
    assert shown, "no question form on the page"
    return {
        "csrf_token": csrf_token(tab),
        "rating": rating,
        "elapsed_seconds": 30 + rating,
        "note": f"tab says {rating}",
        "shown_token": shown.group(1),
    }


def _assert_cards_equal_a_rebuild(app: Flask) -> None:
    stored = card_rows(app)
    result = app.test_cli_runner().invoke(args=["review", "rebuild"])
    assert result.exit_code == 0, result.output
    assert card_rows(app) == stored


def test_one_question_submitted_from_ten_tabs_at_once(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round()
    tabs = [_twin(app, client) for _ in range(10)]
    forms = [
        _answer_form(tab, round_id, rating=1 + i % 4) for i, tab in enumerate(tabs)
    ]
    statuses = _all_at_once(
        [
            (lambda tab=tab, form=form: tab.post(f"/rounds/{round_id}/1", data=form))
            for tab, form in zip(tabs, forms, strict=True)
        ]
    )
    assert sorted(statuses) == [302] + [409] * 9
    with app.app_context():
        stored = list(db.session.scalars(db.select(Attempt)))
        assert len(stored) == 1
        card = db.session.scalar(db.select(ReviewCard))
        assert card.reps == 1 and card.last_rating == stored[0].rating
    _assert_cards_equal_a_rebuild(app)


@pytest.mark.parametrize("had_a_card", [False, True], ids=["first-card", "card"])
def test_one_question_answered_in_eight_rounds_at_once(
    app: Flask, client: FlaskClient, practice: Practice, had_a_card: bool
) -> None:
    first_round = practice.start_round()  # the profile all the tabs share
    with app.app_context():
        key = db.session.scalar(db.select(Question.key).order_by(Question.id))
    if had_a_card:
        practice.answer(first_round, 1, 2)
        with app.app_context():
            key = db.session.scalar(db.select(Question.key).join(ReviewCard))
    tabs = [_twin(app, client) for _ in range(8)]
    round_ids = []
    for tab in tabs:
        started = tab.post(
            f"/questions/{key}/practice", data={"csrf_token": csrf_token(tab)}
        )
        assert started.status_code == 302
        round_ids.append(int(started.headers["Location"].split("/")[2]))
    forms = [
        _answer_form(tab, round_id, rating=1 + i % 4)
        for i, (tab, round_id) in enumerate(zip(tabs, round_ids, strict=True))
    ]
    statuses = _all_at_once(
        [
            (lambda t=tab, r=round_id, f=form: t.post(f"/rounds/{r}/1", data=f))
            for tab, round_id, form in zip(tabs, round_ids, forms, strict=True)
        ]
    )
    assert statuses == [302] * 8
    earlier = 1 if had_a_card else 0
    with app.app_context():
        question_id = db.session.scalar(db.select(Question.id).filter_by(key=key))
        answers = db.session.scalar(
            db.select(db.func.count(Attempt.id)).filter_by(question_id=question_id)
        )
        assert answers == 8 + earlier
        card = db.session.scalar(
            db.select(ReviewCard).filter_by(question_id=question_id)
        )
        assert card.reps == 8 + earlier
        assert len(card.recent_ratings) == 8
        expected_seconds = sum(30 + 1 + i % 4 for i in range(8))
        assert card.total_elapsed_seconds >= expected_seconds
    _assert_cards_equal_a_rebuild(app)


def test_recordings_sent_at_once_never_overfill_the_quota(
    tmp_path: Path, webm: bytes
) -> None:
    """Four tabs send a recording each with room for two: two are kept, two are
    refused as over the quota, and each refused answer is not stored either."""
    app = make_app(tmp_path, RECORDING_QUOTA_BYTES=int(len(webm) * 2.5))
    client = app.test_client()
    Practice(client).start_round()  # the profile the tabs share
    tabs = [_twin(app, client) for _ in range(4)]
    rounds = [Practice(tab).start_round() for tab in tabs]
    forms = [
        {
            **_answer_form(tab, round_id, rating=3),
            "recording": (io.BytesIO(webm), "answer.webm", "audio/webm"),
        }
        for tab, round_id in zip(tabs, rounds, strict=True)
    ]
    statuses = _all_at_once(
        [
            (lambda t=tab, r=round_id, f=form: t.post(f"/rounds/{r}/1", data=f))
            for tab, round_id, form in zip(tabs, rounds, forms, strict=True)
        ]
    )
    assert sorted(statuses) == [302, 302, 413, 413]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Recording.id))) == 2
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 2
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
