"""Geometry for the small SVG charts the server renders (no chart library).

Functions here return coordinates; templates draw them, and every chart comes
with a table or sentence for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

RATING_MIN, RATING_MAX = 1, 4


@dataclass(frozen=True)
class Point:
    """A plotted value."""

    x: float
    y: float
    value: float
    label: str


@dataclass(frozen=True)
class Series:
    """One line of a chart, split where values are missing."""

    name: str
    css_class: str
    segments: list[list[Point]]

    @property
    def points(self) -> list[Point]:
        """Every plotted point of the series."""
        return [point for segment in self.segments for point in segment]


@dataclass(frozen=True)
class Tick:
    """An axis label and its position."""

    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    """A chart of one or more series over evenly spaced steps."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    target_y: float | None = None
    bars: list[Bar] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    """A bar of a bar chart."""

    x: float
    y: float
    width: float
    height: float
    over: bool
    label: str


def points_attr(points: list[Point]) -> str:
    """Format points for an SVG polyline."""
    return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in points)


def _scale(value: float, low: float, high: float, top: float, bottom: float) -> float:
    if high == low:
        return (top + bottom) / 2
    return bottom - (value - low) / (high - low) * (bottom - top)


def _x_positions(count: int, left: float, right: float) -> list[float]:
    if count == 1:
        return [(left + right) / 2]
    step = (right - left) / (count - 1)
    return [left + i * step for i in range(count)]


def _spaced_ticks(positions: list[float], labels: list[str]) -> list[Tick]:
    """At most about six labels along the x axis, evenly picked."""
    stride = max(1, len(labels) // 6)
    return [Tick(positions[i], labels[i]) for i in range(0, len(labels), stride)]


def rating_lines(
    steps: list[str],
    series: list[tuple[str, list[float | None]]],
    width: int = 640,
    height: int = 220,
) -> LineChart:
    """Ratings (1-4) of several series over the same steps; None leaves a gap."""
    left, right, top, bottom = 78, width - 12, 12, height - 28
    xs = _x_positions(len(steps), left, right)
    drawn = []
    for index, (name, values) in enumerate(series):
        segments: list[list[Point]] = [[]]
        for x, step, value in zip(xs, steps, values, strict=True):
            if value is None:
                if segments[-1]:
                    segments.append([])
                continue
            y = _scale(value, RATING_MIN, RATING_MAX, top, bottom)
            segments[-1].append(Point(x, y, value, f"{name}, {step}: {value:.1f}"))
        drawn.append(Series(name, f"series-{index % 8}", [s for s in segments if s]))
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        series=drawn,
        x_ticks=_spaced_ticks(xs, steps),
        y_ticks=[
            Tick(_scale(v, RATING_MIN, RATING_MAX, top, bottom), label)
            for v, label in ((1, "Stumped"), (2, "Shaky"), (3, "Solid"), (4, "Nailed"))
        ],
    )


def sparkline(values: list[int], width: int = 72, height: int = 22) -> list[Point]:
    """Points for a tiny rating trend (1-4)."""
    xs = _x_positions(len(values), 3, width - 3)
    return [
        Point(x, _scale(v, RATING_MIN, RATING_MAX, 3, height - 3), v, str(v))
        for x, v in zip(xs, values, strict=True)
    ]


def time_bars(
    labels: list[str],
    seconds: list[float],
    target: float,
    width: int = 640,
    height: int = 160,
) -> LineChart:
    """Bars of answer times with the target as a line."""
    left, right, top, bottom = 48, width - 12, 12, height - 28
    top_value = max([*seconds, target]) * 1.1
    slot = (right - left) / max(len(seconds), 1)
    bar_width = min(28.0, slot * 0.7)
    bars = []
    for i, (label, value) in enumerate(zip(labels, seconds, strict=True)):
        y = _scale(value, 0, top_value, top, bottom)
        x = left + slot * i + (slot - bar_width) / 2
        bars.append(Bar(x, y, bar_width, bottom - y, value > target, label))
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        series=[],
        x_ticks=_spaced_ticks(
            [left + slot * i + slot / 2 for i in range(len(labels))], labels
        ),
        y_ticks=[
            Tick(
                _scale(v, 0, top_value, top, bottom),
                f"{int(v // 60)}:{int(v % 60):02d}",
            )
            for v in (0, target)
        ],
        target_y=_scale(target, 0, top_value, top, bottom),
        bars=bars,
    )


@dataclass(frozen=True, slots=True)
class CalendarCell:
    """One day of the practice calendar."""

    x: int
    y: int
    day: date
    answers: int
    level: int

    @property
    def label(self) -> str:
        """What hovering the cell says: the day and its answers."""
        plural = "" if self.answers == 1 else "s"
        return f"{_day_name(self.day)}: {self.answers} answer{plural}"


# The calendar names the same 182 days on every visit; strftime is its slowest part.
@lru_cache(maxsize=1024)
def _day_name(day: date) -> str:
    return f"{day:%a %d %b %Y}"


CELL, GAP = 12, 3


def calendar_cells(
    first_day: date, today: date, answers_by_day: dict[date, int]
) -> tuple[list[CalendarCell], int, int]:
    """Cells for a weeks-by-weekday grid from first_day (a Monday) to today."""
    cells = []
    span = (today - first_day).days + 1
    # first_day is a Monday: the index alone gives the week and the weekday.
    for index in range(span):
        day = first_day + timedelta(days=index)
        answers = answers_by_day.get(day, 0)
        level = 0 if answers == 0 else 1 if answers <= 2 else 2 if answers <= 5 else 3
        cells.append(
            CalendarCell(
                (index // 7) * (CELL + GAP),
                (index % 7) * (CELL + GAP),
                day,
                answers,
                level,
            )
        )
    weeks = (span - 1) // 7 + 1
    return cells, weeks * (CELL + GAP), 7 * (CELL + GAP)


WAVEFORM_HEIGHT = 32
QUIETEST_BAR = 0.04  # silence still shows as a thin line: the recording runs on


@dataclass(frozen=True)
class WaveformBar:
    """One slice of a recording's loudness, mirrored about the middle."""

    x: float
    y: float
    height: float


def waveform_bars(outline: list[float]) -> list[WaveformBar]:
    """Bars one unit wide and `WAVEFORM_HEIGHT` high at most, one per slice of a
    loudness outline (0 to 1), for a waveform drawn in SVG."""
    middle = WAVEFORM_HEIGHT / 2
    bars = []
    for index, level in enumerate(outline):
        height = max(level, QUIETEST_BAR) * WAVEFORM_HEIGHT
        top = round(middle - height / 2, 2)
        bars.append(WaveformBar(index + 0.15, top, round(height, 2)))
    return bars
