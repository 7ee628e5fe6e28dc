"""Question banks: reading, checking and syncing the TOML files in questions/."""

from __future__ import annotations

import re
import statistics
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from mockint.bank_similarity import (
    near_duplicates_across,
    near_duplicates_within,
)

# Guidance points that are things to avoid, not things to cover.
WARNING_PREFIXES = ("Red flag:", "Common mistake:")

KINDS = ("background", "behavioral", "situational", "technical")
# Career stage a question is asked at, independent of its difficulty.
LEVELS = ("entry", "experienced", "manager")
GROUPS = (
    "Technology",
    "Business",
    "Care and education",
    "Service and operations",
    "Everyone",
)
FIELD_KEYS = {"slug", "name", "id_prefix", "description", "group"}
QUESTION_KEYS = {
    "id",
    "text",
    "kind",
    "level",
    "difficulty",
    "target_seconds",
    "guidance",
    "follow_ups",
}
OPTIONAL_QUESTION_KEYS = {"aliases"}
SLUG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PREFIX_PATTERN = re.compile(r"[a-z][a-z0-9]{0,15}")
ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+")
MAX_ID_LENGTH = 80
MAX_TEXT_LENGTH = 1000
MAX_POINT_LENGTH = 400
GUIDANCE_POINTS = (2, 5)
FOLLOW_UPS = (2, 4)
TARGET_SECONDS = (15, 1800)
DIFFICULTIES = (1, 2, 3)
# Pairs of questions in different fields meant to read alike (curated).
ALLOWED_SIMILAR_FILE = "similar-allowed.toml"
# Kept for the personal "My questions" field (mockint.own_questions).
PERSONAL_FIELD_SLUG = "my-questions"
PERSONAL_ID_PREFIX = "my"


@dataclass(frozen=True)
class BankQuestion:
    """A question as written in a bank file."""

    key: str
    text: str
    kind: str
    difficulty: int
    target_seconds: int
    guidance: str
    follow_ups: tuple[str, ...]
    level: str = "experienced"
    # Former ids of a question moved here from another field: history follows.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bank:
    """One field's bank file, checked."""

    path: Path
    slug: str
    name: str
    description: str
    id_prefix: str
    questions: tuple[BankQuestion, ...]
    group: str = "Everyone"


class BankError(Exception):
    """The banks have problems; nothing was imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class _Checker:
    """Collects every problem in a set of bank files."""

    problems: list[str] = field(default_factory=list)

    def report(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")


def allowed_pairs(path: Path, check: _Checker) -> set[frozenset[str]]:
    """The pairs of question ids meant to read alike, from the curated list."""
    if not path.exists():
        return set()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        check.report(path.name, f"invalid TOML: {error}")
        return set()
    pairs = set()
    for number, pair in enumerate(data.get("pairs", []), start=1):
        if not isinstance(pair, dict) or not all(
            isinstance(pair.get(key), str) and pair.get(key)
            for key in ("a", "b", "why")
        ):
            check.report(path.name, f"pair #{number}: needs a, b and why")
            continue
        pairs.add(frozenset((pair["a"], pair["b"])))
    return pairs


def bank_files(path: Path) -> list[Path]:
    """Return the bank files at path: the file itself, or a folder's *.toml."""
    if path.is_dir():
        return sorted(
            p
            for p in path.glob("*.toml")
            if p.is_file() and p.name != ALLOWED_SIMILAR_FILE
        )
    return [path]


def guidance_points(guidance: str) -> list[str]:
    """Split guidance into its points (lines starting with '- ')."""
    return [
        line.strip()[2:].strip()
        for line in guidance.strip().splitlines()
        if line.strip().startswith("- ")
    ]


def strong_points(points: list[str]) -> list[tuple[int, str]]:
    """What a strong answer covers: the guidance points that are not warnings,
    with their index among all points (how interview scores refer to them)."""
    return [
        (index, point)
        for index, point in enumerate(points)
        if not point.startswith(WARNING_PREFIXES)
    ]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_field(raw: object, where: str, check: _Checker) -> dict[str, str] | None:
    if not isinstance(raw, dict):
        check.report(
            where, "missing [field] table with slug, name, id_prefix, description"
        )
        return None
    ok = True
    for key in sorted(FIELD_KEYS - raw.keys()):
        check.report(where, f"[field]: missing key '{key}'")
        ok = False
    for key in sorted(raw.keys() - FIELD_KEYS):
        check.report(where, f"[field]: unknown key '{key}'")
        ok = False
    for key in sorted(FIELD_KEYS & raw.keys()):
        if not isinstance(raw[key], str) or not raw[key].strip():
            check.report(where, f"[field]: '{key}' must be a non-empty string")
            ok = False
    if not ok:
        return None
    if not SLUG_PATTERN.fullmatch(raw["slug"]):
        check.report(
            where, f"[field]: slug '{raw['slug']}' must be lowercase-with-hyphens"
        )
        ok = False
    if not PREFIX_PATTERN.fullmatch(raw["id_prefix"]):
        check.report(
            where,
            f"[field]: id_prefix '{raw['id_prefix']}' must be a lowercase word "
            "of at most 16 letters and digits",
        )
        ok = False
    if raw["group"] not in GROUPS:
        check.report(
            where, f"[field]: group {raw['group']!r} must be one of {', '.join(GROUPS)}"
        )
        ok = False
    if raw["slug"] == PERSONAL_FIELD_SLUG or raw["id_prefix"] == PERSONAL_ID_PREFIX:
        check.report(
            where,
            f"[field]: slug '{raw['slug']}' or id_prefix '{raw['id_prefix']}' is "
            "reserved for users' own questions (My questions); choose another",
        )
        ok = False
    return raw if ok else None


