"""Who may open a friend interview: links, grants, and nothing else of the candidate.

The interviewer link is a bearer token, so these tests treat it as a secret:
it opens one interview for one browser, stops at once when revoked or expired,
is never stored or shown again after the exchange, and the grant it leaves
reaches nothing else of the candidate's practice.
"""

from __future__ import annotations

import base64
import html
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from mockint.debriefing import start_debrief
from mockint.extensions import db
from mockint.models import (
    InterviewLink,
    LoginSession,
    Question,
    RateEvent,
    Recording,
    User,
    utcnow,
)
from mockint.outlines import save_outline
from mockint.own_questions import QuestionDraft, add_question
from mockint.upcoming import create_plan

from sounds import answer, encoded
from support import (
    Auth,
    Interviewer,
    Interviews,
    Practice,
    csrf_token,
    make_user,
    post,
)

LINK_GONE = "This link is no longer valid"


def _text(response) -> str:  # noqa: ANN001
    # Some routes answer with bytes (an export's ZIP): read them as text too.
    return html.unescape(response.get_data().decode("utf-8", "replace"))


def _assert_link_gone(response) -> None:  # noqa: ANN001
    assert response.status_code == 404
    assert LINK_GONE in _text(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"


def _interview_urls(public_id: str) -> list[str]:
    base = f"/interviews/{public_id}"
    return [f"{base}/conduct", f"{base}/state", f"{base}/summary", f"{base}/sheet"]


def _revoke(app: Flask, candidate: FlaskClient, public_id: str, link: str) -> None:
    """Revoke the link through the candidate's screen."""
    from mockint.interviewing.links import hash_token

    with app.app_context():
        link_id = db.session.scalar(
            sa.select(InterviewLink.id).where(
                InterviewLink.token_hash == hash_token(link.removeprefix("/i/"))
            )
        )
    response = post(candidate, f"/interviews/{public_id}/links/{link_id}/revoke")
    assert response.status_code == 303


# Tokens -------------------------------------------------------------------------


def test_an_unknown_token_is_no_longer_valid(app: Flask, client: FlaskClient) -> None:
    Interviews(app.test_client()).create()
    _assert_link_gone(client.get("/i/" + "A" * 43))
    _assert_link_gone(client.get("/i/x"))
    _assert_link_gone(client.get("/i/" + "A" * 500))


def test_an_expired_token_is_no_longer_valid(app: Flask, client: FlaskClient) -> None:
    _public_id, link = Interviews(app.test_client()).create(link_days="1")
    with app.app_context():
        stored = db.session.scalars(sa.select(InterviewLink)).one()
        assert stored.expires_at - utcnow() > timedelta(hours=23)
        stored.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    _assert_link_gone(client.get(link))


def test_a_revoked_token_is_no_longer_valid(app: Flask, client: FlaskClient) -> None:
    candidate = app.test_client()
    public_id, link = Interviews(candidate).create()
    _revoke(app, candidate, public_id, link)
    _assert_link_gone(client.get(link))
    assert "Revoked" in _text(candidate.get(f"/interviews/{public_id}"))


def test_the_token_url_leaves_for_a_token_free_one(app: Flask) -> None:
    public_id, link = Interviews(app.test_client()).create()
    friend = Interviewer(app, link)
    opening = friend.opening
    assert opening.status_code == 303
    assert opening.headers["Location"] == f"/interviews/{public_id}/conduct"
    assert opening.headers["Cache-Control"] == "no-store"
    assert opening.headers["X-Robots-Tag"] == "noindex"
    # Opening it again (a reload, a second tab) works the same way.
    again = friend.client.get(link)
    assert again.status_code == 303
    assert again.headers["Location"] == opening.headers["Location"]


def test_a_grant_for_one_interview_opens_no_other(app: Flask) -> None:
    candidate = app.test_client()
    interviews = Interviews(candidate)
    granted_id, link = interviews.create()
    other_id, _other_link = interviews.create()
    friend = Interviewer(app, link)
    for url in _interview_urls(granted_id):
        assert friend.client.get(url).status_code in {200, 302}
    for url in [*_interview_urls(other_id), f"/interviews/{other_id}"]:
        assert friend.client.get(url).status_code == 404, url
    refused = friend.client.post(
        f"/interviews/{other_id}/conduct",
        data={"action": "begin", "version": "1"},
        headers={"X-CSRFToken": friend.csrf, "Accept": "application/json"},
    )
    assert refused.status_code == 404
    assert (
        candidate.get(f"/interviews/{other_id}/state").get_json()["status"] == "ready"
    )


def test_revoking_cuts_off_an_open_interviewer_tab(app: Flask) -> None:
    candidate = app.test_client()
    interviews = Interviews(candidate)
    public_id, first_link = interviews.create()
    second_link = interviews.new_link(public_id)
    cut_off, kept = Interviewer(app, first_link), Interviewer(app, second_link)
    cut_off.act("begin")
    kept.version = cut_off.version
    _revoke(app, candidate, public_id, first_link)

    assert cut_off.client.get(f"/interviews/{public_id}/conduct").status_code == 404
    assert cut_off.act("timer").status_code == 404
    assert cut_off.client.get(f"/interviews/{public_id}/state").status_code == 404
    assert candidate.get(f"/interviews/{public_id}/state").get_json()["timer"] == {
        "running": False,
        "elapsed": 0.0,
    }
    # Each link is revoked on its own: the other friend carries on.
    assert kept.act("timer").status_code == 200
    assert kept.client.get(f"/interviews/{public_id}/conduct").status_code == 200


def test_failed_token_lookups_are_throttled_per_address(app: Flask) -> None:
    _public_id, link = Interviews(app.test_client()).create()
    guesser = app.test_client()
    attacker = {"REMOTE_ADDR": "203.0.113.7"}
    for n in range(20):
        response = guesser.get(f"/i/guess{n:040d}", environ_base=attacker)
        _assert_link_gone(response)
    blocked = guesser.get(link, environ_base=attacker)
    assert blocked.status_code == 429
    assert "Too many invalid interviewer links" in _text(blocked)
    assert "Try again in 15 minutes" in _text(blocked)
    assert blocked.headers["Cache-Control"] == "no-store"

    elsewhere = app.test_client().get(
        link, environ_base={"REMOTE_ADDR": "198.51.100.2"}
    )
    assert elsewhere.status_code == 303

    with app.app_context():
        for event in db.session.scalars(sa.select(RateEvent)):
            event.at -= timedelta(minutes=15, seconds=1)
        db.session.commit()
    assert guesser.get(link, environ_base=attacker).status_code == 303


def test_a_friend_signed_in_as_someone_else_gets_only_this_interview(
    app: Flask,
) -> None:
    candidate = app.test_client()
    interviews = Interviews(candidate)
    public_id, link = interviews.create()
    other_id, _ = interviews.create()
    make_user(app, "bob")
    bob = app.test_client()
    Auth(bob).login("bob")
    assert bob.get(link).status_code == 303
    assert bob.get(f"/interviews/{public_id}/conduct").status_code == 200
    assert bob.get(f"/interviews/{public_id}").status_code == 404  # candidate's screen
    assert bob.get(f"/interviews/{other_id}/conduct").status_code == 404
    assert public_id not in _text(bob.get("/interviews"))
    # Bob's own account is untouched by the grant.
    assert "bob" in _text(bob.get("/account/settings"))


def test_the_grant_survives_the_friend_logging_in(app: Flask) -> None:
    public_id, link = Interviews(app.test_client()).create()
    make_user(app, "bob")
    friend = Interviewer(app, link)
    assert Auth(friend.client).login("bob").status_code == 302
    assert friend.client.get(f"/interviews/{public_id}/conduct").status_code == 200


def test_the_grant_survives_the_friend_signing_up(app: Flask) -> None:
    public_id, link = Interviews(app.test_client()).create()
    friend = Interviewer(app, link)
    saved = post(
        friend.client,
        "/account/save",
        {
            "username": "carol",
            "password": "violet staple orbit",
            "confirm": "violet staple orbit",
        },
    )
    assert saved.status_code == 302, _text(saved)
    assert friend.client.get(f"/interviews/{public_id}/conduct").status_code == 200


def test_logging_out_ends_the_grant(app: Flask) -> None:
    public_id, link = Interviews(app.test_client()).create()
    friend = Interviewer(app, link)
    assert Auth(friend.client).logout().status_code == 302
    assert friend.client.get(f"/interviews/{public_id}/conduct").status_code == 404


# The raw token is kept nowhere ----------------------------------------------------


def _every_row_as_text(app: Flask) -> str:
    """Every row of every table in the database, reflected (not just our models)."""
    with app.app_context():
        tables = sa.MetaData()
        tables.reflect(bind=db.engine)
        return "\n".join(
            repr(tuple(row))
            for table in tables.sorted_tables
            for row in db.session.execute(sa.select(table))
        )


def _forms_of(token: str) -> list[str]:
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    return [
        token,
        quote(token, safe=""),
        base64.b64encode(raw).decode().rstrip("="),
        raw.hex(),
    ]


def test_the_raw_token_is_kept_nowhere_after_the_exchange(app: Flask) -> None:
    candidate = app.test_client()
    interviews = Interviews(candidate)
    public_id, link = interviews.create(count="3", show_text="")
    token = link.removeprefix("/i/")
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        sent.append(f"{statement} {parameters!r}")

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        friend = Interviewer(app, link)
        pages = [
            friend.opening.headers["Location"],
            *[str(value) for value in friend.opening.headers.values()],
        ]
        friend.act("begin")
        friend.act("reveal")
        pages += [
            _text(friend.client.get(f"/interviews/{public_id}/conduct")),
            _text(friend.client.get(f"/interviews/{public_id}/state")),
            _text(friend.client.get(f"/interviews/{public_id}/sheet")),
            _text(candidate.get(f"/interviews/{public_id}")),
            _text(candidate.get(f"/interviews/{public_id}/state")),
            _text(candidate.get(f"/interviews/{public_id}/sheet")),
            _text(candidate.get("/interviews")),
        ]
        friend.score(1, 3, feedback="Good")
        friend.score(2, 2)
        friend.score(3, 4, then="end")
        post(candidate, f"/interviews/{public_id}/self-ratings", {"self-1": "2"})
        pages += [
            _text(friend.client.get(f"/interviews/{public_id}/summary")),
            _text(candidate.get(f"/interviews/{public_id}/summary")),
            _text(candidate.get("/review")),
            _text(candidate.get("/account/export.json")),
            _text(candidate.get("/account/export.csv")),
        ]
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    stored = _every_row_as_text(app)
    for form in _forms_of(token):
        assert form not in stored
        assert not [statement for statement in sent if form in statement]
        assert not [page for page in pages if form in page]


# The isolation walk ----------------------------------------------------------------

# GET endpoints the friend's browser may open with a 2xx, and why. Everything
# else, and everything here when given one of the candidate's ids, must answer
# 404 or send the friend to log in. A new route is walked automatically, so it
# fails here until someone decides whether a friend may see it.
FRIEND_MAY_OPEN = {
    "interviews.conduct": "the interviewer's screen of the granted interview",
    "interviews.state": "the poll behind the interviewer's screen",
    "interviews.summary": "how it went: the interviewer sees it until the link ends",
    "interviews.sheet": "the printable interviewer sheet of the granted interview",
    "static": "the site's stylesheets and scripts",
    "practice.home": "the public list of fields",
    "practice.healthz": "the health check",
    "practice.search_page": "search over the bank questions everyone sees",
    "practice.field_page": "a field's page, with the friend's own progress",
    "practice.question_history_page": "a bank question, with the friend's own history",
    "review.review_page": "the friend's own (empty) review",
    "review.progress_page": "the friend's own (empty) progress",
    "accounts.login": "anyone may log in",
    "accounts.signup": "the friend may save their own guest profile",
    "accounts.merge": "merging the friend's own guest history (none: sent home)",
    "settings.page": "the friend's own settings",
    "settings.export_csv": "the friend's own (empty) export",
    "settings.export_json": "the friend's own (empty) export",
    "settings.export_zip": "the friend's own (empty) export",
    "prepare.my_questions": "the friend's own private questions (none)",
    "prepare.add_own_question": "a form to add a private question of the friend's own",
    "prepare.debriefs": "the friend's own debriefs (none)",
    "prepare.new_debrief": "a form for a debrief of the friend's own",
    "prepare.plans": "the friend's own plans (none)",
    "prepare.new_plan": "a form for a plan of the friend's own",
    "interviews.index": "the friend's own mock interviews (none)",
    "interviews.new": "a form to set up a mock interview of the friend's own",
}
# The granted interview's pages: the only place its id opens anything.
GRANTED_PAGES = {
    "interviews.conduct",
    "interviews.state",
    "interviews.summary",
    "interviews.sheet",
}


@dataclass
class Candidate:
    """A candidate with a history full of recognisable words, and a friend."""

    app: Flask
    client: FlaskClient
    friend: Interviewer
    public_id: str
    other_public_id: str
    ids: dict[str, list[object]]  # the candidate's own ids, per URL argument
    public_values: dict[str, list[object]]  # values anyone may use
    never_shown: dict[str, str]  # marker -> where the candidate keeps it
    asked_private_text: str


def _make_candidate(app: Flask) -> Candidate:
    make_user(app, "quokkasam")
    client = app.test_client()
    Auth(client).login("quokkasam")
    practice = Practice(client)
    round_id = practice.start_round("alpha-field", 3)
    practice.answer(
        round_id,
        1,
        2,
        note="platypus note about my answer",
        recording=(encoded(answer(), "webm", "libopus"), "audio/webm"),
    )
    with app.app_context():
        user_id = db.session.scalar(
            sa.select(User.id).where(User.username == "quokkasam")
        )
        recording_id = db.session.scalar(sa.select(Recording.id))
        asked = add_question(
            db.session,
            user_id,
            QuestionDraft(
                "Which kiwi project should we ask about?",
                "technical",
                2,
                90,
                guidance_points=("Names the kiwi deadline.",),
            ),
        )
        unasked = add_question(
            db.session,
            user_id,
            QuestionDraft("What kakapo secret do I keep?", "technical", 2, 90),
        )
        bank_question = db.session.scalar(
            sa.select(Question).where(Question.key == "al-two")
        )
        save_outline(
            db.session, user_id, bank_question.id, "wombat outline of my story"
        )
        save_outline(db.session, user_id, asked.id, "numbat outline of the kiwi answer")
        debrief = start_debrief(
            db.session,
            user_id,
            utcnow().date(),
            "technical",
            company="Narwhal Industries",
        )
        debrief.stumpers_text = "What is a pangolin lock?"
        plan = create_plan(
            db.session,
            user_id,
            utcnow() + timedelta(days=5),
            "Axolotl Corporation",
            "Capybara engineer",
            ["alpha-field"],
        )
        db.session.commit()
        asked_key, unasked_key = asked.key, unasked.key
        asked_text = asked.text
        debrief_id, plan_id = debrief.id, plan.id
        session_id = db.session.scalar(
            sa.select(LoginSession.id).where(LoginSession.user_id == user_id)
        )
    interviews = Interviews(client)
    public_id = interviews.create_hand_picked(candidate_name="Sam")
    for key in [asked_key, "al-one", "al-two"]:
        assert interviews.change(public_id, "add", key=key).status_code == 303
    link = interviews.new_link(public_id)
    other_public_id, _ = interviews.create(candidate_name="Sam")
    friend = Interviewer(app, link)
    with app.app_context():
        link_id = db.session.scalar(sa.select(sa.func.min(InterviewLink.id)))
    return Candidate(
        app=app,
        client=client,
        friend=friend,
        public_id=public_id,
        other_public_id=other_public_id,
        ids={
            "round_id": [round_id],
            "recording_id": [recording_id],
            "debrief_id": [debrief_id],
            "plan_id": [plan_id],
            "session_id": [session_id],
            "link_id": [link_id],
            "key": [asked_key, unasked_key],
            "public_id": [public_id, other_public_id],
        },
        public_values={
            "position": [1],
            "key": ["al-one"],
            "slug": ["alpha-field", "my-questions"],
            "token": ["no-such-token"],
            "filename": ["css/mockint.css"],
        },
        never_shown={
            "quokkasam": "the candidate's username",
            "platypus note": "a note on an answer",
            "wombat outline": "an answer outline",
            "numbat outline": "the outline of a question in the interview",
            "Narwhal Industries": "a debrief's company",
            "pangolin lock": "a debrief's stumper",
            "Axolotl Corporation": "a plan's company",
            "Capybara engineer": "a plan's role",
            "kakapo secret": "a private question not in the interview",
            other_public_id: "another interview of the candidate",
        },
        asked_private_text=asked_text,
    )


@pytest.fixture
def candidate(app: Flask) -> Candidate:
    """A candidate with a history, a hand-picked interview and a friend running it."""
    return _make_candidate(app)


def _concrete_urls(
    app: Flask, rule: Rule, candidate: Candidate
) -> Iterator[tuple[str, bool, bool]]:
    """Each way to fill the rule: url, uses a candidate's id, is the granted one."""
    choices = []
    for name in sorted(rule.arguments):
        options = [(v, True) for v in candidate.ids.get(name, [])]
        options += [(v, False) for v in candidate.public_values.get(name, [])]
        assert options, f"no value to walk {rule.rule} with: add one for <{name}>"
        choices.append([(name, value, owned) for value, owned in options])
    for combination in itertools.product(*choices):
        values = {name: value for name, value, _ in combination}
        owned = any(owned for _, _, owned in combination)
        granted = values.get("public_id") == candidate.public_id
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        yield url, owned, granted


def _walk_gets(candidate: Candidate) -> list[str]:
    """Every GET route as the friend; return the problems found."""
    app, friend = candidate.app, candidate.friend.client
    granted_urls = set(_interview_urls(candidate.public_id))
    problems = []
    walked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()):
            continue
        for url, owned, granted in _concrete_urls(app, rule, candidate):
            walked += 1
            response = friend.get(url)
            body = _text(response)
            status = response.status_code
            may_open = rule.endpoint in FRIEND_MAY_OPEN and (
                not owned or (granted and rule.endpoint in GRANTED_PAGES)
            )
            location = response.headers.get("Location", "")
            if status >= 500:
                problems.append(f"{url}: {status}")
            elif 200 <= status < 300 and not may_open:
                problems.append(f"{url}: {status}, but the friend may not open it")
            elif 300 <= status < 400 and not (
                location.startswith("/account/login")
                or (may_open and location.split("#")[0] in granted_urls | {"/"})
                or (may_open and not owned)
            ):
                problems.append(f"{url}: redirects to {location}")
            elif (
                status >= 400
                and status != 404
                and not (rule.endpoint == "interviews.open_link" and status == 429)
            ):
                problems.append(f"{url}: {status}")
            for marker, what in candidate.never_shown.items():
                if marker in body:
                    problems.append(f"{url} shows {what} ({marker!r})")
            if candidate.asked_private_text in body and not (
                granted and rule.endpoint in GRANTED_PAGES
            ):
                problems.append(f"{url} shows the private question of the interview")
    assert walked > 40
    return problems


