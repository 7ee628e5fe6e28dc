"""Settings: time zone, export and import of everything a profile holds."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
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
from werkzeug.wsgi import wrap_file
from wtforms import SelectChoice, SelectField
from wtforms.validators import AnyOf, InputRequired, ValidationError

from mockint.accounts.forms import ChangePasswordForm, ConfirmForm
from mockint.banks import LEVELS
from mockint.export_archive import MAX_ARCHIVE_BYTES, write_archive
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
    export_text,
    import_profile,
    prepare_import,
    write_profile_archive,
)
from mockint.practice.forms import PostOnlyForm, RecordingChoiceForm, level_choices
from mockint.practice_days import change_zone
from mockint.recordings import MAX_RECORDING_BYTES, megabytes, recordings_of
from mockint.throttling import (
    import_limit,
    minutes_until,
    rate_limited_until,
    record_event,
)

bp = Blueprint("settings", __name__, url_prefix="/account")

IMPORT_BYTES = max(MAX_IMPORT_BYTES, MAX_ARCHIVE_BYTES)  # JSON or ZIP
IMPORT_MEGABYTES = IMPORT_BYTES // (1024 * 1024)
IMPORT_LIMITS = (
    f"A .json or .zip export. At most {IMPORT_MEGABYTES} MB, {MAX_ATTEMPTS:,} "
    f"answers, {MAX_ROUNDS:,} rounds and {MAX_OUTLINES:,} outlines: room for 50 "
    "answers a day for five years. A ZIP brings its recordings back too, each at "
    f"most {megabytes(MAX_RECORDING_BYTES)} and all within your room for recordings."
)
# A ZIP export is built in memory up to this size, then in a temporary file: its
# recordings may come to the whole quota.
ZIP_IN_MEMORY_BYTES = 16 * 1024 * 1024


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
        "mockint export (JSON or ZIP)",
        description=IMPORT_LIMITS,
        validators=[
            FileRequired("Choose an export file."),
            FileSize(
                IMPORT_BYTES,
                message=f"That file is larger than {IMPORT_MEGABYTES} MB.",
            ),
        ],
        render_kw={"accept": ".json,.zip,application/json,application/zip"},
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


def _download(body: str | Iterable[bytes], mimetype: str, filename: str) -> Response:
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
    return _download(
        export_text(data), "application/json", f"mockint-export-{stamp}.json"
    )


@bp.get("/export.zip")
def export_zip() -> ResponseReturnValue:
    """Download everything of mine as a ZIP: the JSON export and my recordings."""
    profile = current_profile()
    # Not a `with` block: the response closes the file once it is sent.
    spool = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY_BYTES)  # noqa: SIM115
    if profile:
        write_profile_archive(db.session, profile, spool)
    else:
        write_archive(spool, export_text({}), ())
    size = spool.tell()
    spool.seek(0)
    stamp = utcnow().strftime("%Y-%m-%d")
    # wrap_file streams the file in blocks and closes (so deletes) it at the end.
    response = _download(
        wrap_file(request.environ, spool),
        "application/zip",
        f"mockint-export-{stamp}.zip",
    )
    response.content_length = size
    return response


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
        prepared = prepare_import(
            form.file.data.read(), current_app.config["RECORDING_QUOTA_BYTES"]
        )
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
    flash(_imported(count, prepared.recording_count, prepared.recordings_left_out))
    return redirect(url_for("review.review_page"))


def _imported(answers: int, recordings: int, left_out: int) -> str:
    """What an import brought, and the recordings a JSON file could not."""
    message = f"Imported {answers} answers with their rounds, cards and outlines"
    if recordings:
        message += f", and {recordings} recordings"
    if left_out:
        message += (
            f". The file names {left_out} recordings whose audio only the ZIP "
            "export holds: the answers came without them"
        )
    return message + "."
