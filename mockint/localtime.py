"""The user's time zone: local days, "today", and SQL that buckets by local day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import sqlalchemy as sa

UTC_ZONE = ZoneInfo("UTC")


def zone_named(name: str | None) -> ZoneInfo:
    """Return the zone, or UTC for an unknown or missing name."""
    try:
        return ZoneInfo(name) if name else UTC_ZONE
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def is_valid_zone(name: str) -> bool:
    """True for an IANA zone name this machine knows."""
    return name in available_timezones()


def local_today(now: datetime, zone: ZoneInfo) -> date:
    """The calendar date it is now in the zone."""
    return now.astimezone(zone).date()


def end_of_local_day(now: datetime, zone: ZoneInfo) -> datetime:
    """The first instant of tomorrow in the zone, as an aware datetime."""
    tomorrow = local_today(now, zone) + timedelta(days=1)
    return datetime.combine(tomorrow, time.min, tzinfo=zone)


def start_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local date."""
    return datetime.combine(day, time.min, tzinfo=zone)


def local_day_expression(
    column: sa.ColumnElement, zone: ZoneInfo, dialect_name: str, now: datetime
) -> sa.ColumnElement:
    """SQL for the local date (as text YYYY-MM-DD) of a UTC timestamp column.

    PostgreSQL converts exactly with the zone's rules. SQLite has no zone data, so
    it shifts by the zone's offset now: a day boundary can be an hour off for
    timestamps on the other side of a daylight-saving change.
    """
    if dialect_name == "postgresql":
        return sa.func.to_char(sa.func.timezone(zone.key, column), "YYYY-MM-DD")
    offset = now.astimezone(zone).utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    return sa.func.date(column, f"{minutes:+d} minutes")