def test_the_markers_are_really_on_the_candidates_pages(candidate: Candidate) -> None:
    """Guards the walk: each marker shows somewhere for the candidate themself."""
    client = candidate.client
    ids = candidate.ids
    pages = " ".join(
        _text(client.get(url))
        for url in [
            "/account/settings",
            f"/rounds/{ids['round_id'][0]}/summary",
            "/questions/al-two",
            f"/questions/{ids['key'][0]}",
            f"/debriefs/{ids['debrief_id'][0]}",
            f"/debriefs/{ids['debrief_id'][0]}/edit",
            f"/plans/{ids['plan_id'][0]}",
            "/my-questions",
            "/interviews",
        ]
    )
    missing = [marker for marker in candidate.never_shown if marker not in pages]
    assert not missing
    assert candidate.asked_private_text in pages


def test_the_friend_sees_the_private_question_they_must_ask(
    candidate: Candidate,
) -> None:
    friend = candidate.friend
    friend.act("begin")
    page = _text(friend.client.get(f"/interviews/{candidate.public_id}/conduct"))
    assert candidate.asked_private_text in page
    assert "Names the kiwi deadline." in page  # its guidance, for the interviewer
    assert "numbat outline" not in page  # but not the candidate's own outline
    sheet = _text(friend.client.get(f"/interviews/{candidate.public_id}/sheet"))
    assert candidate.asked_private_text in sheet


