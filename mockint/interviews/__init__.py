"""A friend as interviewer: set up, share a link, run it live, sum it up.

One blueprint for the journey; the candidate's views live in `setup`, the
interviewer's in `conduct`, and what both screens share (the link exchange,
the live state, the summary and the printable sheet) in `shared`.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("interviews", __name__)


def register_views() -> None:
    """Import the view modules so their routes attach to the blueprint."""
    from mockint.interviews import conduct, recordings, setup, shared  # noqa: F401
