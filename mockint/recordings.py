"""Recordings of spoken answers: the checks an upload must pass, storing one with
its delivery figures, the owner's quota, and the plain remarks shown beside them.

Only the owner ever reaches a recording: every lookup here takes the owner's id.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import IO

import av
import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.delivery import Delivery, analyse, decode, loudness_outline
from mockint.models import Attempt, Interview, Question, Recording, User

MAX_RECORDING_BYTES = 16 * 1024 * 1024
MAX_RECORDING_SECONDS = 20 * 60
OUTLINE_POINTS = 120
# What browsers' MediaRecorder makes: Opus in WebM (Chromium, Firefox) and AAC in
# MP4 (Safari), each with the FFmpeg muxer it is stored through.
MUXERS = {"audio/webm": "webm", "audio/mp4": "mp4"}
EXTENSIONS = {"audio/webm": "webm", "audio/mp4": "m4a"}
# The usual ranges; outside them a remark says so, as a suggestion.
FIRST_WORD_AFTER = 5.0
SLOWEST_USUAL_WPM = 110
FASTEST_USUAL_WPM = 190
MOST_USUAL_SILENCE = 0.25


class RecordingRefused(Exception):
    """An upload that cannot be stored; nothing was written."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class CheckedRecording:
    """An upload that passed every check, ready to store with its attempt."""

    mime_type: str
    data: bytes
    delivery: Delivery
    outline: tuple[float, ...]


def base_type(declared: str | None) -> str:
    """The MIME type without its parameters, e.g. "audio/webm"."""
    return (declared or "").split(";", 1)[0].strip().lower()


def container_matches(mime_type: str, head: bytes) -> bool:
    """True when the file starts as its type says: an EBML header naming WebM, or
    an MP4 `ftyp` box."""
    if mime_type == "audio/webm":
        return head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]
    return head[4:8] == b"ftyp"


def megabytes(size: int) -> str:
    """A size in megabytes as people read it: "500 MB", "3.2 MB", "0.4 MB"."""
    value = size / (1024 * 1024)
    if value.is_integer() or value >= 100:
        return f"{value:,.0f} MB"
    return f"{value:,.1f} MB"


def check_upload(
    declared_type: str | None, data: bytes, used_bytes: int, quota_bytes: int
) -> CheckedRecording:
    """Check an uploaded recording and read its figures, or raise RecordingRefused.

    The audio is stored remuxed: a browser's WebM has no duration or index, so a
    player could neither show its length nor seek in it.
    """
    mime_type = base_type(declared_type)
    if mime_type not in MUXERS:
        raise RecordingRefused(
            "Only audio recorded by the browser (WebM or MP4 audio) can be kept."
        )
    if not data:
        raise RecordingRefused("The recording is empty: nothing was heard.")
    if len(data) > MAX_RECORDING_BYTES:
        raise RecordingRefused(
            f"The recording is {megabytes(len(data))}; the most one can be is "
            f"{megabytes(MAX_RECORDING_BYTES)}.",
            413,
        )
    if not container_matches(mime_type, data[:64]):
        raise RecordingRefused(
            f"The file is not the {mime_type.removeprefix('audio/').upper()} "
            "recording it claims to be."
        )
    if used_bytes + len(data) > quota_bytes:
        raise RecordingRefused(
            f"Keeping this recording would go over your {megabytes(quota_bytes)} "
            f"for recordings ({megabytes(used_bytes)} used). Delete some in "
            "Settings to make room.",
            413,
        )
    try:
        samples = decode(data, max_seconds=MAX_RECORDING_SECONDS)
        remuxed = _remuxed(data, MUXERS[mime_type])
    except ValueError as error:
        raise RecordingRefused(str(error)) from None
    if len(samples) == 0 or not remuxed:
        raise RecordingRefused("The recording holds no audio: nothing was recorded.")
    return CheckedRecording(
        mime_type=mime_type,
        data=remuxed,
        delivery=analyse(samples),
        outline=loudness_outline(samples, OUTLINE_POINTS),
    )


