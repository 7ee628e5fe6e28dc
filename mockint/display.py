"""Jinja filters and globals that format numbers, times and charts for people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, request
from jinja2.runtime import Macro
from markupsafe import Markup, escape

from mockint.catalogue import FieldEntry, QuestionEntry
from mockint.charts import (
    CalendarCell,
    LineChart,
    calendar_cells,
    points_attr,
    rating_lines,
    sparkline,
    waveform_bars,
)
from mockint.identity import current_zone
from mockint.memo import Remembered
from mockint.models import LEVEL_LABELS, RATING_LABELS, utcnow
from mockint.recordings import MAX_RECORDING_BYTES, MAX_RECORDING_SECONDS, megabytes
from mockint.rounds import FieldSummary
from mockint.widgets import radio_options

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from mockint.models import Question
    from mockint.progress import FieldTrend, PracticeCalendar, WeakQuestion

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


def _zone_and_today() -> tuple[ZoneInfo, date]:
    """The profile's zone and today's date there, looked up once per request: a
    page of 25 questions formats 50 dates, and each zone lookup goes through the
    login machinery."""
    # Keyed by the request: an app context (and its g) can outlive one.
    this_request = request._get_current_object()
    cached = g.get("display_zone")
    if cached is None or cached[0] is not this_request:
        zone = current_zone()
        cached = (this_request, zone, utcnow().astimezone(zone).date())
        g.display_zone = cached
    return cached[1], cached[2]


def _zone() -> ZoneInfo:
    """The profile's zone (see `_zone_and_today`)."""
    return _zone_and_today()[0]


def when(moment: datetime | None) -> str:
    """Format a timestamp as a date and time in the user's zone."""
    if moment is None:
        return "–"
    local = moment.astimezone(_zone())
    return local.strftime("%d %b %Y, %H:%M")


