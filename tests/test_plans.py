"""Plans for an upcoming interview: the pages, the checklist, isolation, the round."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_review import seed_attempts

from mockint.extensions import db
from mockint.models import (
    Debrief,
    DebriefStumper,
    Question,
    RoundItem,
    UpcomingInterview,
    User,
)
from mockint.own_questions import QuestionDraft, add_question
from mockint.upcoming import DEFAULT_CHECKLIST

from support import Auth, Practice, counted_statements, csrf_token, make_user, post

TOKYO = ZoneInfo("Asia/Tokyo")


def user_id(app: Flask, username: str = "ada") -> int:
    """The id of an account."""
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.username == username))


def set_zone(app: Flask, uid: int, zone: str) -> None:
    """Give a profile a time zone, as the browser would."""
    with app.app_context():
        db.session.get(User, uid).timezone = zone
        db.session.commit()


def local_today(zone: ZoneInfo) -> date:
    """Today's date in the zone."""
    return datetime.now(UTC).astimezone(zone).date()


def plan_form(days: int = 3, in_zone: ZoneInfo = UTC, **more: object) -> dict:
    """The "I have an interview" form for `days` from today (there) at 09:00."""
    return {
        "day": (local_today(in_zone) + timedelta(days=days)).isoformat(),
        "time": "09:00",
        "company": "Acme",
        "role": "Data analyst",
        "focus": ["alpha-field"],
        **more,
    }


def make_plan(client: FlaskClient, **form: object) -> int:
    """Create a plan through the form and return its id."""
    response = post(client, "/plans/new", plan_form(**form))
    assert response.status_code == 302, response.get_data(as_text=True)
    match = re.fullmatch(r"/plans/(\d+)", response.headers["Location"])
    assert match
    return int(match.group(1))


def stored_plan(app: Flask, plan_id: int) -> UpcomingInterview | None:
    """The plan as the database holds it (detached)."""
    with app.app_context():
        plan = db.session.get(UpcomingInterview, plan_id)
        if plan is not None:
            db.session.expunge(plan)
        return plan


def change_plan(app: Flask, plan_id: int, **values: object) -> None:
    """Set columns of a plan directly (moments the form refuses, old plans)."""
    with app.app_context():
        plan = db.session.get(UpcomingInterview, plan_id)
        for name, value in values.items():
            setattr(plan, name, value)
        db.session.commit()


def page_text(client: FlaskClient, path: str) -> str:
    """GET a page that must exist and return its HTML."""
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def todays_texts(page: str) -> list[str]:
    """The question texts listed as today's practice on a plan page."""
    listed = page.split('class="question-list plan-questions"')[1].split("</ol>")[0]
    return re.findall(r'<p class="question-text">([^<]+)</p>', listed)


@pytest.fixture
def ada(app: Flask, auth: Auth) -> int:
    """Ada's id, signed in on the default client."""
    make_user(app)
    assert auth.login().status_code == 302
    return user_id(app)


