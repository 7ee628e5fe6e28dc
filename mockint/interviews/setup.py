"""The candidate's side: set up an interview, pick questions, share and follow it."""

from __future__ import annotations

import random
import secrets

import segno
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from mockint.catalogue import listed_fields
from mockint.extensions import db
from mockint.identity import (
    current_profile,
    current_profile_id,
    current_zone,
    ensure_profile,
)
from mockint.interviewing import NotAllowedNow
from mockint.interviewing.links import create_link, links_of, revoke_link
from mockint.interviewing.live import current_item, running_seconds
from mockint.interviewing.questions import (
    MAX_QUESTIONS,
    add_question,
    choose_questions,
    create_interview,
    interviews_of,
    move_question,
    owned_interview,
    remove_question,
)
from mockint.interviews import bp
from mockint.interviews.forms import (
    MAX_PICKS,
    InterviewSetupForm,
    PickerChangeForm,
    PickerFilterForm,
)
from mockint.interviews.shared import PRIVATE_HEADERS, owned
from mockint.models import Field, Interview, Question, utcnow
from mockint.practice.forms import PostOnlyForm

PICKER_RESULTS = 30
SETUP_ID_BYTES = 16
SETUP_KEY = "interview_setup"  # (set-up id, public id) of the last one made


def _setup_form() -> InterviewSetupForm:
    form = InterviewSetupForm()
    form.fields.choices = [(f.slug, f.name) for f in listed_fields(db.session)]
    return form


@bp.get("/interviews")
def index() -> ResponseReturnValue:
    """My mock interviews with friends, newest first."""
    return render_template(
        "interviews/index.html",
        interviews=interviews_of(db.session, current_profile_id()),
    )


def _picked_questions(keys: list[str], user_id: int | None) -> list[Question]:
    """The questions the keys name that the user may ask, in the keys' order.

    Unknown, archived and other users' private questions are left out, and a
    question named twice is kept once.
    """
    if not keys:
        return []
    found = {
        question.key: question
        for question in db.session.scalars(
            db.select(Question)
            .join(Field, Field.id == Question.field_id)
            .where(
                Question.key.in_(keys),
                Question.archived_at.is_(None),
                Field.archived_at.is_(None),
                Question.visible_to(user_id),
            )
            .options(db.joinedload(Question.field))
        )
    }
    ordered = list({key: found[key] for key in keys if key in found}.values())
    return ordered[:MAX_QUESTIONS]


def _render_new(
    form: InterviewSetupForm, picked: list[Question], status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "interviews/new.html", form=form, picked=picked, max_questions=MAX_QUESTIONS
    )
    return page, status


@bp.get("/interviews/new")
def new() -> ResponseReturnValue:
    """The set-up form, prefilled from the page it was opened from."""
    profile = current_profile()
    form = _setup_form()
    picked = _picked_questions(
        request.args.getlist("pick")[:MAX_PICKS], profile.id if profile else None
    )
    wanted = set(request.args.getlist("field"))
    wanted |= {question.field.slug for question in picked}
    form.fields.data = [slug for slug, _ in form.fields.choices if slug in wanted]
    form.level.data = (profile.level or "") if profile and not picked else ""
    if profile is not None and profile.username:
        form.candidate_name.data = profile.username
    if picked:
        form.pick.data = [question.key for question in picked]
        form.use_picks(len(picked))
    form.setup_id.data = secrets.token_urlsafe(SETUP_ID_BYTES)
    return _render_new(form, picked)


