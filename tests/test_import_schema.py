"""The export schema: typed entries from a good file, ImportProblem for all else."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockint.import_schema import (
    EXPORT_FORMAT,
    MAX_DEPTH,
    AttemptEntry,
    ExportDocument,
    ImportProblem,
    OutlineEntry,
    RoundEntry,
    parse_export,
    validate_export,
)

from support import valid_export

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["al-one", "2025-03-01T09:00:00+00:00", "\ud800", "\x00"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_a_good_file_becomes_typed_entries_in_utc() -> None:
    document = parse_export(json.dumps(valid_export()).encode())
    assert isinstance(document, ExportDocument)
    assert document.timezone == "Europe/Berlin"
    assert document.rounds[1] == RoundEntry(
        ref=2,
        field=None,
        created_at=datetime(2025, 3, 2, 8, 0, tzinfo=UTC),
        questions=("be-one", "al-four"),
    )
    assert document.attempts[-1] == AttemptEntry(
        question="al-one",
        round=None,
        position=None,
        rating=3,
        elapsed_seconds=61.5,
        timed_by="browser",
        shown_at=datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
        answered_at=datetime(2025, 3, 3, 23, 0, tzinfo=UTC),
        note="",
    )
    # Oldest first; equal times keep the file's order.
    assert [a.question for a in document.attempts] == [
        "al-one",
        "al-three",
        "al-two",
        "be-one",
        "al-one",
    ]
    assert document.outlines == (
        OutlineEntry(
            "al-four", "Seek, not scan.", datetime(2025, 3, 3, 12, tzinfo=UTC)
        ),
    )
    assert document.question_keys() == {
        "al-one",
        "al-two",
        "al-three",
        "al-four",
        "be-one",
    }
    assert document.field_slugs() == {"alpha-field"}


def test_optional_parts_may_be_missing() -> None:
    data = valid_export()
    for name in ("profile", "rounds", "cards", "outlines"):
        del data[name]
    for attempt in data["attempts"]:
        del attempt["note"], attempt["round"], attempt["position"]
    document = validate_export(data)
    assert document.timezone is None
    assert document.rounds == document.outlines == ()
    assert {a.note for a in document.attempts} == {""}


def test_a_zone_this_server_does_not_know_is_ignored() -> None:
    data = valid_export()
    data["profile"]["timezone"] = "Mars/Olympus_Mons"
    assert validate_export(data).timezone is None


def test_dates_are_checked_against_the_given_moment() -> None:
    data = valid_export()
    with pytest.raises(ImportProblem) as refused:
        validate_export(data, now=datetime(2025, 3, 1, tzinfo=UTC))
    assert "attempt 4: answered_at '2025-03-02T09:05:00+01:00' is not between" in str(
        refused.value
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH, 999, 5000, 200_000])
def test_any_nesting_is_a_problem_not_a_crash(depth: int) -> None:
    body = b'{"format": "mockint-export", "version": 1, "x": ' + b"[" * depth
    body += b"]" * depth + b"}"
    with pytest.raises(ImportProblem) as refused:
        parse_export(body)
    assert refused.value.problems == [
        "The file nests lists or objects deeper than an export does "
        f"(at most {MAX_DEPTH} levels)."
    ]


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, (*prefix, index))
    return found


def check_never_crashes(data: object) -> None:
    """Either a document or ImportProblem, whose messages can always be shown."""
    try:
        validate_export(data)
    except ImportProblem as problem:
        assert 1 <= len(problem.problems) <= 21
        for message in problem.problems:
            message.encode("utf-8")  # no lone surrogate reaches the page
            assert "\x00" not in message


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_any_json_is_checked_without_crashing(value: object) -> None:
    check_never_crashes(value)
    check_never_crashes({"format": EXPORT_FORMAT, "version": 1, "rounds": value})


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_any_single_change_to_a_good_file_is_checked_without_crashing(
    data: st.DataObject,
) -> None:
    document = valid_export()
    path = data.draw(st.sampled_from(paths(document)[1:]))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(JSON_VALUES)
    check_never_crashes(document)