def _check_question(  # noqa: C901 - one flat list of rules reads best here
    raw: object, where: str, label: str, prefix: str | None, check: _Checker
) -> BankQuestion | None:
    if not isinstance(raw, dict):
        check.report(where, f"{label}: must be a table")
        return None
    problems_before = len(check.problems)

    def bad(problem: str) -> None:
        check.report(where, f"{label}: {problem}")

    for key in sorted(QUESTION_KEYS - raw.keys()):
        bad(f"missing key '{key}'")
    for key in sorted(raw.keys() - QUESTION_KEYS - OPTIONAL_QUESTION_KEYS):
        bad(f"unknown key '{key}'")

    key = raw.get("id")
    if "id" in raw:
        if not isinstance(key, str):
            bad("'id' must be a string")
        elif len(key) > MAX_ID_LENGTH or not ID_PATTERN.fullmatch(key):
            bad(
                f"id '{key}' must be lowercase words joined by hyphens "
                f"(at most {MAX_ID_LENGTH} characters)"
            )
        elif prefix and not key.startswith(prefix + "-"):
            bad(f"id '{key}' must start with the field's id_prefix '{prefix}-'")
    text = raw.get("text")
    if "text" in raw:
        if not isinstance(text, str):
            bad("'text' must be a string")
        elif not text.strip():
            bad("'text' is empty")
        elif len(text) > MAX_TEXT_LENGTH:
            bad(f"'text' is longer than {MAX_TEXT_LENGTH} characters")
    kind = raw.get("kind")
    if "kind" in raw and kind not in KINDS:
        bad(f"kind {kind!r} must be one of {', '.join(KINDS)}")
    difficulty = raw.get("difficulty")
    if "difficulty" in raw:
        if not _is_int(difficulty):
            bad("'difficulty' must be a whole number")
        elif difficulty not in DIFFICULTIES:
            bad(f"difficulty {difficulty} must be 1 (easy), 2 or 3 (hard)")
    target = raw.get("target_seconds")
    if "target_seconds" in raw:
        low, high = TARGET_SECONDS
        if not _is_int(target):
            bad("'target_seconds' must be a whole number")
        elif not low <= target <= high:
            bad(f"target_seconds {target} must be between {low} and {high}")
    guidance = raw.get("guidance")
    if "guidance" in raw:
        if not isinstance(guidance, str):
            bad("'guidance' must be a string")
        else:
            lines = [line.strip() for line in guidance.strip().splitlines()]
            points = [line for line in lines if line]
            low, high = GUIDANCE_POINTS
            if not all(line.startswith("- ") and line[2:].strip() for line in points):
                bad("every guidance line must be a point starting with '- '")
            elif not low <= len(points) <= high:
                bad(f"guidance has {len(points)} points; write {low} to {high}")
            elif any(len(line) > MAX_POINT_LENGTH for line in points):
                bad(f"a guidance point is longer than {MAX_POINT_LENGTH} characters")
    level = raw.get("level")
    if "level" in raw and level not in LEVELS:
        bad(f"level {level!r} must be one of {', '.join(LEVELS)}")
    follow_ups = raw.get("follow_ups", [])
    low, high = FOLLOW_UPS
    if not isinstance(follow_ups, list) or not all(
        isinstance(item, str) and item.strip() for item in follow_ups
    ):
        bad("'follow_ups' must be a list of non-empty strings")
    elif "follow_ups" in raw and not low <= len(follow_ups) <= high:
        bad(f"'follow_ups' must hold {low} to {high} questions")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(
        isinstance(alias, str) and ID_PATTERN.fullmatch(alias) and alias != key
        for alias in aliases
    ):
        bad("'aliases' must be a list of former ids (lowercase-with-hyphens)")

    if len(check.problems) > problems_before:
        return None
    return BankQuestion(
        key=key,
        text=text.strip(),
        kind=kind,
        difficulty=difficulty,
        target_seconds=target,
        guidance=guidance.strip(),
        follow_ups=tuple(item.strip() for item in follow_ups),
        level=level,
        aliases=tuple(aliases),
    )


