"""Settings: time zone, export and import of everything a profile holds."""

from __future__ import annotations

import json
from zoneinfo import available_timezones

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import SelectChoice, SelectField
from wtforms.validators import AnyOf, InputRequired, ValidationError

from mockint.accounts.forms import ChangePasswordForm, ConfirmForm
from mockint.banks import LEVELS
from mockint.extensions import db
from mockint.identity import (
    client_address,
    current_profile,
    current_session_id,
    ensure_profile,
)
from mockint.import_schema import (
    MAX_ATTEMPTS,
    MAX_IMPORT_BYTES,
    MAX_OUTLINES,
    MAX_ROUNDS,
)
from mockint.localtime import is_valid_zone
from mockint.login_sessions import sessions_of
from mockint.models import LEVEL_LABELS, utcnow
from mockint.portability import (
    ImportProblem,
    attempts_csv,
    export_profile,
    import_profile,
    prepare_import,
)
from mockint.practice.forms import PostOnlyForm, RecordingChoiceForm, level_choices
from mockint.practice_days import change_zone
from mockint.recordings import recordings_of
from mockint.throttling import (
    import_limit,
    minutes_until,
    rate_limited_until,
    record_event,
)

bp = Blueprint("settings", __name__, url_prefix="/account")

IMPORT_MEGABYTES = MAX_IMPORT_BYTES // (1024 * 1024)
IMPORT_LIMITS = (
    f"At most {IMPORT_MEGABYTES} MB, {MAX_ATTEMPTS:,} answers, {MAX_ROUNDS:,} "
    f"rounds and {MAX_OUTLINES:,} outlines: room for 50 answers a day for five years."
)


def _zone_choices() -> list[SelectChoice]:
    return [SelectChoice(name, name) for name in sorted(available_timezones())]


class LevelForm(FlaskForm):
    """The level rounds start at by default."""

    level = SelectField(
        "My level",
        choices=level_choices(),
        validators=[AnyOf(("", *LEVELS), "Choose a level from the list.")],
    )


class TimezoneForm(FlaskForm):
    """Choose the time zone dates and "due today" use."""

    # The list always has a zone selected and no empty placeholder, so the HTML
    # `required` attribute would be invalid there; the server still requires one.
    timezone = SelectField(
        "Time zone",
        validators=[InputRequired("Choose a time zone.")],
        render_kw={"required": False},
    )

    def validate_timezone(self, field: SelectField) -> None:
        """Accept only IANA zone names."""
        if not is_valid_zone(field.data or ""):
            raise ValidationError("Choose a time zone from the list.")


class ImportForm(FlaskForm):
    """Upload an export file."""

    file = FileField(
        "mockint export (JSON)",
        description=IMPORT_LIMITS,
        validators=[
            FileRequired("Choose an export file."),
            FileSize(
                MAX_IMPORT_BYTES,
                message=f"That file is larger than {IMPORT_MEGABYTES} MB.",
            ),
        ],
    )


