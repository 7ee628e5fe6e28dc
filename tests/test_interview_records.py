"""Interviewer-rated answers in history, exports and review; the ways in."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from test_portability import comparable, export, page_text, row_counts, upload

from mockint.extensions import db
from mockint.import_schema import ImportProblem, validate_export
from mockint.models import (
    Debrief,
    DebriefStumper,
    Interview,
    InterviewLink,
    Question,
    UpcomingInterview,
    User,
)

from support import (
    Auth,
    Practice,
    counted_statements,
    csrf_token,
    make_user,
    post,
    valid_export,
)


@dataclass(frozen=True)
class Scored:
    """How the friend scores one question: the rating and the points covered."""

    rating: int
    covered: tuple[int, ...] = ()
    feedback: str = ""


def text_of(page: str) -> str:
    """A page's words without tags, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def create_picked(candidate: FlaskClient, keys: list[str]) -> str:
    """Create a hand-picked interview of the questions; return its public id."""
    response = post(
        candidate,
        "/interviews/new",
        {
            "fields": ["alpha-field"],
            "pick": keys,
            "candidate_name": "Sam",
            "show_text": "y",
            "link_days": "7",
            "count": "5",
        },
    )
    assert response.status_code == 303, page_text(response)
    match = re.search(r"/interviews/([^/]+)/questions$", response.headers["Location"])
    assert match
    return match.group(1)


def run_interview(
    app: Flask,
    candidate: FlaskClient,
    keys: list[str],
    scores: list[Scored],
    self_ratings: list[int | None] | None = None,
) -> str:
    """A friend runs a hand-picked interview to its end; the candidate rates too."""
    public_id = create_picked(candidate, keys)
    share = post(candidate, f"/interviews/{public_id}/links").get_data(as_text=True)
    token_path = re.search(r'value="http://localhost(/i/[^"]+)"', share).group(1)
    friend = app.test_client()
    assert friend.get(token_path).status_code == 303
    conduct = f"/interviews/{public_id}/conduct"
    token = csrf_token(friend, conduct)
    begun = friend.post(
        conduct, data={"csrf_token": token, "action": "begin", "version": 1}
    )
    assert begun.status_code == 303
    version = 2
    for position, score in enumerate(scores, start=1):
        action = "end" if position == len(scores) else "next"
        response = friend.post(
            conduct,
            data={
                "csrf_token": token,
                "action": action,
                "version": version,
                "position": position,
                "covered": [str(i) for i in score.covered],
                "rating": str(score.rating),
                "feedback": score.feedback,
            },
        )
        assert response.status_code == 303, page_text(response)
        version += 2
    if self_ratings is not None:
        ratings = {
            f"self-{position}": str(rating)
            for position, rating in enumerate(self_ratings, start=1)
            if rating is not None
        }
        saved = post(candidate, f"/interviews/{public_id}/self-ratings", ratings)
        assert saved.status_code in (302, 303)
    return public_id


# Marked as rated by an interviewer -------------------------------------------


def test_history_marks_the_interviewers_rating(app: Flask, client: FlaskClient) -> None:
    started = post(client, "/questions/al-one/practice")
    round_id = int(re.search(r"/rounds/(\d+)/1", started.location).group(1))
    Practice(client).answer(round_id, 1, 2, note="my own try")
    run_interview(app, client, ["al-one", "al-two"], [Scored(4), Scored(3)])

    page = client.get("/questions/al-one").get_data(as_text=True)
    rows = re.findall(r"<tr>\s*<td data-label=\"When\">.*?</tr>", page, re.S)
    assert len(rows) == 2
    labelled = [row for row in rows if "Rated by your interviewer" in row]
    assert len(labelled) == 1
    assert "Nailed it" in labelled[0]
    own = next(row for row in rows if row not in labelled)
    assert "Shaky" in own and "my own try" in own