def test_new_plan_offers_active_fields_and_my_questions_once_i_have_some(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    form = page_text(client, "/plans/new")
    assert 'value="alpha-field"' in form and 'value="beta-field"' in form
    assert "My questions" not in form
    with app.app_context():
        draft = QuestionDraft("Why did you leave?", "behavioral", 2, 120)
        add_question(db.session, ada, draft)
        db.session.commit()
    assert 'value="my-questions"' in page_text(client, "/plans/new")


def test_create_a_plan(app: Flask, client: FlaskClient, ada: int) -> None:
    plan_id = make_plan(client, focus=["alpha-field", "beta-field"])
    plan = stored_plan(app, plan_id)
    assert plan.user_id == ada
    assert (plan.company, plan.role) == ("Acme", "Data analyst")
    assert plan.field_slugs == ["alpha-field", "beta-field"]
    assert [item["text"] for item in plan.checklist] == list(DEFAULT_CHECKLIST)
    day = local_today(UTC) + timedelta(days=3)
    assert plan.starts_at == datetime.combine(day, datetime.min.time(), UTC).replace(
        hour=9
    )
    page = page_text(client, f"/plans/{plan_id}")
    assert "Interview with Acme (Data analyst)" in page
    assert f"In 3 days, {day.strftime('%A')} 09:00" in page
    assert "Focus: Alpha Field, Beta Field" in page
    assert "Research the company and the role" in page
    assert "0 of 4 done" in page
    assert f'<a href="/plans/{plan_id}">Interview with Acme' in page_text(
        client, "/plans"
    )


def test_the_time_typed_is_in_my_zone(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    set_zone(app, ada, "Asia/Tokyo")
    plan_id = make_plan(client, in_zone=TOKYO)
    day = local_today(TOKYO) + timedelta(days=3)
    starts_at = stored_plan(app, plan_id).starts_at
    assert starts_at == datetime.combine(day, datetime.min.time(), TOKYO).replace(
        hour=9
    )
    assert starts_at.astimezone(UTC).hour == 0  # 09:00 in Tokyo
    edit = page_text(client, f"/plans/{plan_id}/edit")
    assert f'value="{day.isoformat()}"' in edit
    assert 'value="09:00"' in edit
    assert "Your time zone: Asia/Tokyo." in edit


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"focus": []}, "Choose at least one field"),
        ({"focus": ["no-such-field"]}, "not a valid choice"),
        ({"day": ""}, "Give the interview&#39;s date."),
        ({"day": "2026-02-30"}, "Not a valid date value."),
        ({"time": "25:00"}, "Not a valid time value."),
        ({"days": -1}, "That moment has passed"),
        ({"days": 400}, "Plans reach up to a year ahead"),
        ({"day": "0001-01-01"}, "That moment has passed"),
        ({"day": "9999-12-31"}, "Plans reach up to a year ahead"),
        ({"role": "r" * 121}, "Keep it under 120 characters."),
    ],
)
def test_a_refused_plan_shows_why_and_keeps_the_text(
    app: Flask, client: FlaskClient, ada: int, changes: dict, message: str
) -> None:
    days = changes.pop("days", 3)
    response = post(client, "/plans/new", plan_form(days, company="Initech", **changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Initech"' in page
    assert 'aria-invalid="true"' in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(UpcomingInterview.id))) == 0


