"""A walk through every page a visitor and a practised user can reach."""

from __future__ import annotations

import gzip
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import brotli
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mockint.extensions import db
from mockint.models import UpcomingInterview

from sounds import answer, encoded
from support import Auth, Practice, csrf_token, make_user


@dataclass
class Visit:
    """One page as the browser received it."""

    name: str
    path: str
    response: TestResponse


class Tour:
    """Fetches pages with the same request headers, keeping what came back."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers
        self.visits: list[Visit] = []

    def get(self, name: str, path: str, status: int = 200) -> Visit:
        """GET a page and keep it."""
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == status, (name, path, response.status_code)
        visit = Visit(name, path, response)
        self.visits.append(visit)
        return visit

    def post(self, name: str, path: str, data: dict[str, object], status: int) -> Visit:
        """POST a form that is refused and keep the page showing the errors."""
        token = csrf_token(self.client)
        response = self.client.post(
            path, data={"csrf_token": token, **data}, headers=self.headers
        )
        assert response.status_code == status, (name, path, response.status_code)
        visit = Visit(name, f"POST {path}", response)
        self.visits.append(visit)
        return visit


def visitor_pages(app: Flask, headers: dict[str, str]) -> list[Visit]:
    """Every page someone who has never practised can open, forms with errors too."""
    tour = Tour(app.test_client(), headers)
    tour.get("home (visitor)", "/")
    tour.get("search", "/search?q=conflict")
    tour.get("search, nothing found", "/search?q=zebra")
    tour.get("field (visitor)", "/fields/alpha-field")
    tour.get("field filtered to nothing", "/fields/beta-field?kind=technical")
    tour.get("review (visitor)", "/review")
    tour.get("progress (visitor)", "/review/progress")
    tour.get("login", "/account/login")
    tour.get("sign-up", "/account/save")
    tour.get("not found", "/no-such-page", status=404)
    bad_signup = {"username": "a b", "password": "short", "confirm": "other"}
    tour.post("sign-up with errors", "/account/save", bad_signup, status=400)
    bad_login = {"username": "nobody", "password": "wrong password"}
    tour.post("login refused", "/account/login", bad_login, status=400)
    return tour.visits


def practised_pages(app: Flask, headers: dict[str, str]) -> list[Visit]:
    """Every page of a signed-in user with some history, forms with errors too."""
    client = app.test_client()
    make_user(app)
    assert Auth(client).login().status_code == 302
    practice = Practice(client)
    round_id = practice.start_round(size=3)
    recording = (encoded(answer(), "webm", "libopus"), "audio/webm")
    for position, rating in [(1, 1), (2, 3), (3, 4)]:
        response = practice.answer(
            round_id,
            position,
            rating,
            note="Slower",
            # The first answer recorded: its player and figures are on the pages.
            recording=recording if position == 1 else None,
        )
        assert response.status_code == 302
    unfinished = practice.start_round(size=3)
    answered = client.get(f"/rounds/{round_id}/1").get_data(as_text=True)
    key = re.search(r'href="/questions/([^"]+)"', answered)
    assert key, "the answered screen links no history page"

    tour = Tour(client, headers)
    tour.get("home", "/")
    tour.get("field", "/fields/alpha-field")
    tour.get("question screen", f"/rounds/{unfinished}/1")
    tour.get("answered screen", f"/rounds/{round_id}/1")
    tour.get("round summary", f"/rounds/{round_id}/summary")
    tour.get("history", f"/questions/{key.group(1)}")
    tour.get("review", "/review")
    tour.get("review, all and filtered", "/review?field=alpha-field&all=1")
    tour.get("review, recorded only", "/review?recorded=y")
    tour.get("progress", "/review/progress")
    tour.get("settings", "/account/settings")
    tour.post(
        "question screen with errors",
        f"/rounds/{unfinished}/1",
        {"rating": "9", "elapsed_seconds": "-1", "shown_token": "forged"},
        status=400,
    )
    tour.post(
        "question screen with a refused recording",
        f"/rounds/{unfinished}/1",
        {
            "rating": "2",
            "shown_token": _shown_token(client, f"/rounds/{unfinished}/1"),
            "recording": (io.BytesIO(b"not audio"), "answer.webm", "audio/webm"),
        },
        status=400,
    )
    tour.post(
        "history with a refused outline",
        f"/questions/{key.group(1)}/outline",
        {"text": "x" * 20_000},
        status=400,
    )
    tour.post(
        "settings with a refused import",
        "/account/import",
        {"file": (io.BytesIO(b"not json"), "export.json")},
        status=400,
    )
    return tour.visits


def _shown_token(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="shown_token"[^>]*value="([^"]+)"', page).group(1)


def merge_page(app: Flask, headers: dict[str, str]) -> list[Visit]:
    """The offer to merge a guest's answers into the account just logged in to."""
    client = app.test_client()
    make_user(app, username="grace")
    practice = Practice(client)
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 2)
    response = Auth(client).login(username="grace")
    assert response.headers["Location"].endswith("/account/merge")
    tour = Tour(client, headers)
    tour.get("merge offer", "/account/merge")
    return tour.visits


