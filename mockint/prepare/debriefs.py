"""Debriefs: describe a real interview, turn its stumpers into practice."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from mockint.bank_similarity import normalise_text
from mockint.debriefing import (
    TEXT_FIELDS,
    finish,
    movement_by_debrief,
    private_stumpers,
    start_debrief,
    stumper_lines,
    user_debrief,
    user_debriefs,
)
from mockint.debriefing import (
    delete_debrief as delete_debrief_record,
)
from mockint.extensions import db
from mockint.identity import current_profile_id, current_zone, ensure_profile
from mockint.models import Debrief, UpcomingInterview, utcnow
from mockint.own_questions import Similar, similar_questions
from mockint.practice.forms import PostOnlyForm
from mockint.prepare import bp
from mockint.prepare.forms import DebriefForm
from mockint.rounds import cards_by_question, start_round

CHOICE_PREFIX = "line-"


def _mine_or_404(debrief_id: int) -> Debrief:
    return user_debrief(db.session, current_profile_id(), debrief_id) or abort(404)


def _today() -> date:
    return utcnow().astimezone(current_zone()).date()


def _planned_interview(interview_id: str | None) -> UpcomingInterview | None:
    profile_id = current_profile_id()
    if not interview_id or not interview_id.isdigit() or profile_id is None:
        return None
    return db.session.scalar(
        db.select(UpcomingInterview).where(
            UpcomingInterview.id == int(interview_id),
            UpcomingInterview.user_id == profile_id,
        )
    )


@bp.get("/debriefs")
def debriefs() -> ResponseReturnValue:
    """My debriefs, each with how its stumpers have moved since."""
    profile_id = current_profile_id()
    return render_template(
        "prepare/debriefs.html",
        debriefs=user_debriefs(db.session, profile_id) if profile_id else [],
        movement=movement_by_debrief(db.session, profile_id) if profile_id else {},
    )


@bp.route("/debriefs/new", methods=["GET", "POST"])
def new_debrief() -> ResponseReturnValue:
    """Start a debrief: the date and kind first, then everything else as a draft."""
    interview = _planned_interview(request.values.get("interview"))
    form = DebriefForm()
    if not form.is_submitted():
        form = DebriefForm(formdata=None, interview_on=_today())
        if interview is not None:
            form.company.data = interview.company
            form.role.data = interview.role
            form.interview_on.data = interview.starts_at.astimezone(
                current_zone()
            ).date()
    elif _valid_start(form):
        profile = ensure_profile()
        debrief = start_debrief(
            db.session,
            profile.id,
            form.interview_on.data,
            form.kind.data,
            form.company.data or "",
            form.role.data or "",
            interview,
        )
        _copy_text_fields(form, debrief)
        db.session.commit()
        return redirect(url_for("prepare.edit_debrief", debrief_id=debrief.id))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "prepare/debrief_start.html", form=form, interview=interview
    ), status


def _valid_start(form: DebriefForm) -> bool:
    if not form.validate():
        return False
    if form.interview_on.data > _today():
        form.interview_on.errors.append(
            "Debrief an interview once it has happened; for one to come, plan it."
        )
        return False
    return True


def _copy_text_fields(form: DebriefForm, debrief: Debrief) -> None:
    for name in ("company", "role", "kind", *TEXT_FIELDS):
        value = getattr(form, name).data
        if value is not None:
            setattr(
                debrief, name, value.strip() if name in ("company", "role") else value
            )
    if form.interview_on.data is not None:
        debrief.interview_on = form.interview_on.data
    debrief.next_interview_on = form.next_interview_on.data


def _render_editor(
    debrief: Debrief, form: DebriefForm, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "prepare/debrief_edit.html",
        debrief=debrief,
        form=form,
        delete_form=PostOnlyForm(),
    ), status


@bp.route("/debriefs/<id:debrief_id>/edit", methods=["GET", "POST"])
def edit_debrief(debrief_id: int) -> ResponseReturnValue:
    """The guided prompts, saved as a draft; "Finish" turns stumpers into practice."""
    debrief = _mine_or_404(debrief_id)
    form = DebriefForm(obj=debrief) if request.method == "GET" else DebriefForm()
    if request.method == "GET":
        return _render_editor(debrief, form)
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate():
        if wants_json:
            return {"saved": False, "errors": form.errors}, 400
        return _render_editor(debrief, form, 400)
    _copy_text_fields(form, debrief)
    db.session.commit()
    if wants_json:  # the page's autosave
        return {"saved": True, "at": debrief.updated_at.isoformat()}
    if request.form.get("action") == "finish":
        if not _lookalikes(debrief):
            return _finish(debrief, {})
        return redirect(url_for("prepare.finish_debrief", debrief_id=debrief.id))
    flash("Draft saved. Come back to it any time.")
    return redirect(url_for("prepare.edit_debrief", debrief_id=debrief.id))


def _lookalikes(debrief: Debrief) -> dict[int, list[Similar]]:
    """For each new stumper line, existing questions that read the same."""
    known = {normalise_text(s.question.text) for s in debrief.stumpers}
    offers = {
        index: similar_questions(db.session, debrief.user_id, line)[:3]
        for index, line in enumerate(stumper_lines(debrief))
        if normalise_text(line) not in known
    }
    return {index: found for index, found in offers.items() if found}


def _finish(debrief: Debrief, choices: dict[int, int]) -> ResponseReturnValue:
    finish(db.session, debrief, choices, current_zone())
    db.session.commit()
    return redirect(url_for("prepare.debrief_page", debrief_id=debrief.id))


@bp.route("/debriefs/<id:debrief_id>/finish", methods=["GET", "POST"])
def finish_debrief(debrief_id: int) -> ResponseReturnValue:
    """Offer existing questions for lookalike stumpers, then finish."""
    debrief = _mine_or_404(debrief_id)
    offers = _lookalikes(debrief)
    form = FlaskForm()
    if request.method == "GET" or not form.validate():
        return render_template(
            "prepare/debrief_finish.html",
            debrief=debrief,
            lines=stumper_lines(debrief),
            offers=offers,
            form=form,
            prefix=CHOICE_PREFIX,
        ), (400 if request.method == "POST" else 200)
    choices = {}
    for index, found in offers.items():
        picked = request.form.get(f"{CHOICE_PREFIX}{index}", "")
        if picked in {str(similar.question.id) for similar in found}:
            choices[index] = int(picked)
    return _finish(debrief, choices)


@bp.get("/debriefs/<id:debrief_id>")
def debrief_page(debrief_id: int) -> ResponseReturnValue:
    """A debrief with its stumpers and where they stand now."""
    debrief = _mine_or_404(debrief_id)
    movement = movement_by_debrief(db.session, debrief.user_id).get(debrief.id)
    cards = cards_by_question(
        db.session, debrief.user_id, [s.question_id for s in debrief.stumpers]
    )
    return render_template(
        "prepare/debrief.html",
        debrief=debrief,
        movement=movement,
        cards=cards,
        practise_form=PostOnlyForm(),
    )


@bp.post("/debriefs/<id:debrief_id>/practise")
def practise_stumpers(debrief_id: int) -> ResponseReturnValue:
    """Start a round of the debrief's stumpers."""
    debrief = _mine_or_404(debrief_id)
    if not PostOnlyForm().validate():
        abort(400)
    questions = [s.question for s in debrief.stumpers if s.question.archived_at is None]
    if not questions:
        flash("This debrief has no stumpers left to practise.")
        return redirect(url_for("prepare.debrief_page", debrief_id=debrief.id))
    round_ = start_round(db.session, debrief.user_id, None, questions)
    db.session.commit()
    return redirect(url_for("practice.round_question", round_id=round_.id, position=1))


@bp.route("/debriefs/<id:debrief_id>/delete", methods=["GET", "POST"])
def delete_debrief(debrief_id: int) -> ResponseReturnValue:
    """Delete a debrief, asking which of its own questions to keep."""
    debrief = _mine_or_404(debrief_id)
    form = PostOnlyForm()
    if request.method == "POST" and form.validate():
        keep = {int(v) for v in request.form.getlist("keep") if v.isdigit()}
        removed = delete_debrief_record(db.session, debrief, keep)
        db.session.commit()
        flash(
            "Debrief deleted"
            + (f", with {removed} of its questions." if removed else ".")
        )
        return redirect(url_for("prepare.debriefs"))
    return render_template(
        "prepare/debrief_delete.html",
        debrief=debrief,
        questions=private_stumpers(debrief),
        form=form,
    ), (400 if request.method == "POST" else 200)
