"""Practising alone: fields, rounds, the question screen and history."""

from __future__ import annotations

import random
from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeTimedSerializer

from mockint.catalogue import FieldEntry
from mockint.charts import rating_lines, time_bars
from mockint.display import local_date
from mockint.extensions import csrf, db
from mockint.identity import (
    current_profile,
    current_profile_id,
    current_zone,
    ensure_profile,
)
from mockint.localtime import end_of_local_day
from mockint.models import Field, Question, Round, RoundItem, utcnow
from mockint.outlines import outline_for, save_outline
from mockint.practice.forms import (
    AnswerForm,
    OutlineForm,
    PostOnlyForm,
    QuestionFilterForm,
    StartRoundForm,
)
from mockint.recordings import (
    CheckedRecording,
    RecordingRefused,
    check_profile_upload,
    delivery_changes,
    delivery_remarks,
    store_recording,
)
from mockint.rounds import (
    AlreadyAnswered,
    QuestionScreen,
    get_round,
    last_ratings,
    listed_field,
    listed_questions,
    next_unanswered,
    practice_overview,
    question_history,
    question_screen,
    record_attempt,
    shaky_questions_of,
    start_field_round,
    start_round,
)
from mockint.search import grouped, search
from mockint.upcoming import home_plans

bp = Blueprint("practice", __name__)

SHOWN_TOKEN_MAX_AGE = 7 * 24 * 60 * 60


def _shown_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="mockint.question-shown"
    )


def _active_field(slug: str) -> Field:
    return db.one_or_404(
        db.select(Field).where(Field.slug == slug, Field.archived_at.is_(None))
    )


def _question(key: str) -> Question:
    return db.one_or_404(
        db.select(Question).where(
            Question.key == key, Question.visible_to(current_profile_id())
        )
    )


@bp.get("/")
def home() -> str:
    """List the fields with question counts and what is still shaky."""
    profile_id = current_profile_id()
    now, zone = utcnow(), current_zone()
    overview = practice_overview(db.session, profile_id, end_of_local_day(now, zone))
    plans = home_plans(db.session, profile_id, now, zone)
    return render_template(
        "practice/home.html",
        summaries=overview.summaries,
        groups=grouped(overview.summaries),
        counts=overview.counts,
        interviews=plans,
        # Only today's plan posts (its "practise now" button).
        post_form=PostOnlyForm() if plans.leading else None,
        zone=zone,
    )


@bp.get("/search")
def search_page() -> ResponseReturnValue:
    """Fields and questions matching the words typed (the page or, for the home
    page's live search, just the results)."""
    query = request.args.get("q", "")
    results = search(db.session, current_profile_id(), query)
    template = (
        "practice/_search_results.html"
        if request.args.get("fragment") == "1"
        else "practice/search.html"
    )
    return render_template(template, results=results, post_form=PostOnlyForm())


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer 200 once the database is reachable."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok", "database": "ok"}


@bp.get("/fields/<slug>")
def field_page(slug: str) -> ResponseReturnValue:
    """Show a field's questions, filterable, with my last ratings."""
    field = listed_field(db.session, slug) or abort(404)
    profile = current_profile()
    start_form = StartRoundForm(level=profile.level if profile else "")
    return _render_field(field, start_form)


def _render_field(
    field: Field | FieldEntry, start_form: StartRoundForm, status: int = 200
) -> tuple[str, int]:
    filters = QuestionFilterForm(formdata=request.args)
    kind, difficulty, level = filters.selected()
    profile_id = current_profile_id()
    questions = listed_questions(db.session, field, profile_id, kind, difficulty, level)
    ratings = last_ratings(db.session, profile_id, field.id)
    page = render_template(
        "practice/field.html",
        field=field,
        questions=questions,
        # Each question with my last rating of it, as the list's rows.
        question_rows=[(question, ratings.get(question.id)) for question in questions],
        filters=filters,
        start_form=start_form,
        filtered=bool(kind or difficulty or level),
    )
    return page, status


