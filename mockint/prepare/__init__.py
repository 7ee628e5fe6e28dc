"""Between interviews: my own questions, debriefs of real interviews, and plans.

One blueprint for the journey; its views live in one module per area
(`questions`, `debriefs`, `plans`), each importing `bp` from here.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("prepare", __name__)


def register_views() -> None:
    """Import the view modules so their routes attach to the blueprint."""
    from mockint.prepare import debriefs, plans, questions  # noqa: F401
