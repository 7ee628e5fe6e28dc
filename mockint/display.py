"""Jinja filters and globals that format numbers, times and charts for people."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from mockint.charts import points_attr, sparkline
from mockint.identity import current_zone
from mockint.models import LEVEL_LABELS, RATING_LABELS, utcnow

KIND_LABELS = {
    "background": "Background",
    "behavioral": "Behavioral",
    "situational": "Situational",
    "technical": "Technical",
}
DIFFICULTY_LABELS = {1: "Easy", 2: "Medium", 3: "Hard"}
CATEGORY_LABELS = {
    "new": "New",
    "shaky": "Shaky",
    "learning": "Learning",
    "solid": "Solid",
}


def duration(seconds: float | None) -> str:
    """Format seconds as m:ss (or h:mm:ss)."""
    if seconds is None:
        return "–"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def when(moment: datetime | None) -> str:
    """Format a timestamp as a date and time in the user's zone."""
    if moment is None:
        return "–"
    local = moment.astimezone(current_zone())
    return local.strftime("%d %b %Y, %H:%M")


def local_date(moment: datetime | None) -> str:
    """Format a timestamp as a date in the user's zone."""
    if moment is None:
        return "–"
    return moment.astimezone(current_zone()).strftime("%d %b %Y")


def due_label(moment: datetime) -> str:
    """Say when a card is due: overdue, today, tomorrow or the date."""
    zone = current_zone()
    today = utcnow().astimezone(zone).date()
    day = moment.astimezone(zone).date()
    if day < today:
        return "overdue"
    if day == today:
        return "today"
    if (day - today).days == 1:
        return "tomorrow"
    return day.strftime("%d %b %Y")


def rating_word(rating: int) -> str:
    """The word for a rating, e.g. 2 -> Shaky."""
    return RATING_LABELS.get(int(rating), str(rating))


def init_app(app: Flask) -> None:
    """Register the filters and label tables."""
    for function in (duration, when, local_date, due_label, rating_word):
        app.add_template_filter(function)
    app.jinja_env.globals.update(
        RATING_LABELS=RATING_LABELS,
        LEVEL_LABELS=LEVEL_LABELS,
        KIND_LABELS=KIND_LABELS,
        DIFFICULTY_LABELS=DIFFICULTY_LABELS,
        CATEGORY_LABELS=CATEGORY_LABELS,
        sparkline=sparkline,
        points_attr=points_attr,
    )