def test_csv_has_a_rated_by_column(app: Flask, client: FlaskClient) -> None:
    practice = Practice(client)
    practice.answer(practice.start_round(), 1, 3)
    run_interview(app, client, ["al-two"], [Scored(1)])
    response = client.get("/account/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["rated_by"] for row in rows] == ["self", "interviewer"]
    assert rows[1]["question_id"] == "al-two"
    assert rows[1]["rating_label"] == "Stumped"
    assert rows[1]["timed_by"] == "server"


# The JSON export and its import ----------------------------------------------


def test_round_trip_keeps_interviewer_ratings_cards_and_interviews(
    app: Flask, client: FlaskClient
) -> None:
    practice = Practice(client)
    round_id = practice.start_round()
    for position, rating in enumerate([1, 3, 4], start=1):
        practice.answer(round_id, position, rating)
    run_interview(
        app,
        client,
        ["al-one", "al-two"],
        [Scored(3, (0,), "Good opening"), Scored(2, (), "Say how it ended")],
        self_ratings=[2, 2],
    )
    original = export(client)
    rated_by = [attempt["rated_by"] for attempt in original["attempts"]]
    assert rated_by == ["self"] * 3 + ["interviewer"] * 2
    [interview] = original["mock_interviews"]
    assert interview["status"] == "ended"
    assert interview["candidate_name"] == "Sam"
    assert [
        (q["question"], q["rating"], q["covered"], q["feedback"], q["self_rating"])
        for q in original["mock_interview_questions"]
    ] == [
        ("al-one", 3, [0], "Good opening", 2),
        ("al-two", 2, [], "Say how it ended", 2),
    ]
    # Never the address, links, grants or tokens: only what the interview was.
    raw = json.dumps(original)
    with app.app_context():
        public_id = db.session.scalar(sa.select(Interview.public_id))
        token_hash = db.session.scalar(sa.select(InterviewLink.token_hash))
    assert public_id not in raw and token_hash not in raw
    assert set(interview) == {
        "ref",
        "candidate_name",
        "show_text",
        "fields",
        "method",
        "level",
        "status",
        "position",
        "link_days",
        "created_at",
        "started_at",
        "ended_at",
    }

    make_user(app, "newcomer")
    fresh = app.test_client()
    assert Auth(fresh).login("newcomer").status_code == 302
    response = upload(fresh, original)
    assert response.status_code == 302, page_text(response)
    assert comparable(export(fresh)) == comparable(original)
    history = fresh.get("/questions/al-two").get_data(as_text=True)
    assert "Rated by your interviewer" in history
    # The imported interview is whole: its summary shows the friend's feedback
    # and the ratings are tied to the attempts they became.
    with app.app_context():
        copied = db.session.scalar(
            sa.select(Interview).where(Interview.public_id != public_id)
        )
        assert [item.attempt_id is not None for item in copied.items] == [True, True]
        assert copied.links == []
        copied_id = copied.public_id
    summary = fresh.get(f"/interviews/{copied_id}/summary").get_data(as_text=True)
    assert "Say how it ended" in summary
    review = text_of(fresh.get("/review").get_data(as_text=True))
    assert "On average you rate yourself 0.5 lower than your interviewers" in review


def test_an_export_from_before_interviews_imports_as_own_ratings(app: Flask) -> None:
    document = valid_export()
    assert all("rated_by" not in attempt for attempt in document["attempts"])
    visitor = app.test_client()
    assert upload(visitor, document).status_code == 302
    data = export(visitor)
    assert {attempt["rated_by"] for attempt in data["attempts"]} == {"self"}
    assert data["mock_interviews"] == [] == data["mock_interview_questions"]
    assert "Rated by your interviewer" not in visitor.get("/questions/al-one").text


def test_import_refuses_a_profile_with_only_a_mock_interview(
    app: Flask, client: FlaskClient
) -> None:
    create_picked(client, ["al-one"])
    before = row_counts(app)
    response = upload(client, valid_export())
    assert response.status_code == 400
    assert "or mock interviews), so nothing is mixed up" in page_text(response)
    assert row_counts(app) == before


def with_mock_interview(document: dict) -> dict:
    """The valid export plus one ended interview of one question."""
    document["attempts"].append(
        {
            "question": "al-four",
            "round": None,
            "position": None,
            "rating": 2,
            "elapsed_seconds": 95.0,
            "timed_by": "server",
            "rated_by": "interviewer",
            "shown_at": "2025-03-04T09:00:00+00:00",
            "answered_at": "2025-03-04T09:02:00+00:00",
            "note": "",
        }
    )
    document["mock_interviews"] = [
        {
            "ref": 1,
            "candidate_name": "Sam",
            "show_text": False,
            "fields": ["alpha-field"],
            "method": "random",
            "level": None,
            "status": "ended",
            "position": 1,
            "link_days": 7,
            "created_at": "2025-03-04T08:55:00+00:00",
            "started_at": "2025-03-04T09:00:00+00:00",
            "ended_at": "2025-03-04T09:03:00+00:00",
        }
    ]
    document["mock_interview_questions"] = [
        {
            "interview": 1,
            "position": 1,
            "question": "al-four",
            "elapsed_seconds": 95.0,
            "shown_at": "2025-03-04T09:00:00+00:00",
            "revealed": True,
            "rating": 2,
            "rated_at": "2025-03-04T09:02:00+00:00",
            "covered": [1],
            "follow_ups_asked": [0],
            "feedback": "Name the B-tree",
            "self_rating": 3,
        }
    ]
    return document


def test_a_handmade_interview_imports_tied_to_its_attempt(app: Flask) -> None:
    visitor = app.test_client()
    response = upload(visitor, with_mock_interview(valid_export()))
    assert response.status_code == 302, page_text(response)
    page = text_of(visitor.get("/questions/al-four").get_data(as_text=True))
    assert "Shaky Rated by your interviewer" in page
    review = text_of(visitor.get("/review").get_data(as_text=True))
    assert "On average you rate yourself 1.0 higher than your interviewers" in review
    assert (
        "A sorted structure (B-tree) lets the engine seek instead of scanning."
        " missed 1 of 1 time" in review
    )


def problems_of(document: dict) -> str:
    """The problems the schema finds in a document, joined."""
    with pytest.raises(ImportProblem) as refused:
        validate_export(document)
    return "; ".join(refused.value.problems)


@pytest.mark.parametrize("value", ["friend", "Interviewer", 1, None, True, ["self"]])
def test_schema_refuses_an_unknown_rated_by(value: object) -> None:
    document = valid_export()
    document["attempts"][1]["rated_by"] = value
    message = problems_of(document)
    assert message.startswith("attempt 2: rated_by ")
    assert "must be 'self' or 'interviewer'" in message


@pytest.mark.parametrize("value", ["self", "interviewer"])
def test_schema_accepts_both_raters(value: str) -> None:
    document = valid_export()
    document["attempts"][1]["rated_by"] = value
    attempts = validate_export(document).attempts
    assert {a.rated_by for a in attempts if a.question == "al-two"} == {value}


def test_a_bad_rated_by_is_refused_on_upload_and_writes_nothing(app: Flask) -> None:
    document = valid_export()
    document["attempts"][0]["rated_by"] = "my mum"
    before = row_counts(app)
    response = upload(app.test_client(), document)
    assert response.status_code == 400
    assert "attempt 1: rated_by 'my mum' must be 'self' or 'interviewer'" in (
        page_text(response)
    )
    assert row_counts(app) == before


def mock_change(name: str, index: int, key: str, value: object) -> dict:
    """The document with one value of its mock interview changed."""
    document = with_mock_interview(valid_export())
    document[name][index][key] = value
    return document


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            mock_change("mock_interviews", 0, "status", "paused"),
            "mock interview 1: status must be one of ready, live, ended",
        ),
        (
            mock_change("mock_interviews", 0, "method", "coin"),
            "mock interview 1: method must be one of",
        ),
        (
            mock_change("mock_interview_questions", 0, "interview", 2),
            "mock interview question 1: mock interview 2 is not among the file's",
        ),
        (
            mock_change("mock_interview_questions", 0, "position", 2),
            "mock interview 1: its questions must be numbered 1, 2, 3",
        ),
        (
            mock_change("mock_interview_questions", 0, "covered", [-1]),
            "covered must be a list of numbers from 0 to 19",
        ),
        (
            mock_change("mock_interview_questions", 0, "self_rating", 5),
            "self_rating must be a whole number from 1 to 4",
        ),
        (
            mock_change("mock_interviews", 0, "show_text", "yes"),
            "show_text must be true or false",
        ),
    ],
)
def test_schema_refuses_a_broken_mock_interview(document: dict, message: str) -> None:
    assert message in problems_of(document)