def test_with_only_the_grant_nothing_else_of_the_candidate_shows(
    candidate: Candidate,
) -> None:
    assert _walk_gets(candidate) == []  # before it begins
    friend = candidate.friend
    friend.act("begin")
    friend.score(1, 3, feedback="Kiwi answer was clear")
    assert _walk_gets(candidate) == []  # while it runs
    friend.score(2, 2)
    friend.score(3, 4, then="end")
    post(
        candidate.client,
        f"/interviews/{candidate.public_id}/self-ratings",
        {"self-1": "2", "keep-1": "y"},
    )
    assert _walk_gets(candidate) == []  # after it ended


def _state_of_everything(app: Flask, tables: sa.MetaData) -> dict[str, list[str]]:
    """Every row of every table, but for what merely records a visit."""
    volatile = {"last_seen_at", "updated_at"}
    with app.app_context():
        return {
            table.name: sorted(
                repr({k: v for k, v in row._mapping.items() if k not in volatile})
                for row in db.session.execute(sa.select(table))
            )
            for table in tables.sorted_tables
            if table.name not in {RateEvent.__tablename__, "failed_logins"}
        }


# A body that would change something at each of the candidate's POST routes.
HOSTILE_FORM = {
    "action": "remove",
    "position": "1",
    "key": "al-four",
    "version": "1",
    "rating": "1",
    "note": "written by the friend",
    "text": "written by the friend",
    "company": "Written By The Friend",
    "role": "friend",
    "what_happened": "written by the friend",
    "stumpers_text": "written by the friend",
    "kind": "technical",
    "difficulty": "2",
    "target_seconds": "90",
    "interview_on": "2025-01-01",
    "day": "2030-01-01",
    "time": "10:00",
    "done": "1",
    "items-0-text": "written by the friend",
    "self-1": "1",
    "keep-1": "y",
    "size": "3",
}
# The one candidate-id POST the friend may make: running the granted interview.
FRIEND_MAY_POST = {("interviews.control", "granted")}


def test_the_friend_cannot_change_anything_of_the_candidates(
    candidate: Candidate,
) -> None:
    app, friend = candidate.app, candidate.friend.client
    token = csrf_token(friend, f"/interviews/{candidate.public_id}/conduct")
    tables = sa.MetaData()
    with app.app_context():
        tables.reflect(bind=db.engine)
    before = _state_of_everything(app, tables)
    problems = []
    walked = 0
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or set()):
            continue
        for url, owned, granted in _concrete_urls(app, rule, candidate):
            if not owned or (granted and (rule.endpoint, "granted") in FRIEND_MAY_POST):
                continue  # acts on the friend's own profile, or is the friend's job
            walked += 1
            response = friend.post(url, data={"csrf_token": token, **HOSTILE_FORM})
            location = response.headers.get("Location", "")
            if not (
                response.status_code in {400, 403, 404}
                or location.startswith("/account/login")
            ):
                problems.append(f"POST {url}: {response.status_code} {location}")
            after = _state_of_everything(app, tables)
            if after != before:
                problems.append(f"POST {url} changed the candidate's data")
                before = after
    assert walked > 15
    assert problems == []