def test_a_missing_csrf_token_keeps_the_text_and_saves_nothing(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    response = client.post("/plans/new", data=plan_form(company="Initech"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "security token was missing or has expired" in page
    assert 'value="Initech"' in page
    plan_id = make_plan(client)
    refused = client.post(f"/plans/{plan_id}/delete", data={})
    assert refused.status_code == 400
    assert stored_plan(app, plan_id) is not None
    edit = client.post(f"/plans/{plan_id}/edit", data=plan_form(company="Globex"))
    assert edit.status_code == 400 and 'value="Globex"' in edit.get_data(as_text=True)
    assert stored_plan(app, plan_id).company == "Acme"


def test_a_visitors_plan_creates_a_guest_only_when_accepted(
    app: Flask, client: FlaskClient
) -> None:
    assert post(client, "/plans/new", plan_form(focus=[])).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    plan_id = make_plan(client)
    assert "Interview with Acme" in page_text(client, f"/plans/{plan_id}")


def test_a_visitors_time_is_read_in_the_browsers_zone(
    app: Flask, client: FlaskClient
) -> None:
    form = page_text(client, "/plans/new")
    assert 'type="hidden" value="UTC"' in form and "js/plan_form.js" in form
    plan_id = make_plan(client, in_zone=TOKYO, zone="Asia/Tokyo")
    plan = stored_plan(app, plan_id)
    assert plan.starts_at.astimezone(TOKYO).strftime("%H:%M") == "09:00"
    with app.app_context():
        assert db.session.get(User, plan.user_id).timezone == "Asia/Tokyo"
    assert " 09:00" in page_text(client, f"/plans/{plan_id}")


def test_a_zone_that_does_not_exist_is_ignored(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client, zone="Mars/Olympus_Mons")
    assert stored_plan(app, plan_id).starts_at.astimezone(UTC).hour == 9


def test_edit_a_plan(app: Flask, client: FlaskClient, ada: int) -> None:
    plan_id = make_plan(client)
    post(client, f"/plans/{plan_id}/checklist/done", {"done": ["1"]})
    response = post(
        client,
        f"/plans/{plan_id}/edit",
        plan_form(5, company="  Globex ", role="", time="14:30", focus=["beta-field"]),
    )
    assert response.headers["Location"] == f"/plans/{plan_id}"
    plan = stored_plan(app, plan_id)
    assert (plan.company, plan.role, plan.field_slugs) == ("Globex", "", ["beta-field"])
    assert plan.starts_at.astimezone(UTC).strftime("%H:%M") == "14:30"
    assert [item["done"] for item in plan.checklist] == [False, True, False, False]
    assert "Interview with Globex in 5 days" in page_text(client, "/")


def test_a_past_plan_can_be_edited_without_moving_it(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client)
    past = datetime.now(UTC).replace(microsecond=0, second=0) - timedelta(days=2)
    change_plan(app, plan_id, starts_at=past)
    form = plan_form(company="Acme Corp", day=past.date().isoformat())
    form["time"] = past.strftime("%H:%M")
    assert post(client, f"/plans/{plan_id}/edit", form).status_code == 302
    assert stored_plan(app, plan_id).company == "Acme Corp"
    form["time"] = (past - timedelta(minutes=1)).strftime("%H:%M")
    response = post(client, f"/plans/{plan_id}/edit", form)
    assert response.status_code == 400
    assert "That moment has passed" in response.get_data(as_text=True)


def test_delete_a_plan_after_confirming(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client)
    confirm = page_text(client, f"/plans/{plan_id}/delete")
    assert "Delete this plan?" in confirm
    assert stored_plan(app, plan_id) is not None
    response = post(client, f"/plans/{plan_id}/delete")
    assert response.headers["Location"] == "/plans"
    assert stored_plan(app, plan_id) is None
    assert client.get(f"/plans/{plan_id}").status_code == 404
    assert "No interview planned yet." in page_text(client, "/plans")


def test_tick_checklist_items(app: Flask, client: FlaskClient, ada: int) -> None:
    plan_id = make_plan(client)
    response = post(client, f"/plans/{plan_id}/checklist/done", {"done": ["0", "2"]})
    assert response.headers["Location"] == f"/plans/{plan_id}#checklist"
    assert [i["done"] for i in stored_plan(app, plan_id).checklist] == [
        True,
        False,
        True,
        False,
    ]
    page = page_text(client, f"/plans/{plan_id}")
    assert "2 of 4 done" in page
    assert 'id="item-0" name="done" value="0" checked' in page
    assert 'id="item-1" name="done" value="1">' in page
    post(client, f"/plans/{plan_id}/checklist/done", {"done": ["2"]})
    assert [i["done"] for i in stored_plan(app, plan_id).checklist] == [
        False,
        False,
        True,
        False,
    ]
    refused = post(client, f"/plans/{plan_id}/checklist/done", {"done": ["7"]})
    assert refused.status_code == 400
    assert "no longer on the list" in refused.get_data(as_text=True)
    assert stored_plan(app, plan_id).checklist[2]["done"] is True


def checklist_form(plan: UpcomingInterview, **changes: object) -> dict:
    """The checklist editor's fields as saved, with some replaced."""
    form: dict[str, object] = {}
    for index, item in enumerate(plan.checklist):
        form[f"items-{index}-text"] = item["text"]
    form.update(changes)
    return form


def test_edit_remove_and_add_checklist_items(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client)
    post(client, f"/plans/{plan_id}/checklist/done", {"done": ["0", "3"]})
    editor = page_text(client, f"/plans/{plan_id}/checklist")
    assert 'name="items-0-text"' in editor and "Remove" in editor
    plan = stored_plan(app, plan_id)
    form = checklist_form(
        plan,
        **{
            "items-0-text": "Read their last two blog posts",
            "items-1-remove": "y",
            "items-2-text": "  ",
            "added": "Print the CV",
        },
    )
    response = post(client, f"/plans/{plan_id}/checklist", form)
    assert response.headers["Location"] == f"/plans/{plan_id}#checklist"
    assert stored_plan(app, plan_id).checklist == [
        {"text": "Read their last two blog posts", "done": True},
        {"text": DEFAULT_CHECKLIST[3], "done": True},
        {"text": "Print the CV", "done": False},
    ]
    page = page_text(client, f"/plans/{plan_id}")
    assert "Print the CV" in page and "2 of 3 done" in page


def test_a_refused_checklist_keeps_the_text(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client)
    plan = stored_plan(app, plan_id)
    too_long = "x" * 301
    response = post(
        client,
        f"/plans/{plan_id}/checklist",
        checklist_form(plan, **{"items-1-text": too_long, "added": "Iron a shirt"}),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Keep an item under 300 characters." in page
    assert too_long in page and 'value="Iron a shirt"' in page
    assert stored_plan(app, plan_id).checklist == plan.checklist
    no_token = client.post(
        f"/plans/{plan_id}/checklist", data=checklist_form(plan, added="Iron a shirt")
    )
    assert no_token.status_code == 400
    assert 'value="Iron a shirt"' in no_token.get_data(as_text=True)
    stale = checklist_form(plan, added="Iron a shirt")
    del stale["items-3-text"]  # the page was opened before another tab added one
    response = post(client, f"/plans/{plan_id}/checklist", stale)
    assert response.status_code == 409
    assert "changed in another tab" in response.get_data(as_text=True)
    assert stored_plan(app, plan_id).checklist == plan.checklist


def test_the_checklist_holds_up_to_thirty_items(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client)
    for number in range(26):
        plan = stored_plan(app, plan_id)
        post(
            client,
            f"/plans/{plan_id}/checklist",
            checklist_form(plan, added=str(number)),
        )
    plan = stored_plan(app, plan_id)
    assert len(plan.checklist) == 30
    response = post(
        client, f"/plans/{plan_id}/checklist", checklist_form(plan, added="one more")
    )
    assert response.status_code == 400
    assert "A checklist holds up to 30 items." in response.get_data(as_text=True)


PLAN_PAGES = ["", "/edit", "/delete", "/checklist"]
PLAN_POSTS = ["/edit", "/delete", "/practice", "/checklist/done", "/checklist"]


def assert_closed_to(client: FlaskClient, app: Flask, plan_id: int) -> None:
    """Every page of the plan is a 404 and every form post leaves it as it was."""
    before = stored_plan(app, plan_id)
    with app.app_context():
        rounds_before = db.session.scalar(db.select(db.func.count(RoundItem.id)))
    for suffix in PLAN_PAGES:
        assert client.get(f"/plans/{plan_id}{suffix}").status_code == 404, suffix
    token = csrf_token(client)
    for suffix in PLAN_POSTS:
        response = client.post(
            f"/plans/{plan_id}{suffix}",
            data={"csrf_token": token, **plan_form(company="Mine now"), "done": "0"},
        )
        assert response.status_code == 404, suffix
    after = stored_plan(app, plan_id)
    assert (after.company, after.checklist) == (before.company, before.checklist)
    with app.app_context():
        rounds_after = db.session.scalar(db.select(db.func.count(RoundItem.id)))
    assert rounds_after == rounds_before
    assert "Interview with Acme" not in page_text(client, "/")
    assert "Interview with Acme" not in page_text(client, "/plans")


def test_another_user_a_guest_and_a_visitor_get_404(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client)
    make_user(app, username="grace")
    other = app.test_client()
    Auth(other).login(username="grace")
    assert_closed_to(other, app, plan_id)
    guest = app.test_client()
    Practice(guest).start_round()  # a guest profile with a round of its own
    assert_closed_to(guest, app, plan_id)
    assert_closed_to(app.test_client(), app, plan_id)
    assert client.get(f"/plans/{plan_id}").status_code == 200


def round_question_ids(app: Flask, location: str) -> list[int]:
    """The questions of the round a redirect points into, in order."""
    round_id = int(re.fullmatch(r"/rounds/(\d+)/1", location).group(1))
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(RoundItem.question_id)
                .where(RoundItem.round_id == round_id)
                .order_by(RoundItem.position)
            )
        )


def question_ids(app: Flask, texts: list[str]) -> list[int]:
    """Question ids by their texts, in the same order."""
    with app.app_context():
        found = dict(db.session.execute(db.select(Question.text, Question.id)).all())
    return [found[text] for text in texts]


def test_todays_round_holds_exactly_the_planned_questions(
    app: Flask, client: FlaskClient, practice: Practice, ada: int
) -> None:
    round_id = practice.start_round(size=3)
    for position, rating in [(1, 1), (2, 2), (3, 4)]:
        practice.answer(round_id, position, rating)
    plan_id = make_plan(client, days=3, focus=["alpha-field", "beta-field"])
    page = page_text(client, f"/plans/{plan_id}")
    # Two shaky to review; 5 unseen over the 2 days before the day before: 3.
    assert "<strong>5 questions</strong> (2 to review, 3 new)" in page
    texts = todays_texts(page)
    assert len(texts) == 5
    response = post(client, f"/plans/{plan_id}/practice")
    assert round_question_ids(app, response.headers["Location"]) == question_ids(
        app, texts
    )
    home = page_text(client, "/")
    assert "<strong>5 questions</strong>" in home
    assert f'action="/plans/{plan_id}/practice"' in home


def add_private(app: Flask, owner: int, text: str) -> int:
    """A private question of the owner; returns its id."""
    with app.app_context():
        question = add_question(
            db.session, owner, QuestionDraft(text, "behavioral", 2, 120)
        )
        db.session.commit()
        return question.id


def test_other_peoples_private_questions_never_enter_a_plan(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    make_user(app, username="grace")
    add_private(app, user_id(app, "grace"), "Grace's secret question?")
    add_private(app, ada, "Why did you leave your last job?")
    plan_id = make_plan(client, days=1, focus=["my-questions"])
    page = page_text(client, f"/plans/{plan_id}")
    assert todays_texts(page) == ["Why did you leave your last job?"]
    assert "<strong>1 question</strong> (0 to review, 1 new)" in page
    assert "secret" not in page
    response = post(client, f"/plans/{plan_id}/practice")
    assert len(round_question_ids(app, response.headers["Location"])) == 1


def test_debrief_stumpers_join_todays_practice(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    stumper = add_private(app, ada, "Design a parking lot.")
    with app.app_context():
        debrief = Debrief(user_id=ada, interview_on=local_today(UTC))
        debrief.stumpers = [DebriefStumper(question_id=stumper, position=1)]
        db.session.add(debrief)
        db.session.commit()
    plan_id = make_plan(client, days=10, focus=["beta-field"])
    texts = todays_texts(page_text(client, f"/plans/{plan_id}"))
    assert texts[0] == "Design a parking lot."
    assert texts[1:] == ["Walk me through your CV."]  # 2 unseen over 9 days


def test_the_day_before_is_a_last_drill_on_the_home_page(
    app: Flask, client: FlaskClient, practice: Practice, ada: int
) -> None:
    round_id = practice.start_round(size=3)
    for position in (1, 2, 3):
        practice.answer(round_id, position, 1)
    plan_id = make_plan(client, days=1)
    change_plan(app, plan_id, created_at=datetime.now(UTC) - timedelta(days=5))
    home = page_text(client, "/")
    assert "Tomorrow is the day. Nothing new today: a last drill of the shakiest 3" in (
        home
    )
    assert "Start the last drill" in home
    assert "3 questions in your focus fields stay unseen" in home
    page = page_text(client, f"/plans/{plan_id}")
    assert len(todays_texts(page)) == 3 and "New</span>" not in page


def test_an_interview_made_for_tomorrow_takes_everything_today(
    client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client, days=1)
    page = page_text(client, f"/plans/{plan_id}")
    assert "<strong>6 questions</strong> (0 to review, 6 new)" in page


def test_new_questions_take_turns_by_field(client: FlaskClient, ada: int) -> None:
    plan_id = make_plan(client, days=1, focus=["beta-field", "alpha-field"])
    texts = todays_texts(page_text(client, f"/plans/{plan_id}"))
    assert texts[:5] == [
        "Walk me through your CV.",
        "Tell me about yourself.",
        "What is the difference between a process and a thread?",
        "Describe a conflict with a colleague and how it ended.",
        "What would you do if a deadline could not be met?",
    ]
    assert len(texts) == 8


def test_behind_and_on_track_lines(
    app: Flask, client: FlaskClient, practice: Practice, ada: int
) -> None:
    plan_id = make_plan(client, days=8, focus=["alpha-field"])
    assert "On track:</strong> 6 new questions to see" in page_text(client, "/")
    # Made four days ago: 6 over the 11 days up to the day before the day
    # before, 1 a day, so 4 should have been seen by now.
    change_plan(
        app,
        plan_id,
        created_at=datetime.now(UTC) - timedelta(days=4),
    )
    assert "Behind by 4:" in page_text(client, "/")
    round_id = practice.start_round(size=5)
    for position in range(1, 6):
        practice.answer(round_id, position, 3)
    assert "On track:</strong> 5 new questions seen since you made the plan" in (
        page_text(client, "/")
    )


def test_after_the_interview_home_and_plan_offer_a_debrief(
    app: Flask, client: FlaskClient, ada: int
) -> None:
    plan_id = make_plan(client)
    change_plan(app, plan_id, starts_at=datetime.now(UTC) - timedelta(hours=3))
    link = f'href="/debriefs/new?interview={plan_id}"'
    for path in ("/", f"/plans/{plan_id}", "/plans"):
        page = page_text(client, path)
        assert link in page, path
    assert "How did it go?" in page_text(client, "/")
    with app.app_context():
        debrief = Debrief(user_id=ada, interview_on=local_today(UTC))
        db.session.add(debrief)
        db.session.flush()
        db.session.get(UpcomingInterview, plan_id).debrief_id = debrief.id
        db.session.commit()
        debrief_id = debrief.id
    assert "How did it go?" not in page_text(client, "/")
    assert f'href="/debriefs/{debrief_id}"' in page_text(client, f"/plans/{plan_id}")


def test_the_nearest_interview_leads_the_home_page(
    client: FlaskClient, ada: int
) -> None:
    make_plan(client, days=9, company="Later Inc")
    make_plan(client, days=2, company="Soon Ltd")
    home = page_text(client, "/")
    lead = home.split('id="plan-lead-heading"')[1].split("</h2>")[0]
    assert "Interview with Soon Ltd (Data analyst) in 2 days" in lead
    assert "Also coming up:" in home and "Later Inc</a>" in home
    plans = page_text(client, "/plans")
    assert plans.index("Soon Ltd") < plans.index("Later Inc")


def test_home_page_queries_stay_bounded_with_a_plan(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    practice.answer(practice.start_round(), 1, 2)
    make_plan(client, focus=["alpha-field", "beta-field"])
    with app.app_context():
        uid = db.session.scalar(db.select(User.id))
    seed_attempts(app, uid, 20)
    with counted_statements(app) as small:
        assert "Start today&#39;s practice" in page_text(client, "/")
    seed_attempts(app, uid, 400)
    with counted_statements(app) as large:
        assert "Start today&#39;s practice" in page_text(client, "/")
    assert len(large) == len(small)
    assert len(large) <= 12
