"""Recorded answers: stored with their rating or not at all, refused with a clear
message, private to their owner, and deletable from the settings page."""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import Iterator

import numpy as np
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from mockint.delivery import Delivery
from mockint.extensions import db
from mockint.models import Attempt, Recording, User
from mockint.recordings import (
    MAX_RECORDING_BYTES,
    CheckedRecording,
    RecordingRefused,
    check_upload,
    delivery_remarks,
)

from sounds import answer, encoded, silence
from support import (
    Auth,
    Interviewer,
    Interviews,
    Practice,
    csrf_token,
    make_app,
    make_user,
    post,
)

NOTE = "Lead with the outcome, then the numbers."


def _text(response) -> str:  # noqa: ANN001
    return html.unescape(response.get_data(as_text=True))


def _counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Recording)),
        )


def _recording_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Recording.id).order_by(Recording.id)))


def _answer_recorded(
    practice: Practice, audio: bytes, mime_type: str = "audio/webm;codecs=opus"
) -> int:
    """Answer a new round's first question with a recording; return the round."""
    round_id = practice.start_round()
    response = practice.answer(round_id, 1, 3, note=NOTE, recording=(audio, mime_type))
    assert response.status_code == 302, _text(response)
    return round_id


@pytest.mark.parametrize("container", ["webm", "mp4"])
def test_a_recording_is_stored_with_its_rating_and_replayed(
    app: Flask, practice: Practice, container: str, request: pytest.FixtureRequest
) -> None:
    audio = request.getfixturevalue(container)
    round_id = _answer_recorded(practice, audio, f"audio/{container}")
    page = _text(practice.client.get(f"/rounds/{round_id}/1"))
    assert "Hear your answer" in page
    match = re.search(r'<audio src="(/recordings/\d+)" preload="none"', page)
    assert match, "no player that loads the audio only when played"
    assert "1.5 s" in page  # the time to the first word
    assert "1, longest 3.0 s" in page  # the planted pause
    with app.app_context():
        recording = db.session.scalars(sa.select(Recording)).one()
        assert recording.attempt.note == NOTE
        assert recording.mime_type == f"audio/{container}"
        assert recording.size == len(recording.data)
        assert recording.duration == pytest.approx(7.24, abs=0.1)
        assert recording.pauses[-1] == pytest.approx(3.0, abs=0.1)
        assert len(recording.outline) == 120
    served = practice.client.get(match.group(1))
    assert served.status_code == 200
    assert served.mimetype == f"audio/{container}"
    assert served.headers["Cache-Control"] == "private, no-store"
    assert served.headers["Content-Disposition"].startswith('attachment; filename="')
    assert "sandbox" in served.headers["Content-Security-Policy"]


def test_the_player_can_ask_for_a_part_of_the_audio(
    app: Flask, practice: Practice, webm: bytes
) -> None:
    _answer_recorded(practice, webm)
    (recording_id,) = _recording_ids(app)
    whole = practice.client.get(f"/recordings/{recording_id}").data
    part = practice.client.get(
        f"/recordings/{recording_id}", headers={"Range": "bytes=100-199"}
    )
    assert part.status_code == 206
    assert part.data == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole)}"


def test_stored_webm_knows_its_length_for_seeking(
    app: Flask, practice: Practice
) -> None:
    """A browser's WebM has no duration or index; the stored copy has both."""
    import io

    import av

    streamed = _streamed_webm(encoded(answer(), "webm", "libopus"))
    _answer_recorded(practice, streamed)
    (recording_id,) = _recording_ids(app)
    stored = practice.client.get(f"/recordings/{recording_id}").data
    with av.open(io.BytesIO(stored)) as container:
        assert container.duration is not None
        assert container.duration / 1_000_000 == pytest.approx(7.24, abs=0.1)


