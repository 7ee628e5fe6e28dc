"""Recorded answers: the private audio, whether the question screen records, and
deleting recordings. Routes join the practice blueprint."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from mockint.extensions import db
from mockint.identity import current_profile_id, ensure_profile
from mockint.practice.forms import PostOnlyForm, RecordingChoiceForm
from mockint.practice.views import bp
from mockint.recordings import (
    delete_all_recordings,
    delete_recording,
    owned_recording,
    recording_filename,
)

# The audio is the owner's alone: never kept by a cache, never shown as a page,
# never run as anything (a sandbox with nothing allowed, should it be opened).
AUDIO_HEADERS = {
    "Cache-Control": "private, no-store",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


@bp.get("/recordings/<id:recording_id>")
def recording_audio(recording_id: int) -> ResponseReturnValue:
    """The audio of one of my recordings (404 for anyone else's)."""
    recording = owned_recording(db.session, current_profile_id(), recording_id)
    if recording is None:
        abort(404)
    filename = recording_filename(recording.attempt.question.key, recording)
    response = Response(recording.data, mimetype=recording.mime_type)
    response.headers.update(AUDIO_HEADERS)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Ranges let the player seek without fetching the whole file again.
    return response.make_conditional(
        request, accept_ranges=True, complete_length=recording.size
    )


@bp.post("/recordings/choice")
def set_recording_choice() -> ResponseReturnValue:
    """Turn recording answers on or off for this profile (form or fetch)."""
    form = RecordingChoiceForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not form.validate():
        if wants_json:
            return {"ok": False, "errors": form.errors}, 400
        abort(400)
    profile = ensure_profile()
    profile.records_answers = bool(form.records_answers.data)
    db.session.commit()
    if wants_json:
        return {"ok": True, "records_answers": profile.records_answers}
    flash(
        "The question screen now records your answers."
        if profile.records_answers
        else "The question screen no longer records your answers."
    )
    return redirect(url_for("settings.page") + "#recordings")


@bp.post("/recordings/<id:recording_id>/delete")
def delete_recording_view(recording_id: int) -> ResponseReturnValue:
    """Delete one of my recordings; the answer and its rating stay."""
    form = PostOnlyForm()
    if not form.validate():
        abort(400)
    if not delete_recording(db.session, current_profile_id(), recording_id):
        abort(404)
    db.session.commit()
    flash("Deleted the recording. The answer's rating and note are kept.")
    return redirect(url_for("settings.page") + "#recordings")


@bp.post("/recordings/delete-all")
def delete_all_recordings_view() -> ResponseReturnValue:
    """Delete every recording of mine."""
    form = PostOnlyForm()
    profile_id = current_profile_id()
    if not form.validate() or profile_id is None:
        abort(400)
    count = delete_all_recordings(db.session, profile_id)
    db.session.commit()
    flash(f"Deleted {count} recording{'' if count == 1 else 's'}.")
    return redirect(url_for("settings.page") + "#recordings")
