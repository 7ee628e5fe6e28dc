"""Review weak questions: what still trips me up, drills, and progress."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from mockint.banks import LEVELS
from mockint.catalogue import listed_fields
from mockint.extensions import db
from mockint.identity import current_profile, current_zone
from mockint.interviewing.results import interviewer_findings
from mockint.models import utcnow
from mockint.progress import (
    drill_questions,
    practice_calendar,
    recovered_questions,
    review_overview,
    weekly_ratings,
)
from mockint.review.forms import DrillForm, ReviewFilterForm
from mockint.rounds import start_round

bp = Blueprint("review", __name__, url_prefix="/review")

SHOWN_ON_PAGE = 25
MISSED_POINTS_SHOWN = 5


@bp.get("")
def review_page() -> tuple[str, int]:
    """Weak questions, counts by state, the drill, and what interviewers saw."""
    return _render_review(None)


def _render_review(drill: DrillForm | None, status: int = 200) -> tuple[str, int]:
    fields = listed_fields(db.session)
    filters = ReviewFilterForm(formdata=request.args)
    filters.set_fields(fields)
    field, kind, level = filters.selected(fields)
    recorded = bool(filters.recorded.data)
    if drill is None:
        drill = DrillForm(
            formdata=None,
            field=field.slug if field else "",
            kind=kind or "",
            level=level or "",
            recorded="y" if recorded else "",
        )
    profile = current_profile()
    if profile is None:
        page = render_template(
            "review/review.html", filters=filters, drill=drill, profile=None
        )
        return page, status
    show_all = request.args.get("all") == "1"
    overview = review_overview(
        db.session,
        profile.id,
        utcnow(),
        current_zone(),
        None if show_all else SHOWN_ON_PAGE,
        field.id if field else None,
        kind,
        level,
        recorded,
    )
    findings = interviewer_findings(db.session, profile.id, MISSED_POINTS_SHOWN)
    page = render_template(
        "review/review.html",
        profile=profile,
        filters=filters,
        drill=drill,
        counts=overview.counts,
        weakest=overview.weakest,
        show_all=show_all,
        ranked_total=overview.ranked_total,
        filtered=bool(field or kind or level or recorded),
        missed_points=findings.missed_points,
        calibration=findings.calibration,
    )
    return page, status


@bp.post("/drill")
def drill() -> ResponseReturnValue:
    """Start a round of the N weakest or due questions."""
    form = DrillForm()
    fields = listed_fields(db.session)
    by_slug = {f.slug: f for f in fields}
    if not form.validate():
        return _render_review(form, 400)
    field = by_slug.get(form.field.data or "")
    kind = form.kind.data or None
    level = form.level.data if form.level.data in LEVELS else None
    profile = current_profile()
    if profile is None:
        flash("Nothing to drill yet: practise a few questions first.")
        return redirect(url_for("review.review_page"))
    questions = drill_questions(
        db.session,
        profile.id,
        utcnow(),
        current_zone(),
        form.size.data,
        field.id if field else None,
        kind,
        level,
        recorded=form.recorded.data == "y",
    )
    if not questions:
        flash("Nothing to drill yet: practise a few questions first.")
        return redirect(url_for("review.review_page"))
    round_ = start_round(db.session, profile.id, None, questions)
    db.session.commit()
    return redirect(url_for("practice.round_question", round_id=round_.id, position=1))


@bp.get("/progress")
def progress_page() -> str:
    """Ratings over time per field, the practice calendar, recovered questions."""
    profile = current_profile()
    if profile is None:
        return render_template("review/progress.html", profile=None)
    now, zone = utcnow(), current_zone()
    weeks, trends = weekly_ratings(db.session, profile.id, now, zone)
    return render_template(
        "review/progress.html",
        profile=profile,
        trends=trends,
        week_labels=[week.strftime("%d %b") for week in weeks],
        calendar=practice_calendar(db.session, profile.id, now, zone),
        recovered=recovered_questions(db.session, profile.id, now),
    )
