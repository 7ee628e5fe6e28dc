"""Jinja filters that format numbers and times for people."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from mockint.models import RATING_LABELS

KIND_LABELS = {
    "background": "Background",
    "behavioral": "Behavioral",
    "situational": "Situational",
    "technical": "Technical",
}
DIFFICULTY_LABELS = {1: "Easy", 2: "Medium", 3: "Hard"}


def duration(seconds: float | None) -> str:
    """Format seconds as m:ss (or h:mm:ss)."""
    if seconds is None:
        return "–"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def when(moment: datetime | None) -> str:
    """Format a timestamp as a short date and time."""
    if moment is None:
        return "–"
    return moment.strftime("%d %b %Y, %H:%M UTC")


def init_app(app: Flask) -> None:
    """Register the filters and label tables."""
    app.add_template_filter(duration)
    app.add_template_filter(when)
    app.jinja_env.globals.update(
        RATING_LABELS=RATING_LABELS,
        KIND_LABELS=KIND_LABELS,
        DIFFICULTY_LABELS=DIFFICULTY_LABELS,
    )