def _check_near_duplicates(bank: Bank, check: _Checker) -> None:
    for key_a, key_b, ratio in near_duplicates_within(bank.questions):
        check.report(
            bank.path.name,
            f"{key_b}: near-duplicate of {key_a} (similarity {ratio:.2f})",
        )


def _read_bank(path: Path, check: _Checker) -> Bank | None:
    where = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        check.report(str(path), "no such file")
        return None
    except UnicodeDecodeError as error:
        check.report(where, f"not UTF-8 text ({error.reason} at byte {error.start})")
        return None
    except tomllib.TOMLDecodeError as error:
        check.report(where, f"invalid TOML: {error}")
        return None
    for key in sorted(data.keys() - {"field", "questions"}):
        check.report(where, f"unknown top-level key '{key}'")
    meta = _check_field(data.get("field"), where, check)
    prefix = meta["id_prefix"] if meta else None
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        check.report(where, "no [[questions]] found")
        return None
    questions: list[BankQuestion] = []
    for number, raw in enumerate(raw_questions, start=1):
        raw_id = raw.get("id") if isinstance(raw, dict) else None
        label = raw_id if isinstance(raw_id, str) and raw_id else f"question #{number}"
        question = _check_question(raw, where, label, prefix, check)
        if question:
            questions.append(question)
    if meta is None or len(questions) != len(raw_questions):
        return None
    return Bank(
        path=path,
        slug=meta["slug"],
        name=meta["name"].strip(),
        description=meta["description"].strip(),
        id_prefix=prefix,
        questions=tuple(questions),
        group=meta["group"],
    )


def load_banks(path: Path) -> list[Bank]:
    """Read and check every bank at path; raise BankError listing all problems."""
    check = _Checker()
    files = bank_files(path)
    if not files:
        raise BankError([f"{path}: no .toml bank files found"])
    banks = [bank for file in files if (bank := _read_bank(file, check))]
    _check_across_files(files, check)
    for bank in banks:
        _check_near_duplicates(bank, check)
    allowed_file = (path if path.is_dir() else path.parent) / ALLOWED_SIMILAR_FILE
    for problem in near_duplicates_across(banks, allowed_pairs(allowed_file, check)):
        check.report(*problem)
    if check.problems:
        raise BankError(check.problems)
    return banks


def _check_across_files(files: list[Path], check: _Checker) -> None:
    """Report ids, slugs and prefixes used more than once, even in broken files."""
    seen_ids: dict[str, str] = {}
    seen_slugs: dict[str, str] = {}
    seen_prefixes: dict[str, str] = {}
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue  # already reported
        meta = data.get("field")
        if isinstance(meta, dict):
            for key, seen in (("slug", seen_slugs), ("id_prefix", seen_prefixes)):
                value = meta.get(key)
                if isinstance(value, str) and value:
                    if value in seen:
                        check.report(
                            path.name,
                            f"[field]: {key} '{value}' is also used in {seen[value]}",
                        )
                    else:
                        seen[value] = path.name
        questions = data.get("questions")
        if not isinstance(questions, list):
            continue
        for raw in questions:
            key = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(key, str) or not key:
                continue
            aliases = raw.get("aliases", [])
            names = (
                [key] + [a for a in aliases if isinstance(a, str)]
                if isinstance(aliases, list)
                else [key]
            )
            for name in names:
                if name in seen_ids:
                    other = seen_ids[name]
                    place = (
                        "earlier in this file" if other == path.name else f"in {other}"
                    )
                    what = "duplicate id" if name == key else f"alias {name} is taken"
                    check.report(path.name, f"{key}: {what} (also {place})")
                else:
                    seen_ids[name] = path.name


@dataclass(frozen=True)
class FieldStats:
    """Numbers that describe one field's bank."""

    slug: str
    name: str
    questions: int
    kinds: dict[str, int]
    levels: dict[str, int]
    difficulty: dict[int, int]
    median_target_seconds: float
    with_follow_ups: float
    with_guidance: int


def bank_stats(banks: list[Bank]) -> list[FieldStats]:
    """Summarise each bank for `banks stats`."""
    stats = []
    for bank in banks:
        questions = bank.questions
        kinds = Counter(q.kind for q in questions)
        levels = Counter(q.level for q in questions)
        difficulty = Counter(q.difficulty for q in questions)
        stats.append(
            FieldStats(
                slug=bank.slug,
                name=bank.name,
                questions=len(questions),
                kinds={kind: kinds.get(kind, 0) for kind in KINDS},
                levels={level: levels.get(level, 0) for level in LEVELS},
                difficulty={level: difficulty.get(level, 0) for level in DIFFICULTIES},
                median_target_seconds=statistics.median(
                    q.target_seconds for q in questions
                ),
                with_follow_ups=round(
                    sum(1 for q in questions if q.follow_ups) / len(questions), 3
                ),
                with_guidance=sum(1 for q in questions if guidance_points(q.guidance)),
            )
        )
    return stats