# The review page ---------------------------------------------------------------


def two_interviews(app: Flask, client: FlaskClient) -> None:
    """Two interviews of al-one and al-two, scored and self-rated."""
    run_interview(
        app,
        client,
        ["al-one", "al-two"],
        [Scored(3, (0,)), Scored(2, ())],
        self_ratings=[2, 2],
    )
    run_interview(
        app,
        client,
        ["al-one", "al-two"],
        [Scored(2, ()), Scored(4, (0, 1))],
        self_ratings=[1, 4],
    )


def test_review_shows_missed_points_and_calibration(
    app: Flask, client: FlaskClient
) -> None:
    two_interviews(app, client)
    page = text_of(client.get("/review").get_data(as_text=True))
    # Self minus interviewer: -1, 0, -1, 0.
    assert "On average you rate yourself 0.5 lower than your interviewers" in page
    assert "over 4 answers you both rated" in page
    section = page[page.index("Points you most often miss") :]
    missed = re.findall(r"missed (\d) of (\d) times? ([^?.]+[?.])", section)
    assert missed[0] == ("2", "2", "Tell me about yourself.")
    assert section.index("Ends on why this job is the natural next step.") < (
        section.index("missed 2 of 2 times")
    )
    assert sorted(missed[1:]) == [
        ("1", "2", "Describe a conflict with a colleague and how it ended."),
        ("1", "2", "Describe a conflict with a colleague and how it ended."),
        ("1", "2", "Tell me about yourself."),
    ]


