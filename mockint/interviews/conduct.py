"""The interviewer's screen: ask, time, score, move on, end.

Every change carries the interview version the screen was showing; a change
made from an older version (another tab moved on) is refused with the fresh
state, and what the interviewer typed is kept on the page.
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from mockint.extensions import csrf, db
from mockint.identity import current_profile
from mockint.interviewing import NotAllowedNow, StaleVersion
from mockint.interviewing.live import (
    begin,
    current_item,
    end,
    go_to,
    reveal,
    running_seconds,
    save_score,
    state_of,
    toggle_timer,
)
from mockint.interviews import bp
from mockint.interviews.forms import (
    SCORING_ACTIONS,
    ControlForm,
    ScoreForm,
    score_form_for,
)
from mockint.interviews.shared import PRIVATE_HEADERS, granted
from mockint.models import Interview, utcnow

STALE_MESSAGE = (
    "This interview changed in another window since this page was loaded, so "
    "nothing was saved. The page now shows the current state; anything you typed "
    "is kept below: check it and save again."
)
CSRF_MESSAGE = (
    "This page's security token has expired, so nothing was saved. Reload the page "
    "and try again; anything you typed is kept below."
)


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _render(
    interview: Interview,
    form: ScoreForm | None = None,
    message: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    item = current_item(interview)
    kept = None  # typed for another question than the one now on screen
    if form is not None and item is not None and form.position.data != item.position:
        kept, form = form, None
    if item is not None and form is None:
        form = score_form_for(item)
    now = utcnow()
    page = render_template(
        "interviews/conduct.html",
        interview=interview,
        item=item,
        form=form,
        kept=kept,
        message=message,
        elapsed=running_seconds(interview, item, now) if item else 0.0,
        total_target=sum(i.question.target_seconds for i in interview.items),
    )
    return page, status, PRIVATE_HEADERS


def _refuse(
    interview: Interview, message: str, status: int, form: ScoreForm | None
) -> ResponseReturnValue:
    db.session.rollback()
    db.session.refresh(interview)
    for item in interview.items:
        db.session.refresh(item)
    if _wants_json():
        state = state_of(interview, False, True).as_json(utcnow())
        return {"error": message, "state": state}, status, PRIVATE_HEADERS
    return _render(interview, form, message, status)


@bp.get("/interviews/<public_id>/conduct")
def conduct(public_id: str) -> ResponseReturnValue:
    """The interviewer's screen (the summary once the interview has ended)."""
    interview = granted(public_id)
    if interview.status == "ended":
        return redirect(url_for("interviews.summary", public_id=public_id), 303)
    return _render(interview)


# The CSRF token is checked here rather than globally so that a refused token
# re-renders the page with the feedback typed instead of losing it.
@bp.post("/interviews/<public_id>/conduct")
@csrf.exempt
def control(public_id: str) -> ResponseReturnValue:
    """Apply one interviewer action (form post, or fetch asking for JSON)."""
    interview = granted(public_id)
    form = ControlForm(request.form)
    scoring = request.form.get("action") in SCORING_ACTIONS
    score_form = ScoreForm(request.form) if scoring else None
    try:
        csrf.protect()
    except CSRFError:
        return _refuse(interview, CSRF_MESSAGE, 400, score_form)
    if not form.validate():
        return _refuse(interview, "That action is not possible here.", 400, score_form)
    action, seen = form.action.data, form.version.data
    now = utcnow()
    try:
        if action == "begin":
            begin(db.session, interview, seen, now)
        elif action == "timer":
            toggle_timer(db.session, interview, seen, now)
        elif action == "reveal":
            reveal(db.session, interview, seen)
        else:
            item = next(
                (i for i in interview.items if i.position == score_form.position.data),
                None,
            )
            if item is None or not score_form.fit_to(item).validate():
                return _refuse(
                    interview,
                    "Check the score: it could not be saved.",
                    400,
                    score_form,
                )
            save_score(
                db.session, interview, seen, item.position, score_form.score(), now
            )
            if action in {"next", "previous"}:
                step = 1 if action == "next" else -1
                go_to(db.session, interview, seen + 1, item.position + step, now)
            elif action == "end":
                end(db.session, interview, seen + 1, now)
    except StaleVersion:
        return _refuse(interview, STALE_MESSAGE, 409, score_form)
    except NotAllowedNow as refusal:
        return _refuse(interview, str(refusal), 409, score_form)
    db.session.commit()
    if _wants_json():
        profile = current_profile()
        is_candidate = profile is not None and profile.id == interview.user_id
        return (
            state_of(interview, is_candidate, True).as_json(utcnow()),
            200,
            (PRIVATE_HEADERS),
        )
    if interview.status == "ended":
        return redirect(url_for("interviews.summary", public_id=public_id), 303)
    return redirect(url_for("interviews.conduct", public_id=public_id), 303)
