"""The ZIP export: the JSON export with every recording's audio beside it, and
reading one back, checked in full before an import touches the database.

A ZIP is untrusted input: entry names are never used as paths, and sizes are
checked from the archive's directory before anything is unpacked, so that a
small upload cannot unpack to gigabytes (a zip bomb). No database and no Flask
here: `portability` writes and imports with it.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from typing import IO

from mockint.import_schema import (
    MAX_IMPORT_BYTES,
    ExportDocument,
    ExportedRecording,
    ImportProblem,
    parse_export,
)
from mockint.recordings import MAX_RECORDING_BYTES, container_matches, megabytes

EXPORT_NAME = "mockint-export.json"
RECORDINGS_FOLDER = "recordings/"
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # the upload (MAX_CONTENT_LENGTH is 51 MB)
# The JSON is deflated and may grow when unpacked; the audio is stored and cannot.
MAX_UNPACKED_BYTES = MAX_IMPORT_BYTES + MAX_ARCHIVE_BYTES
MAX_PROBLEMS = 20
# What zipfile raises on a damaged, encrypted or oddly compressed archive.
_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
    OSError,
)


def is_archive(raw: bytes) -> bool:
    """True when an upload is a ZIP: its entries start "PK", which JSON never does."""
    return raw[:2] == b"PK"


def write_archive(
    out: IO[bytes], export_text: str, recordings: Iterable[tuple[str, bytes]]
) -> None:
    """Write the JSON export and each (file name, audio) of its recordings as a ZIP.

    The JSON is deflated; the audio is stored as it is, since Opus and AAC are
    compressed already.
    """
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            EXPORT_NAME, export_text.encode(), compress_type=zipfile.ZIP_DEFLATED
        )
        for file, audio in recordings:
            archive.writestr(
                RECORDINGS_FOLDER + file, audio, compress_type=zipfile.ZIP_STORED
            )


def read_archive(
    raw: bytes, quota_bytes: int
) -> tuple[ExportDocument, dict[str, bytes]]:
    """The checked export in a ZIP, and its recordings' audio by file name.

    Raises ImportProblem naming the entry at fault; `quota_bytes` is the room a
    profile has for recordings.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except _UNREADABLE:
        raise ImportProblem(
            ["The file is neither JSON nor a ZIP that can be read."]
        ) from None
    with archive:
        entries = _entries(archive)
        export = entries.get(EXPORT_NAME)
        if export is None:
            raise ImportProblem(
                [f"The ZIP holds no {EXPORT_NAME}: it is not a mockint export."]
            )
        if export.file_size > MAX_IMPORT_BYTES:
            raise ImportProblem(
                [
                    f"{EXPORT_NAME} unpacks to {megabytes(export.file_size)}; "
                    f"an export can be at most {megabytes(MAX_IMPORT_BYTES)}."
                ]
            )
        document = parse_export(_read(archive, export))
        recordings = document.recordings()
        _check_sizes(entries, recordings, quota_bytes)
        return document, _audio(archive, entries, recordings)


def _entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """The archive's entries by name, refused if any name is a path out of it or
    they would unpack to more than an import takes."""
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in archive.infolist():
        name = info.filename
        # Nothing is ever written to disk, but an archive naming such paths was
        # made to attack an unpacker: it is not an export.
        if name.startswith("/") or "\\" in name or ":" in name or ".." in name:
            raise ImportProblem(
                [f"The ZIP entry {name[:100]!r} points outside the archive."]
            )
        if name in entries:
            raise ImportProblem([f"The ZIP holds {name[:100]!r} twice."])
        entries[name] = info
    unpacked = sum(info.file_size for info in entries.values())
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportProblem(
            [
                f"The ZIP unpacks to {megabytes(unpacked)}; an import takes at "
                f"most {megabytes(MAX_UNPACKED_BYTES)}."
            ]
        )
    return entries


def _check_sizes(
    entries: dict[str, zipfile.ZipInfo],
    recordings: list[ExportedRecording],
    quota_bytes: int,
) -> None:
    """Every recording's audio is in the archive with the size its figures say,
    and together they fit the profile's room: all before any is unpacked."""
    problems = []
    for recording in recordings:
        name = RECORDINGS_FOLDER + recording.file
        info = entries.get(name)
        if info is None:
            problems.append(f"{name}: missing from the ZIP")
        elif info.file_size > MAX_RECORDING_BYTES:
            problems.append(
                f"{name}: unpacks to {megabytes(info.file_size)}; a recording can "
                f"be at most {megabytes(MAX_RECORDING_BYTES)}"
            )
        elif info.file_size != recording.size:
            problems.append(
                f"{name}: {info.file_size:,} bytes, but the export says "
                f"{recording.size:,}"
            )
    total = sum(recording.size for recording in recordings)
    if total > quota_bytes:
        problems.append(
            f"The recordings come to {megabytes(total)}; this server keeps at most "
            f"{megabytes(quota_bytes)} of recordings for a profile."
        )
    if problems:
        raise ImportProblem(problems[:MAX_PROBLEMS])


def _audio(
    archive: zipfile.ZipFile,
    entries: dict[str, zipfile.ZipInfo],
    recordings: list[ExportedRecording],
) -> dict[str, bytes]:
    """Each recording's audio by file name, refused unless it is the container
    its type names."""
    audio = {}
    problems = []
    for recording in recordings:
        name = RECORDINGS_FOLDER + recording.file
        data = _read(archive, entries[name])
        if not container_matches(recording.mime_type, data[:64]):
            kind = recording.mime_type.removeprefix("audio/").upper()
            problems.append(f"{name}: not the {kind} recording the export says")
        audio[recording.file] = data
    if problems:
        raise ImportProblem(problems[:MAX_PROBLEMS])
    return audio


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    # zipfile unpacks no more than the size the entry declares, which the
    # callers have checked, and compares the CRC at the end.
    try:
        return archive.read(info)
    except _UNREADABLE as error:
        raise ImportProblem(
            [f"The ZIP entry {info.filename} could not be read: {error}"]
        ) from None