def ago(moment: datetime) -> str:
    """How long ago, in the words people use: "today", "3 weeks ago"."""
    zone, today = _zone_and_today()
    days = (today - moment.astimezone(zone).date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    # Weeks from two weeks on, months from two months, years from two years.
    for unit, length in (("year", 365), ("month", 30), ("week", 7)):
        if days >= 2 * length:
            return f"{days // length} {unit}s ago"
    return f"{days} days ago"


def local_date(moment: datetime | None) -> str:
    """Format a timestamp as a date in the user's zone."""
    if moment is None:
        return "–"
    return _local_date_in(moment, _zone())


def _local_date_in(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d %b %Y")


def due_label(moment: datetime) -> str:
    """Say when a card is due: overdue, today, tomorrow or the date."""
    zone, today = _zone_and_today()
    return _due_label_in(moment, zone, today)


def _due_label_in(moment: datetime, zone: ZoneInfo, today: date) -> str:
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
    return _sparkline_markup(tuple(values))


# Up to eight ratings of four values: few distinct trends recur across a page.
@lru_cache(maxsize=4096)
def _sparkline_markup(values: tuple[int, ...]) -> Markup:
    points = sparkline(list(values))
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


def rating_chart_svg(chart: LineChart, title_id: str, desc_id: str) -> Markup:
    """A line chart of ratings as SVG: grid, axes, a line and titled dots per
    series (built here for the reason of `sparkline_svg`: 14 fields of 12 weeks
    are 168 dots)."""
    parts = [
        f'<svg class="chart" viewBox="0 0 {chart.width} {chart.height}" role="img" '
        f'aria-labelledby="{escape(title_id)}" aria-describedby="{escape(desc_id)}" '
        'preserveAspectRatio="xMinYMin meet">'
    ]
    for tick in chart.y_ticks:
        y = f"{tick.position:.1f}"
        parts.append(
            f'<line class="grid" x1="{chart.left}" x2="{chart.right}" y1="{y}" '
            f'y2="{y}"/><text class="axis" x="{chart.left - 6}" '
            f'y="{tick.position + 4:.1f}" text-anchor="end">{escape(tick.label)}</text>'
        )
    for tick in chart.x_ticks:
        parts.append(
            f'<text class="axis" x="{tick.position:.1f}" y="{chart.height - 8}" '
            f'text-anchor="middle">{escape(tick.label)}</text>'
        )
    for series in chart.series:
        parts.append(f'<g class="{escape(series.css_class)}">')
        parts.extend(
            f'<polyline points="{points_attr(segment)}" fill="none"/>'
            for segment in series.segments
        )
        parts.extend(
            f'<circle cx="{p.x:.1f}" cy="{p.y:.1f}" r="3.5">'
            f"<title>{escape(p.label)}</title></circle>"
            for p in series.points
        )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _weekly_rating_rows(week_labels: list[str], trends: list[FieldTrend]) -> Markup:
    """The weekly ratings table's body rows: a week per row, a field per column,
    "mean (answers)" or a dash (built here for the reason of `rating_chart_svg`)."""
    rows = []
    for row, label in enumerate(week_labels):
        cells = []
        for trend in trends:
            _week, mean, answers = trend.weeks[row]
            cells.append("–" if mean is None else f"{mean:.1f} ({answers})")
        rows.append(
            f'<tr><th scope="row">{escape(label)}</th><td>'
            + "</td><td>".join(cells)
            + "</td></tr>"
        )
    return Markup("".join(rows))


def _calendar_rects(cells: list[CalendarCell]) -> Markup:
    """The practice calendar's squares as SVG, each titled with its day.

    Built here rather than in the template for the reason of `sparkline_svg`: 182
    squares with five attributes each were half of the progress page's time.
    """
    return Markup(
        "".join(
            f'<rect x="{cell.x}" y="{cell.y}" width="12" height="12" rx="2" '
            f'class="level-{cell.level}"><title>{escape(cell.label)}</title></rect>'
            for cell in cells
        )
    )


@dataclass(frozen=True, slots=True)
class RatingsFigure:
    """The progress page's weekly ratings drawn: chart, legend and table rows."""

    chart: Markup
    legend: tuple[tuple[str, str], ...]  # (CSS class, field name) per line
    table_rows: Markup


@dataclass(frozen=True, slots=True)
class CalendarFigure:
    """The progress page's practice calendar drawn: its squares and its size."""

    squares: Markup
    width: int
    height: int


# Drawings of a user's history, kept per value of what they show: a returning
# user's unchanged history is not drawn again, and any change is a new key.
_FIGURES: Remembered[tuple[object, ...], RatingsFigure | CalendarFigure] = Remembered(
    limit=2048
)


def ratings_figure(
    week_labels: list[str], trends: list[FieldTrend], title_id: str, desc_id: str
) -> RatingsFigure:
    """The weekly ratings per field as a chart, a legend and table rows."""
    key = (
        "ratings",
        title_id,
        desc_id,
        tuple(week_labels),
        tuple((trend.field_name, tuple(trend.weeks)) for trend in trends),
    )

    def draw() -> RatingsFigure:
        chart = rating_lines(
            week_labels,
            [(t.field_name, [mean for _week, mean, _n in t.weeks]) for t in trends],
        )
        return RatingsFigure(
            chart=rating_chart_svg(chart, title_id, desc_id),
            legend=tuple((series.css_class, series.name) for series in chart.series),
            table_rows=_weekly_rating_rows(week_labels, trends),
        )

    return _FIGURES.made(key, draw)  # type: ignore[return-value]


def calendar_figure(calendar: PracticeCalendar) -> CalendarFigure:
    """The practice calendar's squares, a week per column, and its size."""
    key = (
        "calendar",
        calendar.first_day,
        calendar.today,
        frozenset(calendar.answers_by_day.items()),
    )

    def draw() -> CalendarFigure:
        cells, width, height = calendar_cells(
            calendar.first_day, calendar.today, calendar.answers_by_day
        )
        return CalendarFigure(_calendar_rects(cells), width, height)

    return _FIGURES.made(key, draw)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class WeakFacts:
    """What the review list says of one practised question, formatted: a value,
    so that its markup can be made once (`cached_fragment`)."""

    last_rating: int
    last_date: str
    recent: tuple[int, ...]
    average: str
    target: str
    overtime: bool
    recall_percent: int
    due: str


def weak_rows(
    items: Sequence[WeakQuestion],
) -> list[tuple[Question | QuestionEntry, str, WeakFacts]]:
    """Each ranked question of the review list with its category and its facts,
    formatted in the profile's zone (looked up once for the list)."""
    zone, today = _zone_and_today()
    rows = []
    for item in items:
        card = item.card
        average, target = item.average_seconds, item.question.target_seconds
        facts = WeakFacts(
            last_rating=card.last_rating,
            last_date=_local_date_in(card.last_review, zone),
            recent=tuple(card.recent_ratings),
            average=duration(average),
            target=duration(target),
            overtime=average > target,
            recall_percent=int(item.recall * 100),
            due=_due_label_in(card.due, zone, today),
        )
        rows.append((item.question, item.category, facts))
    return rows


_FRAGMENTS: Remembered[tuple[object, ...], Markup] = Remembered(limit=8192)


def cached_fragment(macro: Macro, *args: object) -> Markup:
    """A macro's markup for these arguments, made once per process and reused.

    For markup that depends on nothing but its arguments, such as a bank
    question's text and tags on a field page that lists up to 180 of them: the
    arguments are immutable values (a catalogue entry, a rating; see
    `_VALUE_TYPES`), so a bank change arrives as a new entry, a new key, and
    nothing needs invalidating. Anything else (an ORM object, such as a user's
    own question) is rendered afresh.
    """
    return _fragment(_fragment_prefix(macro), macro, args)


def cached_fragments(macro: Macro, rows: Iterable[object]) -> Markup:
    """`cached_fragment` for each row of a list, a line each: a row is a tuple of
    the macro's arguments, or its one argument. One call from the template for
    the whole list, which saves a template call per row."""
    prefix = _fragment_prefix(macro)
    return Markup("\n").join(
        _fragment(prefix, macro, row if type(row) is tuple else (row,)) for row in rows
    )


def _fragment_prefix(macro: Macro) -> tuple[object, ...] | None:
    """The key's first part for a macro's fragments; None where none are kept."""
    if current_app.debug:  # templates change under the developer
        return None
    # The macro's compiled code names it: two templates may use one name, and each
    # app compiles its templates for itself.
    return (request.script_root, macro._func.__code__)


def _fragment(
    prefix: tuple[object, ...] | None, macro: Macro, args: tuple[object, ...]
) -> Markup:
    if prefix is None or not all(_is_value(arg) for arg in args):
        return Markup(macro(*args))
    return _FRAGMENTS.made((*prefix, *args), lambda: Markup(macro(*args)))


def forget_remembered_markup() -> None:
    """Drop every remembered fragment and drawing (what a cold process has)."""
    _FRAGMENTS.clear()
    _FIGURES.clear()


# Frozen dataclasses whose fields are themselves values, all the way down.
_VALUE_TYPES = (str, int, float, FieldEntry, QuestionEntry, FieldSummary, WeakFacts)


def _is_value(arg: object) -> bool:
    if isinstance(arg, tuple):
        return all(_is_value(item) for item in arg)
    return arg is None or isinstance(arg, _VALUE_TYPES)


def init_app(app: Flask) -> None:
    """Register the filters and label tables."""
    for function in (
        duration,
        megabytes,
        when,
        ago,
        local_date,
        due_label,
        rating_word,
    ):
        app.add_template_filter(function)
    app.jinja_env.globals.update(
        RATING_LABELS=RATING_LABELS,
        LEVEL_LABELS=LEVEL_LABELS,
        KIND_LABELS=KIND_LABELS,
        DIFFICULTY_LABELS=DIFFICULTY_LABELS,
        CATEGORY_LABELS=CATEGORY_LABELS,
        MAX_RECORDING_SECONDS=MAX_RECORDING_SECONDS,
        MAX_RECORDING_BYTES=MAX_RECORDING_BYTES,
        sparkline_svg=sparkline_svg,
        ratings_figure=ratings_figure,
        calendar_figure=calendar_figure,
        weak_rows=weak_rows,
        radio_options=radio_options,
        cached_fragment=cached_fragment,
        cached_fragments=cached_fragments,
        rating_chart_svg=rating_chart_svg,
        points_attr=points_attr,
        waveform_bars=waveform_bars,
    )
