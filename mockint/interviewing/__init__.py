"""Mock interviews with a friend, as plain modules the views call.

- `questions`: choosing the questions, creating an interview, hand-picking.
- `links`: interviewer links (stored as hashes) and the grants they give.
- `live`: the state of a running interview and the changes made to it.
- `results`: self-ratings, calibration and what interviewers saw.

The state of a running interview lives in its database row, so every app
process serves both screens the same state. Each change increments the row's
`version` with a compare-and-set, which both orders concurrent changes (two
interviewer tabs) and tells polling screens whether anything moved.
"""

from __future__ import annotations


class StaleVersion(Exception):
    """The interview changed since the screen making this change last saw it."""


class NotAllowedNow(Exception):
    """The change does not fit the interview's current status."""