@bp.post("/interviews/new")
def create() -> ResponseReturnValue:
    """Create the interview; show its link, or the picker when hand-picking."""
    form = _setup_form()
    picked = _picked_questions(form.pick.data or [], current_profile_id())
    if picked:  # the questions are chosen: the picker lets the candidate adjust
        form.use_picks(len(picked))
    if not form.validate():
        return _render_new(form, picked, 400)
    made_before = _interview_of_setup(form.setup_id.data)
    if made_before is not None:
        return _show_again(made_before)
    fields = [
        f for f in listed_fields(db.session) if f.slug in set(form.fields.data or [])
    ]
    profile = ensure_profile()
    now = utcnow()
    questions = picked or choose_questions(
        db.session,
        profile.id,
        [f.id for f in fields],
        form.level.data or None,
        form.method.data,
        form.count.data,
        now,
        current_zone(),
        random.SystemRandom(),
    )
    if form.method.data != "hand-picked" and not questions:
        form.fields.errors = list(form.fields.errors) + [
            "No questions to ask in these fields at that level: choose others."
        ]
        db.session.rollback()
        return _render_new(form, picked, 400)
    interview = create_interview(
        db.session,
        profile.id,
        form.candidate_name.data,
        fields,
        form.level.data,
        form.method.data,
        questions,
        form.show_text.data,
        form.link_days.data,
    )
    if form.setup_id.data:
        session[SETUP_KEY] = (form.setup_id.data, interview.public_id)
    if form.method.data == "hand-picked":
        db.session.commit()
        return redirect(
            url_for("interviews.picker", public_id=interview.public_id), 303
        )
    token = create_link(db.session, interview, interview.link_days, now)
    db.session.commit()
    return _render_share(interview, token)


def _interview_of_setup(setup_id: str | None) -> Interview | None:
    """The interview this browser already made from the same set-up form, if any."""
    if not setup_id:
        return None
    remembered = session.get(SETUP_KEY)
    if not remembered or remembered[0] != setup_id:
        return None
    return owned_interview(db.session, current_profile_id(), remembered[1])


def _show_again(interview: Interview) -> ResponseReturnValue:
    """A set-up form sent again: the interview it made, with a fresh link (the
    first link's token was shown once and is not kept)."""
    if interview.status == "ended":
        return redirect(
            url_for("interviews.candidate", public_id=interview.public_id), 303
        )
    if not interview.items:  # hand-picking, with nothing picked yet
        return redirect(
            url_for("interviews.picker", public_id=interview.public_id), 303
        )
    token = create_link(db.session, interview, interview.link_days, utcnow())
    db.session.commit()
    flash(
        "This interview was already set up: here is a new link to it. "
        "Earlier links keep working."
    )
    return _render_share(interview, token)


def _render_share(interview: Interview, token: str) -> ResponseReturnValue:
    # The raw token exists only in this response: never stored, never in a URL
    # of ours, so reloading cannot show it again (a new link can be made).
    url = url_for("interviews.open_link", token=token, _external=True)
    qr = segno.make(url, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", omitsize=True, svgclass="qr-code"
    )
    page = render_template(
        "interviews/share.html",
        interview=interview,
        link_url=url,
        qr_svg=Markup(qr),
        post_form=PostOnlyForm(),
    )
    return page, 200, PRIVATE_HEADERS


@bp.get("/interviews/<public_id>")
def candidate(public_id: str) -> ResponseReturnValue:
    """The candidate's screen: waiting, following live, or the summary."""
    interview = owned(public_id)
    if interview.status == "ended":
        return redirect(url_for("interviews.summary", public_id=public_id), 303)
    item = current_item(interview)
    page = render_template(
        "interviews/candidate.html",
        interview=interview,
        item=item,
        elapsed=running_seconds(interview, item, utcnow()) if item else 0.0,
        links=links_of(db.session, interview),
        now=utcnow(),
        post_form=PostOnlyForm(),
        can_record=current_app.config["RECORDING_QUOTA_BYTES"] > 0,
        # The interview is the profile's own, so there is a profile.
        records_answers=current_profile().records_answers,
    )
    return page, 200, PRIVATE_HEADERS


@bp.post("/interviews/<public_id>/links")
def new_link(public_id: str) -> ResponseReturnValue:
    """Make another interviewer link, with the interview's link lifetime."""
    interview = owned(public_id)
    if interview.status == "ended":
        abort(404)
    if not interview.items:
        flash("Pick at least one question before sharing the interview.")
        return redirect(url_for("interviews.picker", public_id=public_id), 303)
    token = create_link(db.session, interview, interview.link_days, utcnow())
    db.session.commit()
    return _render_share(interview, token)