@bp.post("/fields/<slug>/rounds")
def start_field_round_view(slug: str) -> ResponseReturnValue:
    """Start a round of 3, 5 or 10 questions from a field."""
    field = _active_field(slug)
    form = StartRoundForm()
    if not form.validate():
        return _render_field(field, form, 400)
    profile = ensure_profile()
    round_ = start_field_round(
        db.session,
        profile.id,
        field,
        form.size.data,
        random.SystemRandom(),
        form.chosen_level(),
    )
    if not round_.items:
        db.session.rollback()
        flash(
            "No questions to practise here yet"
            + (" at that level." if form.chosen_level() else ".")
        )
        return redirect(url_for("practice.field_page", slug=slug))
    db.session.commit()
    return redirect(url_for("practice.round_question", round_id=round_.id, position=1))


@bp.post("/questions/<key>/practice")
def practise_one(key: str) -> ResponseReturnValue:
    """Start a round of one chosen question."""
    question = _question(key)
    if question.archived_at is not None:
        abort(404)
    profile = ensure_profile()
    round_ = start_round(db.session, profile.id, question.field, [question])
    db.session.commit()
    return redirect(url_for("practice.round_question", round_id=round_.id, position=1))


@bp.get("/rounds/<id:round_id>")
def round_page(round_id: int) -> ResponseReturnValue:
    """Continue a round where it was left, or show its summary."""
    round_ = get_round(db.session, current_profile_id(), round_id) or abort(404)
    item = next_unanswered(round_)
    if item is None:
        return redirect(url_for("practice.round_summary", round_id=round_id))
    return redirect(
        url_for("practice.round_question", round_id=round_id, position=item.position)
    )


def _round_item(round_id: int, position: int) -> tuple[Round, RoundItem]:
    round_ = get_round(db.session, current_profile_id(), round_id) or abort(404)
    item = next((i for i in round_.items if i.position == position), None)
    if item is None:
        abort(404)
    return round_, item


def _render_question(
    screen: QuestionScreen, form: AnswerForm, status: int = 200
) -> tuple[str, int]:
    form.shown_token.data = _shown_serializer().dumps({"item": screen.item_id})
    profile = current_profile()
    page = render_template(
        "practice/question.html",
        screen=screen,
        form=form,
        can_record=current_app.config["RECORDING_QUOTA_BYTES"] > 0,
        records_answers=bool(profile and profile.records_answers),
    )
    return page, status


def _checked_recording(form: AnswerForm, user_id: int) -> CheckedRecording | None:
    """The answer's recording once checked, or None without one; a refused one
    raises RecordingRefused."""
    upload = form.recording.data
    if upload is None:
        return None
    return check_profile_upload(
        db.session,
        user_id,
        upload.mimetype,
        upload.stream,
        current_app.config["RECORDING_QUOTA_BYTES"],
    )


# The answer and outline forms check their CSRF token themselves (FlaskForm does)
# rather than through the global check, so that a refused token re-renders the
# form with what the user wrote instead of an error page that loses it.
@bp.route("/rounds/<id:round_id>/<id:position>", methods=["GET", "POST"])
@csrf.exempt
def round_question(round_id: int, position: int) -> ResponseReturnValue:
    """Ask a question against the timer; once rated, show the guidance."""
    if request.method == "GET":
        # The screen asked most often: one statement, no objects.
        screen = question_screen(
            db.session, current_profile_id(), round_id, position
        ) or abort(404)
        if not screen.answered:
            return _render_question(screen, AnswerForm())
    round_, item = _round_item(round_id, position)
    form = AnswerForm()
    if item.attempt is not None:
        # A POST here lost a race with another tab: say so, and keep its text.
        return _render_answered(round_, item, form if form.is_submitted() else None)
    if not form.is_submitted():
        return _render_question(QuestionScreen.of(round_, item), form)
    shown_at = _shown_at(form.shown_token.data, item)
    if shown_at is None:
        form.shown_token.errors = [
            "This page was open too long to trust its clock. Your answer is kept "
            "below: submit it again."
        ]
    if not form.validate() or shown_at is None:
        return _render_question(QuestionScreen.of(round_, item), form, 400)
    try:
        recording = _checked_recording(form, round_.user_id)
    except RecordingRefused as refused:
        form.recording.errors = [
            f"{refused.message} Your rating and note were not saved yet: submit "
            "again to keep them without the recording."
        ]
        return _render_question(QuestionScreen.of(round_, item), form, refused.status)
    try:
        attempt = record_attempt(
            db.session,
            round_.user_id,
            item,
            rating=form.rating.data,
            elapsed_seconds=form.elapsed_seconds.data,
            shown_at=shown_at,
            answered_at=utcnow(),
            note=form.note.data or "",
        )
    except AlreadyAnswered:
        db.session.rollback()
        round_, item = _round_item(round_id, position)
        return _render_answered(round_, item, form)
    if recording is not None:
        store_recording(db.session, attempt, recording)
    db.session.commit()
    return redirect(
        url_for("practice.round_question", round_id=round_id, position=position)
    )


