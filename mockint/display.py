"""Jinja filters and globals that format numbers, times and charts for people."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, g, request
from markupsafe import Markup, escape

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


def _zone() -> ZoneInfo:
    """The profile's zone, looked up once per request: a page of 25 questions
    formats 50 dates, and each lookup goes through the login machinery."""
    # Keyed by the request: an app context (and its g) can outlive one.
    this_request = request._get_current_object()
    cached = g.get("display_zone")
    if cached is None or cached[0] is not this_request:
        cached = g.display_zone = (this_request, current_zone())
    return cached[1]


def when(moment: datetime | None) -> str:
    """Format a timestamp as a date and time in the user's zone."""
    if moment is None:
        return "–"
    local = moment.astimezone(_zone())
    return local.strftime("%d %b %Y, %H:%M")


def local_date(moment: datetime | None) -> str:
    """Format a timestamp as a date in the user's zone."""
    if moment is None:
        return "–"
    return moment.astimezone(_zone()).strftime("%d %b %Y")


def due_label(moment: datetime) -> str:
    """Say when a card is due: overdue, today, tomorrow or the date."""
    zone = _zone()
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


def sparkline_svg(values: list[int]) -> Markup:
    """A tiny SVG of recent ratings, oldest first, with the ratings as its label.

    Built here rather than in a macro: the review page shows 25 of them, and a
    macro escaping every coordinate took a third of the page's time.
    """
    points = sparkline(values)
    words = ", ".join(rating_word(value) for value in values)
    dots = "".join(
        f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="2.5" class="dot-{int(p.value)}"/>'
        for p in points
    )
    return Markup(
        '<svg class="sparkline" width="72" height="22" viewBox="0 0 72 22" '
        f'role="img" aria-label="Recent ratings, oldest first: {escape(words)}">'
        f'<polyline points="{points_attr(points)}" fill="none"/>{dots}</svg>'
    )


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
        sparkline_svg=sparkline_svg,
        points_attr=points_attr,
    )
