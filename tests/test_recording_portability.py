"""Recordings in the export: their figures in the JSON, their audio in the ZIP,
and a ZIP import that restores them byte for byte, or changes nothing."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from test_portability import comparable, export, page_text, row_counts, upload
from werkzeug.test import TestResponse

from mockint.export_archive import EXPORT_NAME, MAX_UNPACKED_BYTES
from mockint.extensions import db
from mockint.import_schema import (
    EXPORT_VERSION,
    MAX_IMPORT_BYTES,
    ImportProblem,
    validate_export,
)
from mockint.models import Attempt, Recording
from mockint.portability import RECORDING_FIGURES
from mockint.recordings import MAX_RECORDING_BYTES

from support import Practice, make_app, post, valid_export

FIGURES = ("mime_type", "size", "created_at", *RECORDING_FIGURES)


def record_some(client: FlaskClient, webm: bytes, mp4: bytes) -> None:
    """A round of three answers: two recorded (WebM, then MP4), one not."""
    practice = Practice(client)
    round_id = practice.start_round(size=3)
    for position, recording in enumerate(
        [(webm, "audio/webm;codecs=opus"), None, (mp4, "audio/mp4")], start=1
    ):
        response = practice.answer(round_id, position, 3, recording=recording)
        assert response.status_code == 302, page_text(response)


def served_audio(app: Flask, client: FlaskClient) -> list[bytes]:
    """Every recording's audio as its owner's player gets it, oldest first."""
    with app.app_context():
        ids = db.session.scalars(sa.select(Recording.id).order_by(Recording.id))
        urls = [f"/recordings/{recording_id}" for recording_id in ids]
    responses = [client.get(url) for url in urls]
    assert all(response.status_code == 200 for response in responses)
    return [response.data for response in responses]


def export_zip(client: FlaskClient) -> bytes:
    """Download the ZIP export."""
    response = client.get("/account/export.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert re.fullmatch(
        r'attachment; filename="mockint-export-\d{4}-\d{2}-\d{2}\.zip"',
        response.headers["Content-Disposition"],
    )
    assert response.headers["Cache-Control"] == "no-store"
    return response.data


def unzipped(data: bytes) -> dict[str, bytes]:
    """A ZIP's entries by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(entries: dict[str, bytes]) -> bytes:
    """A ZIP of the entries, all stored."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def upload_zip(client: FlaskClient, data: bytes) -> TestResponse:
    """Post a ZIP to the import form."""
    return post(
        client,
        "/account/import",
        {"file": (io.BytesIO(data), "export.zip")},
        content_type="multipart/form-data",
    )


def test_the_json_export_carries_each_recordings_figures(
    app: Flask, client: FlaskClient, webm: bytes, mp4: bytes
) -> None:
    record_some(client, webm, mp4)
    data = export(client)
    assert data["version"] == EXPORT_VERSION == 2
    first, unrecorded, second = data["attempts"]
    assert "recording" not in unrecorded
    with app.app_context():
        rows = db.session.scalars(sa.select(Recording).order_by(Recording.id)).all()
        for exported, row in zip([first, second], rows, strict=True):
            recording = exported["recording"]
            assert set(recording) == {*FIGURES, "file"}  # and no audio
            assert recording["created_at"] == row.created_at.isoformat()
            assert {name: recording[name] for name in FIGURES[3:]} == {
                name: getattr(row, name) for name in FIGURES[3:]
            }
            assert recording["size"] == len(row.data)
            question = exported["question"]
            day = row.created_at.date().isoformat()
            extension = "webm" if row.mime_type == "audio/webm" else "m4a"
            assert recording["file"] == f"{question}-{day}-{row.id}.{extension}"
    assert [first["recording"]["mime_type"], second["recording"]["mime_type"]] == [
        "audio/webm",
        "audio/mp4",
    ]


def test_the_zip_holds_the_json_export_and_the_audio(
    app: Flask, client: FlaskClient, webm: bytes, mp4: bytes
) -> None:
    record_some(client, webm, mp4)
    data = export_zip(client)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        document = json.loads(archive.read(EXPORT_NAME))
        files = [
            a["recording"]["file"] for a in document["attempts"] if "recording" in a
        ]
        assert [info.filename for info in infos] == [
            EXPORT_NAME,
            *(f"recordings/{file}" for file in files),
        ]
        assert infos[0].compress_type == zipfile.ZIP_DEFLATED
        assert {info.compress_type for info in infos[1:]} == {zipfile.ZIP_STORED}
        audio = [archive.read(f"recordings/{file}") for file in files]
    assert comparable(document) == comparable(export(client))
    assert audio == served_audio(app, client)


def test_settings_offer_the_zip_first(client: FlaskClient) -> None:
    page = page_text(client.get("/account/settings"))
    links = re.findall(r'href="/account/(export\.\w+)"', page)
    assert links == ["export.zip", "export.json", "export.csv"]
    assert "Export everything (ZIP with recordings)" in page
    assert "A .json or .zip export." in page


def test_a_zip_restores_the_recordings_byte_for_byte_on_a_fresh_server(
    app: Flask, client: FlaskClient, webm: bytes, mp4: bytes, tmp_path: Path
) -> None:
    record_some(client, webm, mp4)
    archive = export_zip(client)
    original = export(client)
    audio = served_audio(app, client)
    assert len(audio) == 2

    # A fresh server: with TEST_DATABASE_URL it reuses (and empties) the database.
    fresh = make_app(tmp_path / "fresh")
    newcomer = fresh.test_client()
    response = upload_zip(newcomer, archive)
    assert response.status_code == 302, page_text(response)
    welcome = page_text(newcomer.get(response.headers["Location"]))
    assert "Imported 3 answers with their rounds, cards and outlines, and 2 " in welcome
    # The same figures and files (ids start afresh, so even the names agree)...
    assert comparable(export(newcomer)) == comparable(original)
    # ... and the same bytes.
    assert served_audio(fresh, newcomer) == audio
    assert unzipped(export_zip(newcomer)).keys() == unzipped(archive).keys()
    with fresh.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_json_export_with_recordings_imports_the_answers_without_audio(
    app: Flask, client: FlaskClient, webm: bytes, mp4: bytes
) -> None:
    record_some(client, webm, mp4)
    visitor = app.test_client()
    response = upload(visitor, export(client))
    assert response.status_code == 302, page_text(response)
    welcome = page_text(visitor.get(response.headers["Location"]))
    assert "The file names 2 recordings whose audio only the ZIP export" in welcome
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 6
        assert db.session.scalar(sa.select(sa.func.count(Recording.id))) == 2
    imported = export(visitor)["attempts"]
    assert len(imported) == 3
    assert not any("recording" in attempt for attempt in imported)


# Each refusal changes one thing in a good ZIP: (its JSON, its entries by name).
Change = Callable[[dict, dict[str, bytes]], None]


def _recording_files(document: dict) -> list[str]:
    return [
        f"recordings/{attempt['recording']['file']}"
        for attempt in document["attempts"]
        if "recording" in attempt
    ]


def _missing(document: dict, entries: dict[str, bytes]) -> None:
    del entries[_recording_files(document)[1]]


def _longer(document: dict, entries: dict[str, bytes]) -> None:
    entries[_recording_files(document)[0]] += b"\0"


def _not_audio(document: dict, entries: dict[str, bytes]) -> None:
    name = _recording_files(document)[0]
    entries[name] = b"x" * len(entries[name])


def _ogg(document: dict, _entries: dict[str, bytes]) -> None:
    document["attempts"][0]["recording"]["mime_type"] = "audio/ogg"


def _traversal(_document: dict, entries: dict[str, bytes]) -> None:
    entries["recordings/../../etc/cron.d/evil"] = b"* * * * * root true\n"


def _no_json(_document: dict, entries: dict[str, bytes]) -> None:
    del entries[EXPORT_NAME]


CHANGES = [
    pytest.param(
        _missing, r"recordings/al-\S+\.m4a: missing from the ZIP", id="missing"
    ),
    pytest.param(
        _longer, r"recordings/\S+\.webm: [\d,]+ bytes, but the export says", id="size"
    ),
    pytest.param(
        _not_audio, r"\S+\.webm: not the WEBM recording the export says", id="container"
    ),
    pytest.param(
        _ogg, r"attempt 1, recording: mime_type 'audio/ogg' must be one of", id="type"
    ),
    pytest.param(
        _traversal,
        r"entry 'recordings/../../etc/cron.d/evil' points outside",
        id="path",
    ),
    pytest.param(_no_json, r"The ZIP holds no mockint-export.json", id="no-json"),
]


@pytest.mark.parametrize(("change", "message"), CHANGES)
def test_a_bad_zip_is_refused_and_imports_nothing(
    app: Flask,
    client: FlaskClient,
    webm: bytes,
    mp4: bytes,
    change: Change,
    message: str,
) -> None:
    record_some(client, webm, mp4)
    entries = unzipped(export_zip(client))
    document = json.loads(entries[EXPORT_NAME])
    change(document, entries)
    if EXPORT_NAME in entries:
        entries[EXPORT_NAME] = json.dumps(document).encode()
    assert_refused(app, zipped(entries), message)


def assert_refused(app: Flask, data: bytes, message: str) -> None:
    """The upload is refused with the message, and nothing is written."""
    visitor = app.test_client()
    before = row_counts(app)
    response = upload_zip(visitor, data)
    assert response.status_code == 400
    assert re.search(message, page_text(response)), page_text(response)
    assert row_counts(app) == before
    settings = page_text(visitor.get("/account/settings"))
    assert "You have no practice history yet" in settings


def _zeros(name: str, size: int, archive: zipfile.ZipFile) -> None:
    """An entry of `size` zero bytes, deflated to almost nothing."""
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w") as entry:
        for _ in range(size // 2**20):
            entry.write(bytes(2**20))
        entry.write(bytes(size % 2**20))


@pytest.mark.parametrize(
    ("bomb", "message"),
    [
        pytest.param(
            (EXPORT_NAME, MAX_IMPORT_BYTES + 1),
            "mockint-export.json unpacks to 50.0 MB",
        ),
        pytest.param(
            ("recordings/{file}", MAX_RECORDING_BYTES + 1),
            r"recordings/\S+: unpacks to 16.0 MB; a recording can be at most 16 MB",
        ),
        pytest.param(
            ("padding.bin", MAX_UNPACKED_BYTES), r"The ZIP unpacks to 1\d\d MB"
        ),
    ],
    ids=["json", "recording", "total"],
)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(
    app: Flask,
    client: FlaskClient,
    webm: bytes,
    mp4: bytes,
    bomb: tuple[str, int],
    message: str,
) -> None:
    record_some(client, webm, mp4)
    entries = unzipped(export_zip(client))
    file = _recording_files(json.loads(entries[EXPORT_NAME]))[0]
    name, size = bomb
    name = name.format(file=file.removeprefix("recordings/"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for kept, data in entries.items():
            if kept != name:
                archive.writestr(kept, data)
        _zeros(name, size, archive)
    assert len(out.getvalue()) < 1024 * 1024
    assert_refused(app, out.getvalue(), message)


def test_recordings_over_the_quota_are_refused(
    app: Flask, client: FlaskClient, webm: bytes, mp4: bytes
) -> None:
    record_some(client, webm, mp4)
    data = export_zip(client)
    app.config["RECORDING_QUOTA_BYTES"] = len(webm)  # less than both together
    assert_refused(app, data, r"The recordings come to [\d.]+ MB; this server keeps")


def test_a_file_that_is_neither_json_nor_zip_is_refused(app: Flask) -> None:
    assert_refused(app, b"PK\x03\x04 not really", "neither JSON nor a ZIP")


def _with_recording(**changes: object) -> dict:
    """The table's valid export, its first answer carrying a recording."""
    document = valid_export()
    document["attempts"][0]["recording"] = {
        "file": "al-one-2025-03-01-7.webm",
        "mime_type": "audio/webm",
        "size": 4096,
        "created_at": "2025-03-01T09:01:02+00:00",
        "duration": 7.24,
        "first_word": None,
        "speaking": 4.5,
        "silence_share": 0.38,
        "pauses": [0.4, 3.0],
        "words_per_minute": 142.5,
        "outline": [0.0, 0.5, 1.0],
        **changes,
    }
    return document


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"file": "../al-one.webm"}, "file '../al-one.webm' is not in the expected"),
        ({"file": "al-one.exe"}, "file 'al-one.exe' is not in the expected form"),
        ({"mime_type": "video/webm"}, "mime_type 'video/webm' must be one of"),
        ({"size": 0}, "size must be a whole number from 1 to 16,777,216"),
        ({"size": MAX_RECORDING_BYTES + 1}, "size must be a whole number from 1"),
        ({"duration": 1201}, "duration must be a number from 0 to 1,200"),
        ({"first_word": True}, "first_word must be a number from 0 to 1,200"),
        ({"silence_share": 1.5}, "silence_share must be a number from 0 to 1"),
        ({"outline": [0.5] * 121}, "outline must be a list of at most 120 numbers"),
        ({"pauses": ["1"]}, "pauses must be a list of at most 4,000 numbers"),
        ({"created_at": "2025-03-01"}, "created_at '2025-03-01' has no time zone"),
    ],
)
def test_a_recordings_figures_are_checked(changes: dict, message: str) -> None:
    with pytest.raises(ImportProblem) as refused:
        validate_export(_with_recording(**changes))
    assert f"attempt 1, recording: {message}" in str(refused.value)


def test_recordings_figures_are_read_as_exported() -> None:
    document = validate_export(_with_recording())
    (recording,) = document.recordings()
    assert recording.outline == (0.0, 0.5, 1.0)
    assert recording.first_word is None
    assert recording.words_per_minute == 142.5
    twice = _with_recording()
    twice["attempts"][1]["recording"] = twice["attempts"][0]["recording"]
    with pytest.raises(ImportProblem, match="named by an earlier recording"):
        validate_export(twice)
