"""The next interview: a plan up to the day, its checklist, today's practice."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from mockint.extensions import csrf, db
from mockint.identity import current_profile_id, current_zone, ensure_profile
from mockint.models import UpcomingInterview, utcnow
from mockint.planning import grouped
from mockint.practice.forms import PostOnlyForm
from mockint.prepare import bp
from mockint.prepare.plan_forms import ChecklistForm, ChecklistTicksForm, PlanForm
from mockint.rounds import field_summaries
from mockint.upcoming import (
    MAX_CHECKLIST_ITEMS,
    create_plan,
    edit_items,
    focus_fields,
    get_plan,
    plan_state,
    plan_title,
    questions_in_order,
    start_todays_round,
    tick_items,
    update_plan,
    user_plans,
)

# Today's questions are listed open up to this many, folded beyond.
LISTED_OPEN_UP_TO = 8


def _mine_or_404(plan_id: int) -> UpcomingInterview:
    return get_plan(db.session, current_profile_id(), plan_id) or abort(404)


@bp.get("/plans")
def plans() -> str:
    """My interviews: the upcoming ones soonest first, then the past ones."""
    now = utcnow()
    everything = user_plans(db.session, current_profile_id())
    return render_template(
        "prepare/plans/index.html",
        upcoming=[plan for plan in everything if plan.starts_at > now],
        past=[plan for plan in reversed(everything) if plan.starts_at <= now],
        plan_title=plan_title,
    )


def _render_plan_form(
    form: PlanForm, plan: UpcomingInterview | None, status: int = 200
) -> tuple[str, int]:
    zone = form.reading_zone(current_zone())
    form.zone.data = zone.key
    return render_template(
        "prepare/plans/form.html", form=form, plan=plan, zone=zone
    ), status


def _offer_fields(form: PlanForm, plan: UpcomingInterview | None) -> None:
    """Active fields with questions I can see, plus any the plan already has."""
    choices = [
        (summary.field.slug, summary.field.name)
        for summary in field_summaries(db.session, current_profile_id())
    ]
    offered = {slug for slug, _name in choices}
    if plan is not None:
        choices += [
            (field.slug, field.name)
            for field in focus_fields(db.session, plan.field_slugs)
            if field.slug not in offered
        ]
    form.set_fields(choices)


# The plan and checklist forms check their CSRF token themselves (FlaskForm
# does) rather than through the global check, so that a refused token shows the
# form again with what was typed instead of an error page that loses it.
@bp.route("/plans/new", methods=["GET", "POST"])
@csrf.exempt
def new_plan() -> ResponseReturnValue:
    """ "I have an interview": when, with whom, and the fields to focus on."""
    form = PlanForm()
    _offer_fields(form, None)
    if not form.is_submitted():
        form.day.data = _date_argument()
        return _render_plan_form(form, None)
    zone, now = form.reading_zone(current_zone()), utcnow()
    if not (form.validate() and form.check_moment(zone, now, None)):
        return _render_plan_form(form, None, 400)
    visitor = current_profile_id() is None
    profile = ensure_profile()
    if visitor:
        profile.timezone = zone.key  # the new guest's zone is the browser's
    company, role = form.strip()
    plan = create_plan(
        db.session, profile.id, form.starts_at(zone), company, role, form.focus.data
    )
    db.session.commit()
    return redirect(url_for("prepare.plan_page", plan_id=plan.id))


def _date_argument() -> date | None:
    """A date passed as ?date=YYYY-MM-DD (a debrief's next interview), else None."""
    try:
        return date.fromisoformat(request.args.get("date", ""))
    except ValueError:
        return None


@bp.route("/plans/<id:plan_id>/edit", methods=["GET", "POST"])
@csrf.exempt
def edit_plan(plan_id: int) -> ResponseReturnValue:
    """Change when the interview is, with whom, or what to focus on."""
    plan = _mine_or_404(plan_id)
    form = PlanForm()
    zone = form.reading_zone(current_zone())
    _offer_fields(form, plan)
    if not form.is_submitted():
        local = plan.starts_at.astimezone(zone)
        form = PlanForm(
            formdata=None,
            day=local.date(),
            time=local.time().replace(second=0, microsecond=0),
            company=plan.company,
            role=plan.role,
            focus=list(plan.field_slugs),
        )
        _offer_fields(form, plan)
        return _render_plan_form(form, plan)
    if not (form.validate() and form.check_moment(zone, utcnow(), plan)):
        return _render_plan_form(form, plan, 400)
    company, role = form.strip()
    update_plan(plan, form.starts_at(zone), company, role, form.focus.data)
    db.session.commit()
    flash("Saved the plan.")
    return redirect(url_for("prepare.plan_page", plan_id=plan.id))


@bp.route("/plans/<id:plan_id>/delete", methods=["GET", "POST"])
def delete_plan(plan_id: int) -> ResponseReturnValue:
    """Ask, then delete a plan (practice already done is kept)."""
    plan = _mine_or_404(plan_id)
    form = PostOnlyForm()
    if not form.validate_on_submit():
        return render_template(
            "prepare/plans/delete.html", plan=plan, title=plan_title(plan), form=form
        )
    db.session.delete(plan)
    db.session.commit()
    flash("Deleted the plan. Your answers and reviews are kept.")
    return redirect(url_for("prepare.plans"))


@bp.get("/plans/<id:plan_id>")
def plan_page(plan_id: int) -> str:
    """Countdown, today's practice, the days until then, the checklist."""
    return _render_plan(_mine_or_404(plan_id))


def _render_plan(
    plan: UpcomingInterview,
    ticks: ChecklistTicksForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    zone = current_zone()
    state = plan_state(db.session, plan, utcnow(), zone)
    return render_template(
        "prepare/plans/plan.html",
        state=state,
        plan=plan,
        zone=zone,
        today_questions=questions_in_order(
            db.session, plan.user_id, state.today.questions
        ),
        new_ids=set(state.today.new),
        listed_open_up_to=LISTED_OPEN_UP_TO,
        days=grouped(state.split),
        fields=focus_fields(db.session, plan.field_slugs),
        ticks=ticks or ChecklistTicksForm(formdata=None),
        post_form=PostOnlyForm(),
    ), status


@bp.post("/plans/<id:plan_id>/practice")
def start_plan_practice(plan_id: int) -> ResponseReturnValue:
    """Start a round of exactly today's practice."""
    plan = _mine_or_404(plan_id)
    round_ = start_todays_round(db.session, plan, utcnow(), current_zone())
    if round_ is None:
        flash("Nothing to practise for this interview today.")
        return redirect(url_for("prepare.plan_page", plan_id=plan.id))
    db.session.commit()
    return redirect(url_for("practice.round_question", round_id=round_.id, position=1))


@bp.post("/plans/<id:plan_id>/checklist/done")
def tick_checklist(plan_id: int) -> ResponseReturnValue:
    """Save which checklist items are done."""
    plan = _mine_or_404(plan_id)
    form = ChecklistTicksForm()
    form.set_items(len(plan.checklist))
    if not form.validate():
        return _render_plan(plan, form, 400)
    tick_items(plan, set(form.done.data or []))
    db.session.commit()
    return redirect(url_for("prepare.plan_page", plan_id=plan.id) + "#checklist")


@bp.route("/plans/<id:plan_id>/checklist", methods=["GET", "POST"])
@csrf.exempt
def edit_checklist(plan_id: int) -> ResponseReturnValue:
    """Change, remove and add checklist items."""
    plan = _mine_or_404(plan_id)
    form = ChecklistForm()
    if not form.is_submitted():
        return _render_checklist(plan, _checklist_as_saved(plan))
    if not form.validate():
        return _render_checklist(plan, form, 400)
    texts = form.texts()
    if len(texts) != len(plan.checklist):
        # Another tab changed the list meanwhile: positions no longer match.
        fresh = _checklist_as_saved(plan)
        fresh.added.data = form.added.data
        fresh.items.errors = [
            "The checklist changed in another tab. Here it is as saved now; "
            "make your change again."
        ]
        return _render_checklist(plan, fresh, 409)
    added = (form.added.data or "").strip()
    if added and len([text for text in texts if text]) >= MAX_CHECKLIST_ITEMS:
        form.added.errors = [f"A checklist holds up to {MAX_CHECKLIST_ITEMS} items."]
        return _render_checklist(plan, form, 400)
    edit_items(plan, texts, added)
    db.session.commit()
    flash("Saved the checklist.")
    return redirect(url_for("prepare.plan_page", plan_id=plan.id) + "#checklist")


def _checklist_as_saved(plan: UpcomingInterview) -> ChecklistForm:
    return ChecklistForm(
        formdata=None,
        items=[{"text": item["text"], "remove": False} for item in plan.checklist],
    )


def _render_checklist(
    plan: UpcomingInterview, form: ChecklistForm, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "prepare/plans/checklist.html", plan=plan, title=plan_title(plan), form=form
    ), status