def _streamed_webm(data: bytes) -> bytes:
    """The audio as a live WebM, written without seeking back: no duration, no
    cues, as MediaRecorder makes it."""
    import io

    import av

    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.parts: list[bytes] = []

        def writable(self) -> bool:
            return True

        def write(self, chunk: bytes) -> int:  # type: ignore[override]
            self.parts.append(bytes(chunk))
            return len(chunk)

    target = Unseekable()
    with (
        av.open(io.BytesIO(data)) as source,
        av.open(target, mode="w", format="webm", options={"live": "1"}) as output,
    ):
        stream = output.add_stream_from_template(source.streams.audio[0])
        for packet in source.demux(source.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = stream
                output.mux(packet)
    live = b"".join(target.parts)
    with av.open(io.BytesIO(live)) as check:
        assert check.duration is None, "the live WebM should not know its length"
    return live


@pytest.mark.parametrize(
    ("mime_type", "make_audio", "status", "message"),
    [
        ("text/plain", lambda audio: audio, 400, "Only audio recorded by the browser"),
        ("video/mp4", lambda audio: audio, 400, "Only audio recorded by the browser"),
        (
            "audio/webm",
            lambda _audio: b"Notes for my answer, renamed to answer.webm\n" * 40,
            400,
            "not the WEBM recording it claims to be",
        ),
        (
            "audio/mp4",
            lambda audio: audio,
            400,
            "not the MP4 recording it claims to be",
        ),
        (
            "audio/webm",
            lambda audio: audio[:64] + b"\0" * 4000,
            400,
            "could not be decoded",
        ),
        (
            "audio/webm",
            lambda audio: audio + b"\0" * MAX_RECORDING_BYTES,
            413,
            "the most one can be is 16 MB",
        ),
    ],
    ids=["text", "video", "renamed-text", "webm-called-mp4", "broken", "oversize"],
)
def test_a_refused_recording_writes_nothing_and_keeps_the_answer(
    app: Flask,
    practice: Practice,
    webm: bytes,
    mime_type: str,
    make_audio,  # noqa: ANN001
    status: int,
    message: str,
) -> None:
    round_id = practice.start_round()
    response = practice.answer(
        round_id, 1, 3, note=NOTE, recording=(make_audio(webm), mime_type)
    )
    assert response.status_code == status
    page = _text(response)
    assert message in page
    assert NOTE in page  # the note is kept in the form, to submit again
    assert re.search(r'<input checked[^>]*value="3"', page), "the rating is kept"
    assert _counts(app) == (0, 0)
    # Submitting again without the recording keeps the answer.
    assert practice.answer(round_id, 1, 3, note=NOTE).status_code == 302
    assert _counts(app) == (1, 0)


def test_over_the_quota_is_refused_with_what_is_used(tmp_path, webm: bytes) -> None:  # noqa: ANN001
    app = make_app(tmp_path, RECORDING_QUOTA_BYTES=int(len(webm) * 1.5))
    practice = Practice(app.test_client())
    _answer_recorded(practice, webm)
    round_id = practice.start_round()
    response = practice.answer(
        round_id, 1, 2, note=NOTE, recording=(webm, "audio/webm")
    )
    assert response.status_code == 413
    assert "go over your" in _text(response)
    assert _counts(app) == (1, 1)


def test_without_a_quota_the_screen_offers_no_recording(tmp_path) -> None:  # noqa: ANN001
    app = make_app(tmp_path, RECORDING_QUOTA_BYTES=0)
    practice = Practice(app.test_client())
    page = practice.question_page(practice.start_round(), 1)
    assert "Record my answer" not in page
    assert "recorder.js" not in page


@pytest.fixture
def someone_elses(app: Flask, webm: bytes) -> Iterator[str]:
    """The address of a recording that belongs to another profile."""
    owner = app.test_client()
    _answer_recorded(Practice(owner), webm)
    (recording_id,) = _recording_ids(app)
    url = f"/recordings/{recording_id}"
    assert owner.get(url).status_code == 200
    yield url


def test_another_user_cannot_hear_a_recording(
    app: Flask, someone_elses: str, auth: Auth, client: FlaskClient
) -> None:
    make_user(app)
    auth.login()
    assert client.get(someone_elses).status_code == 404


def test_a_guest_or_a_stranger_cannot_hear_a_recording(
    app: Flask, someone_elses: str
) -> None:
    stranger = app.test_client()
    assert stranger.get(someone_elses).status_code == 404
    guest = app.test_client()
    Practice(guest).start_round()  # a guest profile of its own
    assert guest.get(someone_elses).status_code == 404


def test_an_interviewer_link_cannot_hear_the_candidates_recording(
    app: Flask, webm: bytes
) -> None:
    candidate = app.test_client()
    _answer_recorded(Practice(candidate), webm)
    (recording_id,) = _recording_ids(app)
    _public_id, link = Interviews(candidate).create()
    friend = Interviewer(app, link)
    assert friend.client.get(f"/recordings/{recording_id}").status_code == 404


def test_the_choice_to_record_is_remembered_per_profile(
    app: Flask, practice: Practice
) -> None:
    round_id = practice.start_round()
    page = practice.question_page(round_id, 1)
    assert "Record my answer" in page
    assert "data-recorder-toggle checked" not in page  # off until turned on
    response = post(
        practice.client,
        "/recordings/choice",
        {"records_answers": "y"},
        headers={"Accept": "application/json"},
    )
    assert response.get_json() == {"ok": True, "records_answers": True}
    assert "data-recorder-toggle checked" in practice.question_page(round_id, 1)
    other = Practice(app.test_client())
    assert "data-recorder-toggle checked" not in other.question_page(
        other.start_round(), 1
    )
    post(practice.client, "/recordings/choice", {})
    assert "data-recorder-toggle checked" not in practice.question_page(round_id, 1)


def test_the_settings_page_shows_use_and_deletes_one_or_all(
    app: Flask, practice: Practice, webm: bytes
) -> None:
    for _ in range(3):
        _answer_recorded(practice, webm)
    first, second, third = _recording_ids(app)
    page = _text(practice.client.get("/account/settings"))
    assert "3 recordings" in page
    assert "of 500 MB" in page
    response = post(practice.client, f"/recordings/{second}/delete")
    assert response.status_code == 302
    assert _recording_ids(app) == [first, third]
    assert _counts(app) == (3, 2)  # the answers stay
    # One cannot delete what is not one's own.
    stranger = app.test_client()
    Practice(stranger).start_round()
    assert post(stranger, f"/recordings/{first}/delete").status_code == 404
    post(practice.client, "/recordings/delete-all")
    assert _recording_ids(app) == []
    assert _counts(app) == (3, 0)


def _remarks_of(**figures: object) -> dict[str, tuple[str, str | None]]:
    values = {
        "duration": 60.0,
        "first_word": 1.0,
        "speaking": 50.0,
        "silence_share": 0.1,
        "pauses": [0.5, 2.5],
        "words_per_minute": 150.0,
        **figures,
    }
    remarks = delivery_remarks(Recording(**values))
    return {remark.label: (remark.value, remark.suggestion) for remark in remarks}


def test_usual_figures_get_no_suggestion() -> None:
    remarks = _remarks_of()
    assert remarks["Time to first word"] == ("1.0 s", None)
    assert remarks["Speaking time"] == ("50 s of 60 s, 10% silence", None)
    assert remarks["Pauses over 2 seconds"] == ("1, longest 2.5 s", None)
    assert remarks["Speaking rate"] == ("about 150 words a minute", None)


@pytest.mark.parametrize(
    ("figures", "label", "suggestion"),
    [
        ({"first_word": 6.0}, "Time to first word", "one-line summary"),
        ({"words_per_minute": 200.0}, "Speaking rate", "Faster than most"),
        ({"words_per_minute": 100.0}, "Speaking rate", "Slower than most"),
        ({"silence_share": 0.3}, "Speaking time", "Much of the answer was silence"),
    ],
)
def test_unusual_figures_say_so_as_a_suggestion(
    figures: dict, label: str, suggestion: str
) -> None:
    _value, said = _remarks_of(**figures)[label]
    assert said is not None and suggestion in said


def test_a_silent_recording_says_nothing_was_heard() -> None:
    checked = check_upload(
        "audio/webm", encoded(silence(2), "webm", "libopus"), 0, 10**9
    )
    assert isinstance(checked, CheckedRecording)
    assert isinstance(checked.delivery, Delivery)
    assert checked.delivery.first_word is None
    remarks = delivery_remarks(
        Recording(
            duration=2.0,
            first_word=None,
            speaking=0.0,
            silence_share=1.0,
            pauses=[],
            words_per_minute=0.0,
        )
    )
    assert [remark.value for remark in remarks] == ["none heard"]


def test_the_whole_recording_is_read_not_just_its_start(webm: bytes) -> None:
    doubled = encoded(np.concatenate([answer(), answer()]), "webm", "libopus")
    checked = check_upload("audio/webm", doubled, 0, 10**9)
    assert checked.delivery.duration == pytest.approx(14.5, abs=0.2)
    assert len(checked.delivery.long_pauses) == 2


def test_a_profile_deleted_takes_its_recordings(
    app: Flask, practice: Practice, webm: bytes
) -> None:
    _answer_recorded(practice, webm)
    with app.app_context():
        user = db.session.scalars(sa.select(User)).one()
        db.session.delete(user)
        db.session.commit()
    assert _counts(app) == (0, 0)


REAL_WEBM = encoded(answer(), "webm", "libopus")
FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(
    cut=st.integers(min_value=4, max_value=len(REAL_WEBM)),
    noise=st.binary(max_size=2000),
    mime_type=st.sampled_from(["audio/webm", "audio/mp4", "audio/webm;codecs=opus"]),
)
def test_damaged_recordings_are_refused_clearly_or_kept(
    cut: int, noise: bytes, mime_type: str
) -> None:
    """A real recording with its tail replaced by random bytes never raises
    anything but a refusal with a message."""
    try:
        checked = check_upload(mime_type, REAL_WEBM[:cut] + noise, 0, 10**9)
    except RecordingRefused as refused:
        assert refused.status in (400, 413) and refused.message
    else:
        assert checked.data


def test_merging_a_guest_into_an_account_keeps_its_recordings(
    app: Flask, client: FlaskClient, practice: Practice, auth: Auth, webm: bytes
) -> None:
    make_user(app)
    post(client, "/recordings/choice", {"records_answers": "y"})
    _answer_recorded(practice, webm)
    (recording_id,) = _recording_ids(app)
    auth.login()
    post(client, "/account/merge", {"choice": "merge"})
    assert client.get(f"/recordings/{recording_id}").status_code == 200
    with app.app_context():
        account = db.session.scalars(sa.select(User)).one()
        assert account.username == "ada"
        assert account.records_answers  # the guest's choice came along


def test_a_questions_history_plays_its_recordings_and_how_they_changed(
    app: Flask, practice: Practice
) -> None:
    hesitant = np.concatenate([silence(6.0), answer()])
    question_key = "al-one"
    for audio in (hesitant, answer()):
        started = post(practice.client, f"/questions/{question_key}/practice")
        round_id = int(re.search(r"/rounds/(\d+)/1$", started.headers["Location"])[1])
        practice.answer(
            round_id, 1, 3, recording=(encoded(audio, "webm", "libopus"), "audio/webm")
        )
    page = _text(practice.client.get(f"/questions/{question_key}"))
    assert "Recorded answers" in page
    said = re.sub(r"<[^>]+>", "", page)
    assert "First word: after 7.5 s, today; after 1.5 s now." in said
    assert page.count('preload="none"') == 2
    assert "player.js" in page


def test_the_review_can_show_only_recorded_questions(
    app: Flask, practice: Practice, webm: bytes
) -> None:
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 1, recording=(webm, "audio/webm"))
    practice.answer(round_id, 2, 1)
    with app.app_context():
        recorded_text, plain_text = (
            db.session.scalar(
                sa.select(Attempt).where(Attempt.round_item_id == item_id)
            ).question.text
            for item_id in (1, 2)
        )
    everything = _text(practice.client.get("/review"))
    assert recorded_text in everything and plain_text in everything
    only_recorded = _text(practice.client.get("/review?recorded=y"))
    assert recorded_text in only_recorded
    assert plain_text not in only_recorded
    # The drill offered beside it keeps to the same questions.
    assert re.search(r'name="recorded" type="hidden" value="y"', only_recorded)


