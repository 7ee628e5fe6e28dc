"""The bounded memo keeps at most its limit of entries."""

from __future__ import annotations

from mockint.memo import Remembered


def test_remembered_forgets_everything_at_its_limit() -> None:
    memo: Remembered[int, str] = Remembered(limit=3)
    for number in range(3):
        assert memo.remember(number, str(number)) == str(number)
    assert dict(memo) == {0: "0", 1: "1", 2: "2"}
    memo.remember(3, "3")  # a fourth: the first three go
    assert dict(memo) == {3: "3"}


def test_made_makes_once_per_key_and_afresh_for_unhashable_keys() -> None:
    memo: Remembered[object, int] = Remembered(limit=10)
    calls = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    assert memo.made("a", make) == 1
    assert memo.made("a", make) == 1
    assert memo.made("b", make) == 2
    assert memo.made(("c", [1]), make) == 3  # a list in the key: not kept
    assert memo.made(("c", [1]), make) == 4
    assert len(memo) == 2
