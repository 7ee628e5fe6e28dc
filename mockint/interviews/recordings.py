"""The candidate's recorded answers of a friend interview, sent when it ends."""

from __future__ import annotations

from flask import current_app
from flask.typing import ResponseReturnValue

from mockint.extensions import db
from mockint.interviews import bp
from mockint.interviews.forms import InterviewRecordingForm
from mockint.interviews.shared import PRIVATE_HEADERS, owned
from mockint.recordings import (
    RecordingRefused,
    check_profile_upload,
    interview_answer,
    store_recording,
)


@bp.post("/interviews/<public_id>/recordings")
def keep_recording(public_id: str) -> ResponseReturnValue:
    """Keep the candidate's recording of one rated answer (JSON, from the page's
    recorder); the interviewer's browser gets a 404 like anyone else's."""
    interview = owned(public_id)
    form = InterviewRecordingForm()
    if not form.validate():
        return {"ok": False, "errors": form.errors}, 400, PRIVATE_HEADERS
    try:
        attempt = interview_answer(interview, form.position.data)
        upload = form.recording.data
        checked = check_profile_upload(
            db.session,
            interview.user_id,
            upload.mimetype,
            upload.stream,
            current_app.config["RECORDING_QUOTA_BYTES"],
        )
    except RecordingRefused as refused:
        db.session.rollback()
        return {"ok": False, "error": refused.message}, refused.status, PRIVATE_HEADERS
    recording = store_recording(db.session, attempt, checked)
    db.session.commit()
    return {"ok": True, "recording": recording.id}, 201, PRIVATE_HEADERS
