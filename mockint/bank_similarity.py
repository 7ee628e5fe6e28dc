"""Which questions read almost alike: within a field, and across fields.

The rule is difflib's ratio of the texts lowercased, with punctuation dropped and
white space folded. Used by the bank checker and when a user adds a question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

from rapidfuzz import fuzz

# Two questions in one field at least this similar are near-duplicates.
NEAR_DUPLICATE_RATIO = 0.9
# Across fields the bar is lower: a person judges each pair, and pairs meant to
# be alike are recorded in the banks' allow-list.
ACROSS_FIELDS_RATIO = 0.8


class Text(Protocol):
    """A question as far as similarity cares: an id and a text."""

    key: str
    text: str


class Field(Protocol):
    """A bank as far as similarity cares."""

    @property
    def questions(self) -> Iterable[Text]: ...

    @property
    def path(self) -> object: ...


def normalise_text(text: str) -> str:
    """Lowercase, drop punctuation and fold white space, for comparing texts."""
    return " ".join(re.sub(r"[^a-z0-9\s]", "", text.lower()).split())


def similarity(a: str, b: str, at_least: float) -> float | None:
    """The ratio of two normalised texts if it reaches `at_least`, else None.

    difflib's ratio never exceeds the ratio of the longest common subsequence
    (its matching blocks are one common subsequence), which rapidfuzz computes
    in C: that bound leaves the slow exact ratio for the few pairs that could
    reach the bar (all 1,089 bank questions against each other: 0.4 s).
    """
    if not fuzz.ratio(a, b, score_cutoff=at_least * 100):
        return None
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if (
        matcher.real_quick_ratio() >= at_least
        and matcher.quick_ratio() >= at_least
        and (ratio := matcher.ratio()) >= at_least
    ):
        return ratio
    return None


@dataclass(frozen=True)
class _Prepared:
    key: str
    text: str


def _prepared(questions: Iterable[Text]) -> list[_Prepared]:
    items = [_Prepared(q.key, normalise_text(q.text)) for q in questions]
    return sorted(items, key=lambda item: len(item.text))


def _pairs(
    left: list[_Prepared], right: list[_Prepared], at_least: float
) -> Iterator[tuple[str, str, float]]:
    """Pairs at `at_least` or more; both lists sorted by length (a cheap bound)."""
    shortest = at_least / (2 - at_least)  # the length ratio the bar allows
    for a in left:
        size = len(a.text)
        for b in right:
            other = len(b.text)
            if other < size * shortest:
                continue
            if other * shortest > size:
                break  # right is sorted: every later text is longer still
            if a.key != b.key and (ratio := similarity(a.text, b.text, at_least)):
                yield a.key, b.key, ratio


def near_duplicates_within(
    questions: Iterable[Text],
) -> Iterator[tuple[str, str, float]]:
    """(earlier id, later id, ratio) for each pair in one field at 0.9 or more."""
    questions = list(questions)
    order = {question.key: index for index, question in enumerate(questions)}
    texts = _prepared(questions)
    for index, item in enumerate(texts):
        for key_a, key_b, ratio in _pairs(
            [item], texts[index + 1 :], at_least=NEAR_DUPLICATE_RATIO
        ):
            if order[key_a] > order[key_b]:
                key_a, key_b = key_b, key_a
            yield key_a, key_b, ratio


def near_duplicates_across(
    banks: list[Field], allowed: set[frozenset[str]]
) -> Iterator[tuple[str, str]]:
    """(file, problem) for each cross-field pair at 0.8 or more not allowed."""
    texts = [(bank, _prepared(bank.questions)) for bank in banks]
    for index, (bank, mine) in enumerate(texts):
        for other, theirs in texts[index + 1 :]:
            for key_a, key_b, ratio in _pairs(mine, theirs, ACROSS_FIELDS_RATIO):
                if frozenset((key_a, key_b)) not in allowed:
                    yield (
                        other.path.name,  # type: ignore[attr-defined]
                        f"{key_b}: reads like {key_a} in {bank.path.name} "  # type: ignore[attr-defined]
                        f"(similarity {ratio:.2f}); reword it, or record the pair in "
                        "similar-allowed.toml if they are meant to be alike",
                    )
