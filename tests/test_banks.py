"""The bank loader: every malformed case is reported, and nothing is imported."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from mockint.banks import (
    KINDS,
    LEVELS,
    BankError,
    bank_stats,
    guidance_points,
    load_banks,
)
from mockint.config import PROJECT_ROOT

from support import FIELD, GOOD_QUESTION, question, write_bank


def problems_for(tmp_path: Path, body: str) -> list[str]:
    """Load one bank file and return the problems reported."""
    write_bank(tmp_path, "bank.toml", body)
    with pytest.raises(BankError) as caught:
        load_banks(tmp_path)
    return caught.value.problems


def test_good_bank_loads(tmp_path: Path) -> None:
    write_bank(tmp_path, "bank.toml", FIELD + GOOD_QUESTION)
    [bank] = load_banks(tmp_path)
    assert bank.slug == "test-field"
    assert bank.questions[0].key == "tt-good"
    assert bank.questions[0].level == "experienced"
    assert bank.group == "Everyone"
    assert bank.questions[0].follow_ups == (
        "What would you change?",
        "Who else made it work?",
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"text": '""'}, "bank.toml: tt-q: 'text' is empty"),
        ({"text": '"   "'}, "bank.toml: tt-q: 'text' is empty"),
        ({"text": None}, "bank.toml: tt-q: missing key 'text'"),
        ({"kind": '"riddle"'}, "bank.toml: tt-q: kind 'riddle' must be one of"),
        ({"difficulty": "4"}, "bank.toml: tt-q: difficulty 4 must be 1 (easy)"),
        ({"difficulty": '"2"'}, "bank.toml: tt-q: 'difficulty' must be a whole number"),
        (
            {"difficulty": "true"},
            "bank.toml: tt-q: 'difficulty' must be a whole number",
        ),
        ({"target_seconds": "5"}, "bank.toml: tt-q: target_seconds 5 must be between"),
        ({"target_seconds": "9000"}, "bank.toml: tt-q: target_seconds 9000 must be"),
        (
            {"target_seconds": "1.5"},
            "bank.toml: tt-q: 'target_seconds' must be a whole",
        ),
        ({"colour": '"red"'}, "bank.toml: tt-q: unknown key 'colour'"),
        ({"guidance": '"Just be good."'}, "bank.toml: tt-q: every guidance line must"),
        ({"guidance": '"- only one point"'}, "bank.toml: tt-q: guidance has 1 points"),
        (
            {"follow_ups": '"not a list"'},
            "bank.toml: tt-q: 'follow_ups' must be a list",
        ),
        ({"follow_ups": '[""]'}, "bank.toml: tt-q: 'follow_ups' must be a list"),
        ({"follow_ups": "[]"}, "bank.toml: tt-q: 'follow_ups' must hold 2 to 4"),
        ({"follow_ups": '["Why?"]'}, "bank.toml: tt-q: 'follow_ups' must hold 2 to 4"),
        ({"follow_ups": None}, "bank.toml: tt-q: missing key 'follow_ups'"),
        ({"level": None}, "bank.toml: tt-q: missing key 'level'"),
        ({"level": '"senior"'}, "bank.toml: tt-q: level 'senior' must be one of"),
        ({"aliases": '["Not An Id"]'}, "bank.toml: tt-q: 'aliases' must be a list"),
        ({"id": '"TT Q"'}, "bank.toml: TT Q: id 'TT Q' must be lowercase words"),
        ({"id": '"xx-q"'}, "bank.toml: xx-q: id 'xx-q' must start with the field's"),
        ({"id": None}, "bank.toml: question #1: missing key 'id'"),
    ],
)
def test_malformed_question_is_named(
    tmp_path: Path, overrides: dict[str, object], expected: str
) -> None:
    problems = problems_for(tmp_path, FIELD + question(**overrides))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    problems = problems_for(tmp_path, FIELD + '\n[[questions]]\nid = "tt-x\n')
    assert len(problems) == 1
    assert problems[0].startswith("bank.toml: invalid TOML:")
    assert "line 10" in problems[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (GOOD_QUESTION, "bank.toml: missing [field] table"),
        (
            FIELD.replace('id_prefix = "tt"\n', "") + GOOD_QUESTION,
            "missing key 'id_prefix'",
        ),
        (
            FIELD.replace("test-field", "Test Field") + GOOD_QUESTION,
            "slug 'Test Field'",
        ),
        (FIELD + "extra = 1\n" + GOOD_QUESTION, "[field]: unknown key 'extra'"),
        (FIELD, "bank.toml: no [[questions]] found"),
    ],
)
def test_malformed_field_is_named(tmp_path: Path, body: str, expected: str) -> None:
    problems = problems_for(tmp_path, body)
    assert any(expected in problem for problem in problems), problems


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    body = FIELD + question(id='"tt-a"', text='""') + question(id='"tt-b"', kind='"x"')
    problems = problems_for(tmp_path, body)
    assert any(p.startswith("bank.toml: tt-a:") for p in problems)
    assert any(p.startswith("bank.toml: tt-b:") for p in problems)


def test_duplicate_ids_within_and_across_files(tmp_path: Path) -> None:
    write_bank(tmp_path, "a.toml", FIELD + GOOD_QUESTION + GOOD_QUESTION)
    other_field = FIELD.replace("test-field", "other").replace('"tt"', '"tt"')
    write_bank(tmp_path, "b.toml", other_field + GOOD_QUESTION)
    with pytest.raises(BankError) as caught:
        load_banks(tmp_path)
    problems = caught.value.problems
    assert "a.toml: tt-good: duplicate id (also earlier in this file)" in problems
    assert "b.toml: tt-good: duplicate id (also in a.toml)" in problems
    assert "b.toml: [field]: id_prefix 'tt' is also used in a.toml" in problems


def test_near_duplicate_questions_are_flagged(tmp_path: Path) -> None:
    body = (
        FIELD
        + question(id='"tt-a"', text='"Tell me about the hardest bug you have fixed."')
        + question(id='"tt-b"', text='"Tell me about the hardest bug you\'ve fixed!"')
        + question(
            id='"tt-c"', text='"Tell me about a time you disagreed with a boss."'
        )
    )
    problems = problems_for(tmp_path, body)
    assert len(problems) == 1
    assert problems[0].startswith("bank.toml: tt-b: near-duplicate of tt-a")


def test_shipped_banks_pass_check() -> None:
    banks = load_banks(PROJECT_ROOT / "questions")
    assert len(banks) >= 4
    assert all(len(bank.questions) >= 15 for bank in banks)


def test_stats_describe_each_bank() -> None:
    [stats] = bank_stats(
        load_banks(Path(__file__).parent / "data" / "banks" / "beta.toml")
    )
    assert stats.questions == 2
    assert stats.kinds == {
        "background": 1,
        "behavioral": 0,
        "situational": 0,
        "technical": 1,
    }
    assert stats.median_target_seconds == 105
    assert stats.with_follow_ups == 1.0
    assert stats.levels == {"entry": 1, "experienced": 1, "manager": 0}


def test_shipped_banks_meet_the_promised_breadth() -> None:
    """28+ fields, 30+ questions each, every kind and difficulty, guided."""
    banks = load_banks(PROJECT_ROOT / "questions")
    assert len(banks) >= 28
    assert sum(len(bank.questions) for bank in banks) >= 1000
    for bank in banks:
        questions = bank.questions
        assert len(questions) >= 30, bank.slug
        assert {q.kind for q in questions} == set(KINDS), bank.slug
        assert {q.difficulty for q in questions} == {1, 2, 3}, bank.slug
        assert all(2 <= len(guidance_points(q.guidance)) <= 5 for q in questions)
        assert all(2 <= len(q.follow_ups) <= 4 for q in questions), bank.slug


def test_banks_stats_json_reports_levels_per_field(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["banks", "stats", "--json", str(PROJECT_ROOT / "questions")]
    )
    assert result.exit_code == 0, result.output
    stats = {row["slug"]: row for row in json.loads(result.output)}
    assert len(stats) >= 28
    for slug, row in stats.items():
        assert sum(row["levels"].values()) == row["questions"], slug
        assert row["with_follow_ups"] == 1.0, slug
    assert stats["graduate-entry-level"]["levels"]["entry"] >= 20


def test_shipped_target_times_fit_the_kind() -> None:
    """A quick background question is not given a design exercise's time."""
    for bank in load_banks(PROJECT_ROOT / "questions"):
        for q in bank.questions:
            if q.kind == "background" and q.difficulty == 1:
                assert q.target_seconds <= 180, q.key


