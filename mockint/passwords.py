"""What makes a password acceptable: long enough, not common, not the username."""

from __future__ import annotations

from functools import cache

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, lowercased.

    From zxcvbn's frequency lists (MIT licence), built from leaked password sets.
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why the password would be easy to guess, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if len(password.strip()) < MIN_LENGTH or len(set(password)) < 3:
        return "Use a password that is not mostly spaces or one repeated character."
    lowered = password.lower()
    if username and username.strip().lower() in (lowered, lowered[::-1]):
        return "Your password must not be your username."
    if lowered in common_passwords():
        return (
            "That password is among the 30,000 most common ones, which attackers "
            "try first. Choose another: a few unrelated words make a strong one."
        )
    return None
