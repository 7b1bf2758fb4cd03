"""Meeting series keep their local time in the group's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.extensions import db
from server.groups.scheduling import (
    Frequency,
    SchedulingError,
    SeriesRequest,
    add_months,
    local_dates,
    move_meeting,
    plan_series,
)
from server.groups.service import schedule_series
from server.models import AuditEntry, Group, Meeting
from tests.conftest import Course
from tests.factories import gen_meeting

BEFORE_AUTUMN_2026 = datetime(2026, 10, 1, tzinfo=UTC)


def _group(timezone: str = "Europe/Copenhagen") -> Group:
    return Group(id=1, name="Tuesday group", timezone=timezone)


def test_a_weekly_series_keeps_18_00_local_across_the_end_of_summer_time() -> None:
    # Tuesday 13 October 2026; Denmark leaves summer time on Sunday 25 October.
    request = SeriesRequest(date(2026, 10, 13), time(18, 0), Frequency.WEEKLY, count=4)
    meetings = plan_series(_group(), request, BEFORE_AUTUMN_2026)
    assert [m.starts_at for m in meetings] == [
        datetime(2026, 10, 13, 16, 0, tzinfo=UTC),
        datetime(2026, 10, 20, 16, 0, tzinfo=UTC),
        datetime(2026, 10, 27, 17, 0, tzinfo=UTC),
        datetime(2026, 11, 3, 17, 0, tzinfo=UTC),
    ]
    local = [m.starts_at.astimezone(ZoneInfo("Europe/Copenhagen")) for m in meetings]
    assert {(d.hour, d.minute, d.weekday()) for d in local} == {(18, 0, 1)}
    assert len({m.series_id for m in meetings}) == 1


def test_a_monthly_series_on_the_31st_falls_on_the_last_day_of_shorter_months() -> None:
    request = SeriesRequest(date(2027, 1, 31), time(17, 30), Frequency.MONTHLY, count=5)
    meetings = plan_series(_group(), request, BEFORE_AUTUMN_2026)
    local = [m.starts_at.astimezone(ZoneInfo("Europe/Copenhagen")) for m in meetings]
    assert [d.date() for d in local] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert {d.time() for d in local} == {time(17, 30)}


def test_monthly_from_the_29th_of_february_keeps_the_29th_when_it_can() -> None:
    assert [add_months(date(2028, 1, 29), i) for i in range(3)] == [
        date(2028, 1, 29),
        date(2028, 2, 29),
        date(2028, 3, 29),
    ]
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)


def test_every_two_weeks_means_fourteen_days_apart() -> None:
    request = SeriesRequest(date(2027, 3, 2), time(10, 0), Frequency.BIWEEKLY, count=3)
    meetings = plan_series(_group("UTC"), request, BEFORE_AUTUMN_2026)
    assert [m.starts_at.date() for m in meetings] == [
        date(2027, 3, 2),
        date(2027, 3, 16),
        date(2027, 3, 30),
    ]


@pytest.mark.parametrize("count", [0, 53])
def test_a_series_of_the_wrong_length_is_refused(count: int) -> None:
    request = SeriesRequest(date(2027, 3, 2), time(10, 0), Frequency.WEEKLY, count=count)
    with pytest.raises(SchedulingError) as refused:
        plan_series(_group(), request, BEFORE_AUTUMN_2026)
    assert refused.value.code == "count"


def test_a_series_starting_in_the_past_is_refused_and_nothing_is_written(course: Course) -> None:
    now = datetime(2026, 10, 13, 16, 1, tzinfo=UTC)  # one minute after 18:00 local
    request = SeriesRequest(date(2026, 10, 13), time(18, 0), Frequency.WEEKLY, count=6)
    with pytest.raises(SchedulingError) as refused:
        schedule_series(course.group, request, course.admin, now)
    assert refused.value.code == "past"
    db.session.rollback()
    assert db.session.scalars(db.select(Meeting.id)).all() == [course.meeting.id]
    assert db.session.scalars(db.select(AuditEntry)).all() == []


def test_scheduling_a_series_writes_its_meetings_and_one_audit_entry(course: Course) -> None:
    request = SeriesRequest(date(2026, 10, 13), time(18, 0), Frequency.WEEKLY, count=6)
    meetings = schedule_series(course.group, request, course.admin, BEFORE_AUTUMN_2026)
    db.session.commit()
    assert len(meetings) == 6 and all(m.id for m in meetings)
    entries = db.session.scalars(db.select(AuditEntry)).all()
    assert [(e.action, e.group_id, e.meeting_id) for e in entries] == [
        ("admin.meeting.schedule", course.group.id, meetings[0].id)
    ]


def test_moving_a_meeting_uses_the_groups_local_time(course: Course) -> None:
    meeting = gen_meeting(course.group, starts_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC))
    move_meeting(meeting, date(2027, 7, 6), time(18, 0), BEFORE_AUTUMN_2026)
    assert meeting.starts_at == datetime(2027, 7, 6, 16, 0, tzinfo=UTC)
    with pytest.raises(SchedulingError):
        move_meeting(meeting, date(2026, 9, 1), time(18, 0), BEFORE_AUTUMN_2026)


@settings(max_examples=60, deadline=None)
@given(
    first=st.dates(min_value=date(2027, 1, 1), max_value=date(2035, 12, 31)),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    frequency=st.sampled_from(list(Frequency)),
    timezone=st.sampled_from(["Europe/Copenhagen", "Europe/Prague", "Europe/Kyiv", "America/Nuuk"]),
)
def test_every_meeting_of_a_series_starts_at_the_chosen_local_time(
    first: date, at: time, frequency: Frequency, timezone: str
) -> None:
    request = SeriesRequest(first, at, frequency, count=8)
    zone = ZoneInfo(timezone)
    meetings = plan_series(_group(timezone), request, BEFORE_AUTUMN_2026)
    for day, meeting in zip(local_dates(first, frequency, 8), meetings, strict=True):
        wanted = datetime.combine(day, at)
        shown = meeting.starts_at.astimezone(zone).replace(tzinfo=None)
        round_trip = wanted.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
        if round_trip.replace(tzinfo=None) == wanted:
            assert shown == wanted
        else:  # skipped by the spring change: moved forward by the gap, as zoneinfo does
            assert shown - wanted == timedelta(hours=1)
