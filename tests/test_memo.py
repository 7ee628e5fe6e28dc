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
