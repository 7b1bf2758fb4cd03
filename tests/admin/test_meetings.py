"""Administrators schedule, cancel and move a group's meetings in the group's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient

from server.extensions import db
from server.models import Meeting, MeetingStatus, utcnow
from tests.admin.conftest import audit_actions
from tests.conftest import Course
from tests.factories import gen_meeting

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _in_a_week() -> date:
    return (utcnow().astimezone(COPENHAGEN) + timedelta(days=7)).date()


def _series(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_date": _in_a_week().isoformat(),
        "local_time": "18:00",
        "frequency": "weekly",
        "count": 6,
        "duration_minutes": 120,
        "lobby_opens_minutes": 15,
        "theme": "",
    }
    data.update(overrides)
    return data


def _meetings(course: Course) -> list[Meeting]:
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(Meeting.group_id == course.group.id)
            .order_by(Meeting.starts_at)
        )
    )


def test_scheduling_six_weekly_meetings_through_the_page(
    admin_client: FlaskClient, course: Course
) -> None:
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/meetings", data=_series(theme="Boundaries")
    )
    assert response.status_code == 302
    new = [m for m in _meetings(course) if m.id != course.meeting.id]
    assert len(new) == 6
    assert len({m.series_id for m in new}) == 1 and new[0].series_id
    local = [m.starts_at.astimezone(COPENHAGEN) for m in new]
    assert [d.date() for d in local] == [_in_a_week() + timedelta(weeks=i) for i in range(6)]
    assert {d.time() for d in local} == {time(18, 0)}
    assert {(m.duration_minutes, m.lobby_opens_minutes, m.theme) for m in new} == {
        (120, 15, "Boundaries")
    }
    assert audit_actions() == ["admin.meeting.schedule"]
    html = admin_client.get(f"/admin/groups/{course.group.id}/meetings").get_data(as_text=True)
    assert "6 meetings are scheduled." in html


def test_a_series_starting_in_the_past_is_refused_and_nothing_is_written(
    admin_client: FlaskClient, course: Course
) -> None:
    yesterday = (utcnow().astimezone(COPENHAGEN) - timedelta(days=1)).date()
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/meetings", data=_series(first_date=yesterday.isoformat())
    )
    assert response.status_code == 200
    assert "That time has already passed." in response.get_data(as_text=True)
    assert [m.id for m in _meetings(course)] == [course.meeting.id]
    assert audit_actions() == []


def test_a_count_out_of_range_is_refused(admin_client: FlaskClient, course: Course) -> None:
    for count in (0, 53):
        response = admin_client.post(
            f"/admin/groups/{course.group.id}/meetings", data=_series(count=count)
        )
        assert "Choose between 1 and 52 meetings." in response.get_data(as_text=True)
    assert len(_meetings(course)) == 1


def test_meetings_are_shown_in_the_groups_time_zone(
    admin_client: FlaskClient, course: Course
) -> None:
    course.group.timezone = "America/Nuuk"
    course.admin.timezone = "Europe/Copenhagen"
    db.session.commit()
    starts = datetime(2031, 3, 4, 21, 30, tzinfo=UTC)  # 19:30 in Nuuk, 22:30 in Copenhagen
    gen_meeting(course.group, starts_at=starts)
    html = admin_client.get(f"/admin/groups/{course.group.id}/meetings").get_data(as_text=True)
    # The shown time, not a machine-readable one: "22:30" may be in another meeting's datetime
    # attribute whenever the test runs at 22:30 past some hour.
    assert "19:30</time>" in html and "22:30</time>" not in html
    assert "America/Nuuk" in html


def test_an_admin_cancels_a_meeting(admin_client: FlaskClient, course: Course) -> None:
    meeting = course.meeting
    response = admin_client.post(f"/admin/meetings/{meeting.id}/cancel", follow_redirects=True)
    assert "The meeting is cancelled." in response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.status == MeetingStatus.CANCELLED
    again = admin_client.post(f"/admin/meetings/{meeting.id}/cancel", follow_redirects=True)
    assert "This meeting is not scheduled any more." in again.get_data(as_text=True)
    assert audit_actions() == ["admin.meeting.cancel"]


def test_a_meeting_that_is_over_cannot_be_cancelled(
    admin_client: FlaskClient, course: Course
) -> None:
    past = gen_meeting(course.group, starts_in=timedelta(days=-2))
    response = admin_client.post(f"/admin/meetings/{past.id}/cancel", follow_redirects=True)
    assert "This meeting is already over." in response.get_data(as_text=True)
    db.session.refresh(past)
    assert past.status == MeetingStatus.SCHEDULED


def test_an_admin_moves_a_meeting_to_a_local_date_and_time(
    admin_client: FlaskClient, course: Course
) -> None:
    meeting = course.meeting
    day = _in_a_week()
    page = admin_client.get(f"/admin/meetings/{meeting.id}/move").get_data(as_text=True)
    local_now = meeting.starts_at.astimezone(COPENHAGEN)
    assert f'value="{local_now.date().isoformat()}"' in page
    response = admin_client.post(
        f"/admin/meetings/{meeting.id}/move", data={"day": day.isoformat(), "at": "09:15"}
    )
    assert response.headers["Location"] == f"/admin/groups/{course.group.id}/meetings"
    db.session.refresh(meeting)
    assert meeting.starts_at == datetime.combine(day, time(9, 15), COPENHAGEN).astimezone(UTC)
    assert audit_actions() == ["admin.meeting.move"]


def test_a_meeting_cannot_be_moved_into_the_past(admin_client: FlaskClient, course: Course) -> None:
    meeting = course.meeting
    before = meeting.starts_at
    yesterday = (utcnow().astimezone(COPENHAGEN) - timedelta(days=1)).date()
    response = admin_client.post(
        f"/admin/meetings/{meeting.id}/move", data={"day": yesterday.isoformat(), "at": "18:00"}
    )
    assert response.status_code == 200
    assert "That time has already passed." in response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.starts_at == before
    assert audit_actions() == []


def test_a_cancelled_meeting_cannot_be_moved(admin_client: FlaskClient, course: Course) -> None:
    meeting = gen_meeting(course.group, starts_in=timedelta(days=3), status=MeetingStatus.CANCELLED)
    response = admin_client.post(
        f"/admin/meetings/{meeting.id}/move",
        data={"day": _in_a_week().isoformat(), "at": "18:00"},
        follow_redirects=True,
    )
    assert "This meeting is not scheduled any more." in response.get_data(as_text=True)