def preparation_pages(app: Flask, headers: dict[str, str]) -> list[Visit]:
    """My questions and debriefs, from empty to finished, forms with errors too."""
    client = app.test_client()
    tour = Tour(client, headers)
    tour.get("my questions (empty)", "/my-questions")
    tour.get("debriefs (empty)", "/debriefs")
    tour.get("new debrief", "/debriefs/new")
    tour.post("new debrief refused", "/debriefs/new", {"interview_on": "soon"}, 400)
    tour.get("add a question", "/my-questions/new")
    question = {
        "text": "How did you handle the outage last spring?",
        "kind": "behavioral",
        "difficulty": 2,
        "target_seconds": 120,
        "guidance": "Owns the timeline\nNames what changed after",
    }
    tour.post("add a question refused", "/my-questions/new", {"kind": "x"}, 400)
    tour.post(
        "a lookalike offered",
        "/my-questions/new",
        {**question, "text": "Tell me about yourself"},
        200,
    )
    added = client.post(
        "/my-questions/new", data={"csrf_token": csrf_token(client), **question}
    )
    assert added.status_code == 302
    key = re.search(r"#q-(.+)$", added.headers["Location"]).group(1)
    tour.get("my questions", "/my-questions")
    tour.get("edit my question", f"/my-questions/{key}/edit")
    tour.get("my questions field", "/fields/my-questions")
    started = client.post(
        "/debriefs/new",
        data={
            "csrf_token": csrf_token(client),
            "interview_on": "2026-01-05",
            "kind": "panel",
        },
    )
    edit = started.headers["Location"]
    tour.get("debrief draft", edit)
    debrief = {
        "interview_on": "2026-01-05",
        "kind": "panel",
        "stumpers_text": "Tell me about yourself\nWhy this company?",
        "what_happened": "Three interviewers.",
    }
    tour.post("debrief with errors", edit, {**debrief, "interview_on": ""}, 400)
    client.post(edit, data={"csrf_token": csrf_token(client), **debrief})
    finish = edit.replace("/edit", "/finish")
    tour.get("debrief: lookalike stumpers", finish)
    client.post(finish, data={"csrf_token": csrf_token(client)})
    tour.get("debrief finished", edit.replace("/edit", ""))
    tour.get("debriefs", "/debriefs")
    tour.get("delete a debrief", edit.replace("/edit", "/delete"))
    return tour.visits


def plan_pages(app: Flask, headers: dict[str, str]) -> list[Visit]:
    """Plans for upcoming interviews, from none to past, forms with errors too."""
    client = app.test_client()
    make_user(app, username="joan")
    assert Auth(client).login(username="joan").status_code == 302
    tour = Tour(client, headers)
    tour.get("plans (none)", "/plans")
    tour.get("new plan", "/plans/new")
    refused = {"day": "someday", "company": "Acme", "role": "Analyst"}
    tour.post("new plan refused", "/plans/new", refused, 400)
    day = (datetime.now(UTC) + timedelta(days=4)).date().isoformat()
    plan = {"day": day, "time": "09:30", "company": "Acme", "role": "Analyst"}
    paths = []
    for focus in (["alpha-field", "beta-field"], ["beta-field"]):
        created = client.post(
            "/plans/new",
            data={"csrf_token": csrf_token(client), **plan, "focus": focus},
        )
        assert created.status_code == 302
        paths.append(created.headers["Location"])
    path, past = paths
    tour.get("plan", path)
    tour.get("home with an interview", "/")
    tour.get("edit plan", f"{path}/edit")
    tour.post("edit plan refused", f"{path}/edit", {"day": day, "time": "x"}, 400)
    tour.get("plan checklist", f"{path}/checklist")
    too_long = {"items-0-text": "x" * 400, "added": "Print the CV"}
    tour.post("plan checklist refused", f"{path}/checklist", too_long, 400)
    tour.post("plan ticks refused", f"{path}/checklist/done", {"done": "9"}, 400)
    tour.get("delete plan", f"{path}/delete")
    with app.app_context():
        plan_id = int(past.rsplit("/", 1)[1])
        db.session.get(UpcomingInterview, plan_id).starts_at = datetime.now(
            UTC
        ) - timedelta(days=1)
        db.session.commit()
    tour.get("past plan", past)
    tour.get("home with an interview to debrief", "/")
    tour.get("plans", "/plans")
    return tour.visits