@bp.post("/interviews/<public_id>/links/<id:link_id>/revoke")
def revoke(public_id: str, link_id: int) -> ResponseReturnValue:
    """Revoke one link: a friend's open tab is cut off at its next request."""
    interview = owned(public_id)
    if not revoke_link(db.session, interview, link_id, utcnow()):
        abort(404)
    db.session.commit()
    flash("Link revoked: it no longer opens this interview.")
    return redirect(
        url_for("interviews.candidate", public_id=public_id) + "#links", 303
    )


@bp.post("/interviews/<public_id>/delete")
def delete(public_id: str) -> ResponseReturnValue:
    """Delete an interview and its links (ratings already in history stay)."""
    interview = owned(public_id)
    db.session.delete(interview)
    db.session.commit()
    flash("Interview deleted. Ratings it added to your history are kept.")
    return redirect(url_for("interviews.index"), 303)


def _picker_results(interview: Interview, filters: PickerFilterForm) -> list[Question]:
    profile_id = current_profile_id()
    query = (
        db.select(Question)
        .join(Field, Field.id == Question.field_id)
        .where(
            Question.archived_at.is_(None),
            Field.archived_at.is_(None),
            Question.visible_to(profile_id),
        )
    )
    words = (filters.q.data or "").strip().lower()
    if words:
        query = query.where(
            db.func.lower(Question.text).contains(words, autoescape=True)
        )
    if filters.field.data:
        query = query.where(Field.slug == filters.field.data)
    elif interview.field_slugs:
        query = query.where(Field.slug.in_(interview.field_slugs))
    if filters.kind.data:
        query = query.where(Question.kind == filters.kind.data)
    if interview.level:
        query = query.where(Question.level == interview.level)
    chosen = {item.question_id for item in interview.items}
    if chosen:
        query = query.where(Question.id.not_in(chosen))
    return list(
        db.session.scalars(
            query.options(db.joinedload(Question.field))
            .order_by(Field.name, Question.position, Question.id)
            .limit(PICKER_RESULTS)
        )
    )


def _render_picker(interview: Interview, status: int = 200) -> ResponseReturnValue:
    filters = PickerFilterForm(formdata=request.args)
    filters.field.choices = [("", "The interview's fields")] + [
        (f.slug, f.name) for f in listed_fields(db.session)
    ]
    if not filters.validate():
        filters.q.data, filters.field.data, filters.kind.data = "", "", ""
    page = render_template(
        "interviews/picker.html",
        interview=interview,
        filters=filters,
        results=_picker_results(interview, filters),
        post_form=PostOnlyForm(),
        full=len(interview.items) >= MAX_QUESTIONS,
        max_questions=MAX_QUESTIONS,
    )
    return page, status, PRIVATE_HEADERS


@bp.get("/interviews/<public_id>/questions")
def picker(public_id: str) -> ResponseReturnValue:
    """Hand-pick the questions: search, add, remove, reorder."""
    interview = owned(public_id)
    if interview.status != "ready":
        return redirect(url_for("interviews.candidate", public_id=public_id), 303)
    return _render_picker(interview)


@bp.post("/interviews/<public_id>/questions")
def change_questions(public_id: str) -> ResponseReturnValue:
    """Add, remove or move one question, then back to the picker."""
    interview = owned(public_id)
    form = PickerChangeForm()
    if not form.validate():
        flash("That change could not be made.")
        return _render_picker(interview, 400)
    action, position = form.action.data, form.chosen_position()
    try:
        if action == "add":
            question = db.session.scalar(
                db.select(Question).where(
                    Question.key == (form.key.data or ""),
                    Question.archived_at.is_(None),
                    Question.visible_to(interview.user_id),
                )
            ) or abort(404)
            if not add_question(db.session, interview, question):
                flash(
                    f"An interview holds at most {MAX_QUESTIONS} questions, each once."
                )
        elif position is None or not 1 <= position <= len(interview.items):
            abort(404)
        elif action == "remove":
            remove_question(db.session, interview, position)
        else:
            move_question(db.session, interview, position, -1 if action == "up" else 1)
    except NotAllowedNow as refusal:
        db.session.rollback()
        flash(str(refusal))
        return redirect(url_for("interviews.candidate", public_id=public_id), 303)
    db.session.commit()
    back = url_for("interviews.picker", public_id=public_id, **request.args)
    return redirect(back + "#chosen", 303)