def _render_answered(
    round_: Round, item: RoundItem, lost: AnswerForm | None
) -> ResponseReturnValue:
    """The rated question with its guidance; `lost` is a refused second rating."""
    recording = item.attempt.recording if item.attempt else None
    page = render_template(
        "practice/answered.html",
        round=round_,
        item=item,
        recording=recording,
        remarks=delivery_remarks(recording) if recording else [],
        next_item=next_unanswered(round_),
        outline=outline_for(db.session, round_.user_id, item.question_id),
        lost=lost,
    )
    return (page, 409) if lost is not None else page


def _shown_at(token: str | None, item: RoundItem) -> datetime | None:
    """When the server showed this item, read from the page's signed token."""
    try:
        payload, signed_at = _shown_serializer().loads(
            token or "", max_age=SHOWN_TOKEN_MAX_AGE, return_timestamp=True
        )
    except BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("item") != item.id:
        return None
    return signed_at


@bp.get("/rounds/<id:round_id>/summary")
def round_summary(round_id: int) -> ResponseReturnValue:
    """Sum up a round: time against target, rating and note per question."""
    round_ = get_round(db.session, current_profile_id(), round_id) or abort(404)
    return render_template(
        "practice/summary.html",
        round=round_,
        shaky=shaky_questions_of(round_),
        unanswered=next_unanswered(round_),
        retry_form=PostOnlyForm(),
    )


@bp.post("/rounds/<id:round_id>/retry")
def retry_shaky(round_id: int) -> ResponseReturnValue:
    """Start a new round of this round's shaky questions."""
    round_ = get_round(db.session, current_profile_id(), round_id) or abort(404)
    shaky = shaky_questions_of(round_)
    if not shaky:
        flash("Nothing in that round was rated shaky. Well done.")
        return redirect(url_for("practice.round_summary", round_id=round_id))
    new_round = start_round(db.session, round_.user_id, round_.field, shaky)
    db.session.commit()
    return redirect(
        url_for("practice.round_question", round_id=new_round.id, position=1)
    )


@bp.get("/questions/<key>")
def question_history_page(key: str) -> ResponseReturnValue:
    """All my attempts at one question, oldest to newest, with charts."""
    return _render_history(_question(key), None)


def _render_history(
    question: Question, outline_form: OutlineForm | None, status: int = 200
) -> tuple[str, int]:
    profile_id = current_profile_id()
    attempts = question_history(db.session, profile_id, question.id)
    outline = outline_for(db.session, profile_id, question.id)
    if outline_form is None:
        outline_form = OutlineForm(formdata=None, text=outline.text if outline else "")
    labels = [local_date(a.answered_at) for a in attempts]
    # Newest first, each with its figures in words.
    recorded = [
        (attempt, delivery_remarks(attempt.recording))
        for attempt in reversed(attempts)
        if attempt.recording is not None
    ]
    return render_template(
        "practice/history.html",
        question=question,
        attempts=attempts,
        outline=outline,
        outline_form=outline_form,
        practise_form=PostOnlyForm(),
        recorded=recorded,
        changes=delivery_changes(recorded[-1][0].recording, recorded[0][0].recording)
        if len(recorded) > 1
        else [],
        first_recorded_at=recorded[-1][0].answered_at if recorded else None,
        rating_chart=rating_lines(
            labels, [("Rating", [float(a.rating) for a in attempts])]
        )
        if attempts
        else None,
        time_chart=time_bars(
            labels, [a.elapsed_seconds for a in attempts], question.target_seconds
        )
        if attempts
        else None,
    ), status


@bp.post("/questions/<key>/outline")
@csrf.exempt
def save_outline_view(key: str) -> ResponseReturnValue:
    """Save my answer's talking points for a question."""
    question = _question(key)
    form = OutlineForm()
    if not form.validate():
        return _render_history(question, form, 400)
    profile = ensure_profile()
    save_outline(db.session, profile.id, question.id, form.text.data or "")
    db.session.commit()
    flash("Saved your answer outline.")
    return redirect(url_for("practice.question_history_page", key=key) + "#my-answer")
