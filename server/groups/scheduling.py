"""Meeting series in a group's own time zone.

A weekly meeting at 18:00 in Copenhagen stays at 18:00 local time across the change of daylight
saving time, so its UTC time moves: every date is computed in local time, then converted."""

from __future__ import annotations

import calendar
import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.models import Group, Meeting, MeetingStatus

MAX_SERIES = 52


class Frequency(enum.StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class SchedulingError(ValueError):
    """A schedule that cannot be made; the message says why (translated by the caller)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def add_months(day: date, months: int) -> date:
    """The same day of the month, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_dates(first: date, frequency: Frequency, count: int) -> list[date]:
    if frequency == Frequency.MONTHLY:
        return [add_months(first, i) for i in range(count)]
    step = 7 if frequency == Frequency.WEEKLY else 14
    return [first + timedelta(days=step * i) for i in range(count)]


def to_utc(day: date, at: time, timezone: str) -> datetime:
    """A local wall-clock time in ``timezone`` as aware UTC. A time that does not exist (the
    spring-forward gap) moves forward by the gap, as ``zoneinfo`` does with ``fold=0``."""
    local = datetime.combine(day, at.replace(fold=0), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


@dataclass(frozen=True)
class SeriesRequest:
    first_date: date
    local_time: time
    frequency: Frequency
    count: int
    duration_minutes: int = 120
    lobby_opens_minutes: int = 15
    theme: str | None = None


def plan_series(group: Group, request: SeriesRequest, now: datetime) -> list[Meeting]:
    """New (unsaved) meetings for a series; refuses a series that starts in the past."""
    if not 1 <= request.count <= MAX_SERIES:
        raise SchedulingError("count")
    if not 15 <= request.duration_minutes <= 8 * 60:
        raise SchedulingError("duration")
    starts = [
        to_utc(day, request.local_time, group.timezone)
        for day in local_dates(request.first_date, request.frequency, request.count)
    ]
    if starts[0] <= now:
        raise SchedulingError("past")
    series_id = str(uuid.uuid4())
    return [
        Meeting(
            group_id=group.id,
            starts_at=start,
            duration_minutes=request.duration_minutes,
            lobby_opens_minutes=request.lobby_opens_minutes,
            status=MeetingStatus.SCHEDULED,
            theme=request.theme or None,
            series_id=series_id,
        )
        for start in starts
    ]


def move_meeting(meeting: Meeting, day: date, at: time, now: datetime) -> None:
    start = to_utc(day, at, meeting.group.timezone)
    if start <= now:
        raise SchedulingError("past")
    meeting.starts_at = start


def upcoming(meetings: list[Meeting], now: datetime, grace_minutes: int) -> list[Meeting]:
    """Scheduled meetings that have not closed yet, soonest first."""
    return sorted(
        (
            m
            for m in meetings
            if m.status == MeetingStatus.SCHEDULED and m.closes_at(grace_minutes) > now
        ),
        key=lambda m: m.starts_at,
    )