def check_profile_upload(
    session: Session,
    user_id: int,
    declared_type: str | None,
    stream: IO[bytes],
    quota_bytes: int,
) -> CheckedRecording:
    """`check_upload` for a file arriving for a profile: read no further than one
    byte past the limit (enough to refuse it), against what the profile uses."""
    data = stream.read(MAX_RECORDING_BYTES + 1)
    return check_upload(declared_type, data, used_bytes(session, user_id), quota_bytes)


def _remuxed(data: bytes, muxer: str) -> bytes:
    """The same audio packets in a fresh container with its duration and index."""
    output = io.BytesIO()
    try:
        with av.open(io.BytesIO(data), mode="r") as source:
            audio = source.streams.audio[0]
            with av.open(output, mode="w", format=muxer) as target:
                stream = target.add_stream_from_template(audio)
                for packet in source.demux(audio):
                    if packet.dts is None:  # the demuxer's end-of-stream marker
                        continue
                    packet.stream = stream
                    target.mux(packet)
    except (av.FFmpegError, IndexError, ValueError) as error:
        raise ValueError("The audio could not be decoded.") from error
    return output.getvalue()


def store_recording(
    session: Session, attempt: Attempt, checked: CheckedRecording
) -> Recording:
    """Keep a checked recording with the attempt it answers."""
    delivery = checked.delivery
    recording = Recording(
        attempt=attempt,
        mime_type=checked.mime_type,
        size=len(checked.data),
        data=checked.data,
        duration=round(delivery.duration, 2),
        first_word=delivery.first_word,
        speaking=delivery.sounding,
        silence_share=round(delivery.silence_share, 3),
        pauses=list(delivery.pauses),
        words_per_minute=round(delivery.words_per_minute, 1),
        outline=list(checked.outline),
    )
    session.add(recording)
    session.flush()
    return recording


def interview_answer(interview: Interview, position: int) -> Attempt:
    """The rated answer at a position of an ended interview, still without a
    recording, or RecordingRefused saying why none can be kept."""
    if interview.status != "ended":
        raise RecordingRefused("Recordings are kept once the interview has ended.", 409)
    item = next((i for i in interview.items if i.position == position), None)
    if item is None:
        raise RecordingRefused("The interview has no such question.", 404)
    if item.attempt is None:
        raise RecordingRefused(
            "Your interviewer did not rate that question, so its recording is not "
            "kept.",
            409,
        )
    if item.attempt.recording is not None:
        raise RecordingRefused("That answer already has its recording.", 409)
    return item.attempt


def used_bytes(session: Session, user_id: int | None) -> int:
    """How much the profile's recordings take, with the profile locked until the
    transaction ends, so that two uploads at once cannot both fit the quota."""
    if user_id is None:
        return 0
    # PostgreSQL locks the row; SQLite has no FOR UPDATE, but a posting request
    # holds its write lock from its first statement (mockint.database).
    session.execute(sa.select(User.id).where(User.id == user_id).with_for_update())
    return session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Recording.size), 0))
        .join(Attempt, Attempt.id == Recording.attempt_id)
        .where(Attempt.user_id == user_id)
    )


@dataclass(frozen=True, slots=True)
class RecordingEntry:
    """A recording as the settings page lists it (no audio)."""

    id: int
    question_key: str
    question_text: str
    created_at: datetime
    duration: float
    size: int


def recordings_of(session: Session, user_id: int | None) -> list[RecordingEntry]:
    """Every recording of the profile, newest first, without the audio."""
    if user_id is None:
        return []
    rows = session.execute(
        sa.select(
            Recording.id,
            Question.key,
            Question.text,
            Recording.created_at,
            Recording.duration,
            Recording.size,
        )
        .join(Attempt, Attempt.id == Recording.attempt_id)
        .join(Question, Question.id == Attempt.question_id)
        .where(Attempt.user_id == user_id)
        .order_by(Recording.created_at.desc(), Recording.id.desc())
    )
    return [RecordingEntry(*row) for row in rows]


def owned_recording(
    session: Session, user_id: int | None, recording_id: int
) -> Recording | None:
    """The recording if it is the profile's, else None (to answer 404)."""
    if user_id is None:
        return None
    return session.scalar(
        sa.select(Recording)
        .join(Attempt, Attempt.id == Recording.attempt_id)
        .where(Recording.id == recording_id, Attempt.user_id == user_id)
    )