def test_review_without_interviews_shows_neither(client: FlaskClient) -> None:
    practice = Practice(client)
    practice.answer(practice.start_round(), 1, 2)
    page = client.get("/review").get_data(as_text=True)
    assert "Points you most often miss" not in page
    assert "On average you rate yourself" not in page


def test_review_queries_do_not_grow_with_interviews(
    app: Flask, client: FlaskClient
) -> None:
    two_interviews(app, client)
    with counted_statements(app) as few:
        assert client.get("/review").status_code == 200
    for _ in range(2):
        two_interviews(app, client)
    with counted_statements(app) as more:
        assert client.get("/review").status_code == 200
    assert len(more) == len(few)
    assert len(more) <= 12


# The ways in -------------------------------------------------------------------


def checked_fields(page: str) -> list[str]:
    """The slugs of the field checkboxes ticked on the set-up form."""
    return sorted(
        re.findall(
            r'<input checked id="[^"]+" name="fields" type="checkbox" value="([^"]+)"',
            page,
        )
    )


def link_to_new(page: str) -> str:
    """The address of the page's "Mock interview with a friend" link."""
    match = re.search(
        r'<a href="(/interviews/new[^"]*)">(?:Mock interview with a friend|'
        r"Rehearse with a friend|Rehearse these with a friend)</a>",
        page,
    )
    assert match, "no way into a mock interview on the page"
    return html.unescape(match.group(1))


def test_home_review_and_plans_lead_to_mock_interviews(client: FlaskClient) -> None:
    assert link_to_new(client.get("/").get_data(as_text=True)) == "/interviews/new"
    assert link_to_new(client.get("/review").get_data(as_text=True)) == (
        "/interviews/new"
    )
    home = client.get("/").get_data(as_text=True)
    assert '<a href="/plans">Interviews</a>' in home
    plans = client.get("/plans").get_data(as_text=True)
    assert '<a href="/interviews">My mock interviews</a>' in plans
    listed = client.get("/interviews").get_data(as_text=True)
    assert '<a href="/plans">My interviews</a>' in listed


def test_field_page_prefills_its_field(client: FlaskClient) -> None:
    address = link_to_new(client.get("/fields/beta-field").get_data(as_text=True))
    assert address == "/interviews/new?field=beta-field"
    assert checked_fields(client.get(address).get_data(as_text=True)) == ["beta-field"]


def test_round_summary_prefills_the_rounds_field(client: FlaskClient) -> None:
    practice = Practice(client)
    round_id = practice.start_round()
    for position in (1, 2, 3):
        practice.answer(round_id, position, 3)
    summary = client.get(f"/rounds/{round_id}/summary").get_data(as_text=True)
    address = link_to_new(summary)
    assert address == "/interviews/new?field=alpha-field"
    assert checked_fields(client.get(address).get_data(as_text=True)) == ["alpha-field"]


def test_review_link_carries_the_field_filter(client: FlaskClient) -> None:
    page = client.get("/review?field=beta-field").get_data(as_text=True)
    assert link_to_new(page) == "/interviews/new?field=beta-field"


def user_id_of(app: Flask, username: str = "ada") -> int:
    """The id of an account."""
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def test_upcoming_plan_prefills_its_fields(
    app: Flask, client: FlaskClient, signed_in: User
) -> None:
    with app.app_context():
        plan = UpcomingInterview(
            user_id=signed_in.id,
            starts_at=datetime.now(UTC) + timedelta(days=6),
            company="Globex",
            field_slugs=["alpha-field", "beta-field"],
        )
        db.session.add(plan)
        db.session.commit()
        plan_id = plan.id
    page = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    address = link_to_new(page)
    assert address == "/interviews/new?field=alpha-field&field=beta-field"
    form = client.get(address).get_data(as_text=True)
    assert checked_fields(form) == ["alpha-field", "beta-field"]
    assert 'value="ada"' in form  # the name the friend will see