def _other_field(body: str) -> str:
    return (
        FIELD.replace('"test-field"', '"other-field"')
        .replace('"tt"', '"ot"')
        .replace("Test Field", "Other Field")
        + body
    )


def test_a_field_needs_a_known_group(tmp_path: Path) -> None:
    body = FIELD.replace('group = "Everyone"', 'group = "Misc"') + GOOD_QUESTION
    problems = problems_for(tmp_path, body)
    assert any("group 'Misc' must be one of" in p for p in problems)


def test_near_duplicates_across_fields_need_a_person_to_allow_them(
    tmp_path: Path,
) -> None:
    first = question(
        id='"tt-phish"', text='"A user clicked a phishing link: now what?"'
    )
    second = question(
        id='"ot-phish"', text='"A user clicked a phishing link. Now what?"'
    )
    write_bank(tmp_path, "a.toml", FIELD + first)
    write_bank(tmp_path, "b.toml", _other_field(second))
    with pytest.raises(BankError) as caught:
        load_banks(tmp_path)
    [problem] = caught.value.problems
    assert problem.startswith("b.toml: ot-phish: reads like tt-phish in a.toml")
    write_bank(
        tmp_path,
        "similar-allowed.toml",
        '[[pairs]]\na = "tt-phish"\nb = "ot-phish"\nwhy = "Asked in both roles."\n',
    )
    assert len(load_banks(tmp_path)) == 2  # the allow-list is not a bank


def test_an_alias_may_not_shadow_another_id(tmp_path: Path) -> None:
    body = (
        FIELD
        + question(id='"tt-one"')
        + question(id='"tt-two"', text='"Another question?"', aliases='["tt-one"]')
    )
    problems = problems_for(tmp_path, body)
    assert any("tt-two: alias tt-one is taken" in p for p in problems)


def test_every_shipped_field_has_each_level_and_two_follow_ups() -> None:
    """Six questions or more of each level (Graduate is mostly entry)."""
    for bank in load_banks(PROJECT_ROOT / "questions"):
        levels = Counter(q.level for q in bank.questions)
        if bank.slug != "graduate-entry-level":
            assert all(levels[level] >= 6 for level in LEVELS), (bank.slug, levels)
        assert all(len(q.follow_ups) >= 2 for q in bank.questions), bank.slug