def delete_recording(session: Session, user_id: int | None, recording_id: int) -> bool:
    """Delete one of the profile's recordings; False when it has no such one."""
    recording = owned_recording(session, user_id, recording_id)
    if recording is None:
        return False
    session.delete(recording)
    return True


def delete_all_recordings(session: Session, user_id: int) -> int:
    """Delete every recording of the profile; return how many there were."""
    owned = sa.select(Attempt.id).where(Attempt.user_id == user_id)
    result = session.execute(
        sa.delete(Recording).where(Recording.attempt_id.in_(owned))
    )
    return result.rowcount


def recording_filename(question_key: str, recording: Recording) -> str:
    """A download's name from the question and the day, e.g.
    `tell-me-about-yourself-2026-11-26-17.webm` (the id keeps names apart)."""
    day = recording.created_at.date().isoformat()
    safe_key = "".join(c if c.isalnum() or c in "-_" else "-" for c in question_key)
    return f"{safe_key}-{day}-{recording.id}.{EXTENSIONS[recording.mime_type]}"


@dataclass(frozen=True, slots=True)
class Remark:
    """One delivery figure as shown: its value, what it means, and a suggestion
    when it is outside the usual range."""

    label: str
    value: str
    explanation: str
    suggestion: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One figure then and now, e.g. the first word after 6 s then, 1 s now."""

    label: str
    then: str
    now: str


def delivery_changes(first: Recording, latest: Recording) -> list[Change]:
    """How the figures moved from the first recording to the latest, where both
    heard speech."""
    if first.first_word is None or latest.first_word is None:
        return []
    return [
        Change(
            "First word",
            f"after {_seconds(first.first_word)}",
            f"after {_seconds(latest.first_word)}",
        ),
        Change(
            "Speaking rate",
            f"about {first.words_per_minute:.0f} words a minute",
            f"about {latest.words_per_minute:.0f}",
        ),
        Change(
            "Silence",
            f"{first.silence_share:.0%} of the answer",
            f"{latest.silence_share:.0%}",
        ),
        Change(
            "Pauses over 2 seconds",
            str(len(first.long_pauses)),
            str(len(latest.long_pauses)),
        ),
    ]


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def delivery_remarks(recording: Recording) -> list[Remark]:
    """The figures of a recording in words, with suggestions where unusual."""
    if recording.first_word is None:
        return [
            Remark(
                "Speech",
                "none heard",
                "The recording holds no speech loud enough to measure: check the "
                "microphone's level next time.",
            )
        ]
    long_pauses = recording.long_pauses
    rate = recording.words_per_minute
    rate_suggestion = None
    if rate > FASTEST_USUAL_WPM:
        rate_suggestion = (
            "Faster than most speakers: try a breath between points so each lands."
        )
    elif rate < SLOWEST_USUAL_WPM:
        rate_suggestion = (
            "Slower than most speakers: a little more pace keeps the listener with you."
        )
    return [
        Remark(
            "Time to first word",
            _seconds(recording.first_word),
            "From starting the recording to the first word.",
            "A long silence before starting: opening with a one-line summary of your "
            "answer buys thinking time."
            if recording.first_word > FIRST_WORD_AFTER
            else None,
        ),
        Remark(
            "Speaking time",
            f"{_seconds(recording.speaking)} of {_seconds(recording.duration)}, "
            f"{recording.silence_share:.0%} silence",
            "Time spent speaking, and the share of the recording that was silent.",
            "Much of the answer was silence: note your points before answering, "
            "so the pauses get shorter."
            if recording.silence_share > MOST_USUAL_SILENCE
            else None,
        ),
        Remark(
            "Pauses over 2 seconds",
            f"{len(long_pauses)}, longest {_seconds(max(long_pauses))}"
            if long_pauses
            else "none",
            "Silences of more than two seconds once you had started.",
        ),
        Remark(
            "Speaking rate",
            f"about {rate:.0f} words a minute",
            "Estimated from the syllables heard (de Jong and Wempe's method): an "
            "approximation, not a count.",
            rate_suggestion,
        ),
    ]