def add_private_question(client: FlaskClient, text: str) -> None:
    """Add a question to the signed-in user's My questions."""
    response = post(
        client,
        "/my-questions/new",
        {"text": text, "kind": "technical", "difficulty": 2, "target_seconds": 120},
    )
    assert response.status_code in (302, 303)


def hidden_values(page: str, name: str) -> list[str]:
    """The values of the page's hidden inputs of that name, in order."""
    return re.findall(rf'<input type="hidden" name="{name}" value="([^"]*)">', page)


def test_debrief_stumpers_become_a_hand_picked_interview_in_order(
    app: Flask, client: FlaskClient, signed_in: User
) -> None:
    add_private_question(client, "How would you migrate our billing system?")
    with app.app_context():
        ids = dict(db.session.execute(sa.select(Question.key, Question.id)).all())
        own = db.session.scalar(
            sa.select(Question.key).where(Question.owner_id == signed_in.id)
        )
        debrief = Debrief(
            user_id=signed_in.id,
            interview_on=date.today() - timedelta(days=1),
            company="Acme",
            finished_at=datetime.now(UTC),
        )
        debrief.stumpers = [
            DebriefStumper(question_id=ids[key], position=position)
            for position, key in enumerate(["al-three", own, "be-one"], start=1)
        ]
        db.session.add(debrief)
        db.session.commit()
        debrief_id = debrief.id
    page = client.get(f"/debriefs/{debrief_id}").get_data(as_text=True)
    address = link_to_new(page)
    assert address == f"/interviews/new?pick=al-three&pick={own}&pick=be-one"

    form = client.get(address).get_data(as_text=True)
    assert hidden_values(form, "pick") == ["al-three", own, "be-one"]
    assert hidden_values(form, "method") == ["hand-picked"]
    listed = text_of(form[form.index("to rehearse") : form.index("In this order")])
    assert "3 questions to rehearse" in text_of(form)
    assert listed.index("deadline could not be met") < listed.index("billing system")
    assert listed.index("billing system") < listed.index("Walk me through your CV.")
    assert checked_fields(form) == sorted(["alpha-field", "beta-field", "my-questions"])

    response = post(
        client,
        "/interviews/new",
        {
            "fields": checked_fields(form),
            "pick": hidden_values(form, "pick"),
            "method": "hand-picked",
            "count": "5",
            "candidate_name": "Ada",
            "link_days": "7",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/questions")
    with app.app_context():
        interview = db.session.scalar(sa.select(Interview))
        assert interview.method == "hand-picked"
        assert [item.question.key for item in interview.items] == [
            "al-three",
            own,
            "be-one",
        ]
    picker = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "How would you migrate our billing system?" in picker


def test_picks_ignore_others_private_unknown_and_repeated_questions(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "bea")
    other = app.test_client()
    assert Auth(other).login("bea").status_code == 302
    add_private_question(other, "A secret of Bea's?")
    with app.app_context():
        secret = db.session.scalar(
            sa.select(Question.key).where(Question.owner_id.is_not(None))
        )
    picks = [secret, "al-two", "zz-nope", "al-two", "al-one"]
    query = "&".join(f"pick={key}" for key in picks)
    form = client.get(f"/interviews/new?{query}").get_data(as_text=True)
    assert "A secret of Bea" not in form
    assert hidden_values(form, "pick") == ["al-two", "al-one"]

    # A forged post naming the secret gets the visible questions only.
    public_id = create_picked(client, picks)
    bea = user_id_of(app, "bea")
    with app.app_context():
        interview = db.session.scalar(
            sa.select(Interview).where(Interview.public_id == public_id)
        )
        assert [item.question.key for item in interview.items] == ["al-two", "al-one"]
        assert interview.user_id != bea


def test_without_visible_picks_the_form_is_the_usual_one(client: FlaskClient) -> None:
    form = client.get("/interviews/new?pick=zz-nope").get_data(as_text=True)
    assert hidden_values(form, "pick") == []
    assert 'type="radio" value="weakest"' in form
    assert "to rehearse" not in form
