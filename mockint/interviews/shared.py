"""What both sides of a friend interview use: access, the link, the live state,
the summary and the printable sheet."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from mockint.extensions import db
from mockint.identity import (
    client_address,
    current_profile_id,
    current_session_id,
    ensure_profile,
)
from mockint.interviewing import NotAllowedNow
from mockint.interviewing.links import grant, granted_interview, usable_link
from mockint.interviewing.live import live_state
from mockint.interviewing.questions import owned_interview
from mockint.interviewing.results import calibration_of, save_self_ratings
from mockint.interviews import bp
from mockint.interviews.forms import self_ratings_from
from mockint.interviews.poll import is_current, state_headers
from mockint.login_sessions import hash_token as hash_session_token
from mockint.models import RATING_LABELS, Interview, utcnow
from mockint.recordings import delivery_remarks
from mockint.throttling import (
    link_guess_limit,
    minutes_until,
    rate_limited_until,
    record_event,
)

# Pages reached through a link must stay out of search engines and caches.
PRIVATE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def owned(public_id: str) -> Interview:
    """The signed-in candidate's interview, or a 404."""
    return owned_interview(db.session, current_profile_id(), public_id) or abort(404)


def granted(public_id: str) -> Interview:
    """The interview this browser holds a live grant for, or a 404."""
    found = granted_interview(db.session, current_session_id(), public_id, utcnow())
    return found or abort(404)


def owned_or_granted(public_id: str) -> tuple[Interview, bool]:
    """The interview and whether the viewer is its candidate (else interviewer)."""
    found = owned_interview(db.session, current_profile_id(), public_id)
    if found is not None:
        return found, True
    return granted(public_id), False


def _link_not_valid() -> ResponseReturnValue:
    page = render_template(
        "errors/error.html",
        code=404,
        title="This link is no longer valid",
        message=(
            "This interviewer link is no longer valid: it may have expired or been "
            "replaced. Ask the person you are interviewing for a new one."
        ),
    )
    return page, 404, PRIVATE_HEADERS


@bp.get("/i/<token>")
def open_link(token: str) -> ResponseReturnValue:
    """Exchange a link's token for a grant, then leave the token-bearing URL."""
    now, address = utcnow(), client_address()
    limit = link_guess_limit()
    blocked_until = rate_limited_until(db.session, limit, address, now)
    if blocked_until is not None:
        page = render_template(
            "errors/error.html",
            code=429,
            title="Too many invalid links",
            message=(
                "Too many invalid interviewer links were opened from your network. "
                f"Try again in {minutes_until(blocked_until, now)}."
            ),
        )
        return page, 429, PRIVATE_HEADERS
    link = usable_link(db.session, token, now)
    if link is None:
        record_event(db.session, limit, address, now)
        db.session.commit()
        return _link_not_valid()
    ensure_profile()  # the grant belongs to this browser's server-side session
    grant(db.session, link, current_session_id(), now)
    db.session.commit()
    target = url_for("interviews.conduct", public_id=link.interview.public_id)
    return redirect(target, 303), PRIVATE_HEADERS


def _viewer_token_hash() -> str | None:
    # Read the session token straight from the signed cookie, so the poll does
    # not load the user (one query in all); a browser that kept only its
    # remember cookie goes through Flask-Login once to restore the session.
    token = session.get("_user_id")
    if not isinstance(token, str) and current_user.is_authenticated:
        token = current_user.session_token
    return hash_session_token(token) if isinstance(token, str) and token else None


@bp.get("/interviews/<public_id>/state")
def state(public_id: str) -> ResponseReturnValue:
    """The live state as JSON; 304 while the version the screen has is current.

    Most polls are answered by `poll.FastPoll` before they get here; this view
    answers the rest (a browser with only its remember cookie, say).
    """
    token_hash = _viewer_token_hash()
    now = utcnow()
    found = None
    if token_hash is not None:
        # A bare connection, not the ORM session: the poll is all overhead otherwise.
        with db.engine.connect() as connection:
            found = live_state(connection, public_id, token_hash, now)
    if found is None:
        return {"error": "This interview is not available."}, 404, PRIVATE_HEADERS
    headers = state_headers(found)
    if is_current(found, request.headers.get("If-None-Match")):
        return Response(status=304, headers=headers)
    return found.as_json(now), 200, headers


@bp.get("/interviews/<public_id>/summary")
def summary(public_id: str) -> ResponseReturnValue:
    """How it went, question by question, for the candidate and the interviewer."""
    interview, is_candidate = owned_or_granted(public_id)
    if interview.status != "ended":
        if is_candidate:
            return redirect(url_for("interviews.candidate", public_id=public_id))
        return redirect(url_for("interviews.conduct", public_id=public_id))
    return render_summary(interview, is_candidate)


def render_summary(
    interview: Interview, is_candidate: bool, error: str | None = None
) -> ResponseReturnValue:
    """The summary page (with the self-rating form for the candidate)."""
    # The candidate's own recordings, by position: never the interviewer's to hear.
    recorded = {
        item.position: (
            item.attempt.recording,
            delivery_remarks(item.attempt.recording),
        )
        for item in interview.items
        if is_candidate and item.attempt and item.attempt.recording
    }
    page = render_template(
        "interviews/summary.html",
        interview=interview,
        is_candidate=is_candidate,
        recorded=recorded,
        calibration=calibration_of(interview.items),
        rating_labels=RATING_LABELS,
        error=error,
        form_data=request.form if error else None,
    )
    return page, 400 if error else 200, PRIVATE_HEADERS


@bp.post("/interviews/<public_id>/self-ratings")
def save_self_ratings_view(public_id: str) -> ResponseReturnValue:
    """Store the candidate's own ratings and the feedback kept as notes."""
    interview = owned(public_id)
    parsed = self_ratings_from(request.form, interview.items)
    if parsed is None:
        return render_summary(interview, True, "Choose one of the four ratings.")
    try:
        save_self_ratings(interview, *parsed)
    except NotAllowedNow:
        abort(404)
    db.session.commit()
    return redirect(
        url_for("interviews.summary", public_id=public_id) + "#calibration", 303
    )


@bp.get("/interviews/<public_id>/sheet")
def sheet(public_id: str) -> ResponseReturnValue:
    """A printable interviewer sheet: questions, guidance boxes, room for notes."""
    interview, is_candidate = owned_or_granted(public_id)
    page = render_template(
        "interviews/sheet.html", interview=interview, is_candidate=is_candidate
    )
    return page, 200, PRIVATE_HEADERS
