"""My questions: add, edit, archive and restore private questions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from mockint.extensions import db
from mockint.identity import current_profile_id, ensure_profile
from mockint.models import Question
from mockint.own_questions import (
    PERSONAL_SLUG,
    Similar,
    add_question,
    own_question,
    own_questions,
    set_archived,
    similar_questions,
    update_question,
)
from mockint.practice.forms import PostOnlyForm
from mockint.prepare import bp
from mockint.prepare.forms import OwnQuestionForm
from mockint.rounds import last_ratings


def _mine_or_404(key: str) -> Question:
    return own_question(db.session, current_profile_id(), key) or abort(404)


@bp.get("/my-questions")
def my_questions() -> ResponseReturnValue:
    """List my private questions, with practice, edit and archive."""
    profile_id = current_profile_id()
    questions = own_questions(db.session, profile_id) if profile_id else []
    return render_template(
        "prepare/my_questions.html",
        questions=questions,
        ratings=last_ratings(db.session, profile_id),
        post_form=PostOnlyForm(),
        personal_slug=PERSONAL_SLUG,
    )


def _render_form(
    form: OwnQuestionForm,
    question: Question | None = None,
    similar: list[Similar] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "prepare/question_form.html",
        form=form,
        question=question,
        similar=similar or [],
        post_form=PostOnlyForm(),
    ), status


@bp.route("/my-questions/new", methods=["GET", "POST"])
def add_own_question() -> ResponseReturnValue:
    """Add a private question, offering a near-identical existing one instead."""
    form = OwnQuestionForm()
    if not form.validate_on_submit():
        return _render_form(form, status=400 if form.is_submitted() else 200)
    if not form.add_anyway.data:
        similar = similar_questions(
            db.session, current_profile_id(), form.text.data or ""
        )
        if similar:
            return _render_form(form, similar=similar)
    profile = ensure_profile()
    question = add_question(db.session, profile.id, form.draft())
    db.session.commit()
    flash("Added to My questions. It comes up in rounds and reviews like any other.")
    return redirect(url_for("prepare.my_questions") + f"#q-{question.key}")


@bp.route("/my-questions/<key>/edit", methods=["GET", "POST"])
def edit_own_question(key: str) -> ResponseReturnValue:
    """Change a private question."""
    question = _mine_or_404(key)
    if not OwnQuestionForm().is_submitted():
        form = OwnQuestionForm(
            formdata=None,
            text=question.text,
            kind=question.kind,
            level=question.level,
            difficulty=question.difficulty,
            target_seconds=question.target_seconds,
            guidance="\n".join(question.guidance_points),
            follow_ups="\n".join(question.follow_ups),
        )
        return _render_form(form, question)
    form = OwnQuestionForm()
    if not form.validate():
        return _render_form(form, question, status=400)
    update_question(question, form.draft())
    db.session.commit()
    flash("Saved your question.")
    return redirect(url_for("prepare.my_questions") + f"#q-{question.key}")


@bp.post("/my-questions/<key>/archive")
def archive_own_question(key: str) -> ResponseReturnValue:
    """Archive a private question: it leaves rounds and the review."""
    question = _mine_or_404(key)
    if PostOnlyForm().validate():
        set_archived(question, True)
        db.session.commit()
        flash("Archived. Its history is kept; restore it any time.")
    return redirect(url_for("prepare.my_questions"))


@bp.post("/my-questions/<key>/restore")
def restore_own_question(key: str) -> ResponseReturnValue:
    """Bring an archived private question back."""
    question = _mine_or_404(key)
    if PostOnlyForm().validate():
        set_archived(question, False)
        db.session.commit()
        flash("Restored to My questions.")
    return redirect(url_for("prepare.my_questions") + f"#q-{question.key}")