def _ended_interview(app: Flask, candidate: FlaskClient) -> tuple[str, Interviewer]:
    """An interview of three questions: the first rated, the second asked but not
    rated, then ended by the friend."""
    public_id, link = Interviews(candidate).create()
    friend = Interviewer(app, link)
    friend.act("begin")
    friend.score(1, 3)
    friend.score(2, None, then="end")
    return public_id, friend


def _send_interview_recording(
    client: FlaskClient, public_id: str, position: int, audio: bytes
):  # noqa: ANN202
    return client.post(
        f"/interviews/{public_id}/recordings",
        data={
            "position": position,
            "recording": (io.BytesIO(audio), "answer.webm", "audio/webm"),
        },
        headers={"X-CSRFToken": csrf_token(client), "Accept": "application/json"},
    )


def test_an_interview_answer_keeps_the_candidates_recording(
    app: Flask, client: FlaskClient, webm: bytes
) -> None:
    public_id, friend = _ended_interview(app, client)
    sent = _send_interview_recording(client, public_id, 1, webm)
    assert sent.status_code == 201, sent.get_json()
    (recording_id,) = _recording_ids(app)
    with app.app_context():
        recording = db.session.get(Recording, recording_id)
        assert recording.attempt.rated_by == "interviewer"
    summary = _text(client.get(f"/interviews/{public_id}/summary"))
    assert "Hear your answer" in summary
    assert f"/recordings/{recording_id}" in summary
    # The friend's summary shows no recording, and the audio is not theirs.
    friend_summary = _text(friend.client.get(f"/interviews/{public_id}/summary"))
    assert "Hear your answer" not in friend_summary
    assert "/recordings/" not in friend_summary
    assert friend.client.get(f"/recordings/{recording_id}").status_code == 404
    again = _send_interview_recording(client, public_id, 1, webm)
    assert again.status_code == 409
    assert _recording_ids(app) == [recording_id]


@pytest.mark.parametrize(
    ("position", "status", "message"),
    [(2, 409, "did not rate that question"), (9, 404, "no such question")],
)
def test_an_interview_recording_without_a_rated_answer_is_refused(
    app: Flask,
    client: FlaskClient,
    webm: bytes,
    position: int,
    status: int,
    message: str,
) -> None:
    public_id, _friend = _ended_interview(app, client)
    sent = _send_interview_recording(client, public_id, position, webm)
    assert sent.status_code == status
    assert message in sent.get_json()["error"]
    assert _recording_ids(app) == []


def test_an_interview_recording_waits_for_the_end_and_its_candidate(
    app: Flask, client: FlaskClient, webm: bytes
) -> None:
    public_id, link = Interviews(client).create()
    friend = Interviewer(app, link)
    friend.act("begin")
    friend.score(1, 3)
    early = _send_interview_recording(client, public_id, 1, webm)
    assert early.status_code == 409
    assert "once the interview has ended" in early.get_json()["error"]
    friend.act("end")
    # The friend cannot add a recording to the candidate's answers.
    assert (
        _send_interview_recording(friend.client, public_id, 1, webm).status_code == 404
    )
    assert _recording_ids(app) == []