def text_of(response: TestResponse) -> str:
    """A page's HTML, decompressed if the tour asked for compression."""
    body = response.get_data()
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    return body.decode()


def interview_pages(app: Flask, headers: dict[str, str]) -> list[Visit]:
    """A mock interview with a friend: both sides, from set-up to summary."""
    client, friend = app.test_client(), app.test_client()
    tour = Tour(client, headers)
    tour.get("interviews (none)", "/interviews")
    tour.get("interview set-up", "/interviews/new")
    tour.post("interview set-up refused", "/interviews/new", {"count": "99"}, 400)
    setup = {
        "fields": ["alpha-field"],
        "count": 3,
        "method": "random",
        "candidate_name": "Sam",
        "link_days": "7",
    }
    share = tour.post("interview share page", "/interviews/new", setup, 200)
    page = text_of(share.response)
    link = re.search(r'value="http://localhost(/i/[^"]+)"', page).group(1)
    pid = re.search(r'href="/interviews/([^/"]+)"', page).group(1)
    screen = f"/interviews/{pid}"
    tour.get("interview, candidate waiting", screen)
    tour.get("interview sheet", f"{screen}/sheet")
    picked = client.post(
        "/interviews/new",
        data={"csrf_token": csrf_token(client), **setup, "method": "hand-picked"},
    )
    tour.get("interview picker", picked.headers["Location"])
    tour.get("interview picker, searched", f"{picked.headers['Location']}?q=you")

    assert friend.get(link).status_code == 303
    conduct = Tour(friend, headers)
    conduct.get("interviewer intro", f"{screen}/conduct")
    token = csrf_token(friend, f"{screen}/conduct")

    def act(action: str, version: int, **score: object) -> None:
        data = {"csrf_token": token, "action": action, "version": version, **score}
        response = friend.post(f"{screen}/conduct", data=data)
        assert response.status_code == 303, (action, response.status_code)

    act("begin", 1)
    act("timer", 2)
    conduct.get("interviewer question", f"{screen}/conduct")
    tour.get("interview, candidate live", screen)
    score = {"position": 1, "covered": ["0"], "rating": "3", "feedback": "Clear."}
    conduct.post(
        "interviewer, stale change",
        f"{screen}/conduct",
        {"action": "save", "version": 1, **score},
        409,
    )
    act("next", 3, **score)
    conduct.get("interviewer question 2", f"{screen}/conduct")
    act("next", 5, **{**score, "position": 2, "rating": "2"})
    act("end", 7, **{**score, "position": 3, "rating": "4"})
    conduct.get("interview summary (interviewer)", f"{screen}/summary")
    tour.get("interview summary", f"{screen}/summary")
    tour.post("self-ratings refused", f"{screen}/self-ratings", {"self-1": "7"}, 400)
    rated = {"csrf_token": csrf_token(client), "self-1": "2", "self-2": "2"}
    assert client.post(f"{screen}/self-ratings", data=rated).status_code == 303
    tour.get("interview summary, calibrated", f"{screen}/summary")
    tour.get("interviews", "/interviews")
    friend_gone = Tour(app.test_client(), headers)
    friend_gone.get("interviewer link not valid", "/i/not-a-real-token", status=404)
    return tour.visits + conduct.visits + friend_gone.visits


def every_page(app: Flask, headers: dict[str, str] | None = None) -> list[Visit]:
    """All the pages of the tours, fetched with the given request headers."""
    headers = headers or {}
    return (
        visitor_pages(app, headers)
        + practised_pages(app, headers)
        + merge_page(app, headers)
        + preparation_pages(app, headers)
        + plan_pages(app, headers)
        + interview_pages(app, headers)
    )