def render_settings(
    tz_form: TimezoneForm | None = None,
    import_form: ImportForm | None = None,
    import_problems: list[str] | None = None,
    password_form: ChangePasswordForm | None = None,
    level_form: LevelForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The settings page, with any form given re-rendered with its errors."""
    profile = current_profile()
    tz_form = tz_form or TimezoneForm(
        formdata=None, timezone=profile.timezone if profile else "UTC"
    )
    tz_form.timezone.choices = _zone_choices()
    if profile is not None and not profile.is_guest and password_form is None:
        password_form = ChangePasswordForm(username=profile.username, formdata=None)
    return render_template(
        "accounts/settings.html",
        profile=profile,
        tz_form=tz_form,
        import_form=import_form or ImportForm(formdata=None),
        import_problems=import_problems or [],
        password_form=password_form,
        level_form=level_form
        or LevelForm(formdata=None, level=(profile.level or "") if profile else ""),
        login_sessions=sessions_of(db.session, profile.id, utcnow()) if profile else [],
        recordings=recordings_of(db.session, profile.id if profile else None),
        recording_quota=current_app.config["RECORDING_QUOTA_BYTES"],
        recording_choice=RecordingChoiceForm(
            formdata=None, records_answers=bool(profile and profile.records_answers)
        ),
        post_form=PostOnlyForm(),
        current_session_id=current_session_id(),
        end_form=ConfirmForm(),
    ), status


@bp.get("/settings")
def page() -> ResponseReturnValue:
    """Time zone, export and import."""
    return render_settings()


@bp.post("/level")
def set_level() -> ResponseReturnValue:
    """Remember the level practice rounds start at."""
    form = LevelForm()
    profile = current_profile()
    if profile is None or not form.validate():
        return render_settings(level_form=form, status=400)
    profile.level = form.level.data or None
    db.session.commit()
    label = LEVEL_LABELS.get(profile.level or "", "any level")
    flash(f"Rounds now start at {label.lower()} questions.")
    return redirect(url_for("settings.page"))


@bp.post("/timezone")
def set_timezone() -> ResponseReturnValue:
    """Store the profile's time zone (from the form or the browser's fetch)."""
    form = TimezoneForm()
    form.timezone.choices = _zone_choices()
    wants_json = request.accept_mimetypes.best == "application/json"
    profile = current_profile()
    if profile is None or not form.validate():
        if wants_json:
            return {"ok": False, "errors": form.errors or {"profile": ["none"]}}, 400
        return render_settings(tz_form=form, status=400)
    change_zone(db.session, profile, form.timezone.data)
    db.session.commit()
    if wants_json:
        return {"ok": True, "timezone": profile.timezone}
    flash(f"Dates now use {profile.timezone}.")
    return redirect(url_for("settings.page"))


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.json")
def export_json() -> ResponseReturnValue:
    """Download everything of mine as JSON."""
    profile = current_profile()
    data = export_profile(db.session, profile) if profile else {}
    stamp = utcnow().strftime("%Y-%m-%d")
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return _download(body, "application/json", f"mockint-export-{stamp}.json")


@bp.get("/export.csv")
def export_csv() -> ResponseReturnValue:
    """Download my attempts as CSV."""
    profile = current_profile()
    body = attempts_csv(db.session, profile) if profile else ""
    stamp = utcnow().strftime("%Y-%m-%d")
    return _download(body, "text/csv", f"mockint-attempts-{stamp}.csv")


@bp.post("/import")
def import_json() -> ResponseReturnValue:
    """Restore an export into this (empty) profile, all or nothing."""
    # Nothing may query the database (current_user included) before the file is
    # read and checked: on SQLite a POST's first query takes the write lock, and
    # other users would wait while a large file is parsed.
    form = ImportForm()
    if not form.validate():
        return render_settings(import_form=form, status=400)
    # Parsing a large file costs: count it per address before parsing, in a
    # transaction of its own, committed at once so no lock is held meanwhile.
    now = utcnow()
    limit = import_limit(current_app.config["IMPORTS_PER_HOUR"])
    blocked_until = rate_limited_until(db.session, limit, client_address(), now)
    if blocked_until is not None:
        db.session.rollback()
        problem = (
            "Too many imports from your network just now. "
            f"Try again in {minutes_until(blocked_until, now)}."
        )
        return render_settings(import_form=form, import_problems=[problem], status=429)
    record_event(db.session, limit, client_address(), now)
    db.session.commit()
    try:
        prepared = prepare_import(form.file.data.read())
    except ImportProblem as problem:
        return render_settings(
            import_form=form, import_problems=problem.problems, status=400
        )
    profile = ensure_profile()  # the write transaction starts here
    try:
        count = import_profile(db.session, profile, prepared)
    except ImportProblem as problem:
        db.session.rollback()
        return render_settings(
            import_form=form, import_problems=problem.problems, status=400
        )
    db.session.commit()
    flash(f"Imported {count} answers with their rounds, cards and outlines.")
    return redirect(url_for("review.review_page"))
