from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient

from server.extensions import db
from server.models import Meeting, MeetingStatus, Role, utcnow
from tests.conftest import Course
from tests.factories import gen_group, gen_meeting, gen_membership, gen_user


def page(client: FlaskClient) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def join_link(meeting: Meeting) -> str:
    return f'href="/meetings/{meeting.id}"'


def test_an_anonymous_visitor_is_sent_to_log_in(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")


def test_a_participant_sees_their_group_and_can_join_the_open_meeting(
    participant_client: FlaskClient, course: Course
) -> None:
    html = page(participant_client)
    assert "Tuesday group" in html
    assert join_link(course.meeting) in html
    assert f'datetime="{course.meeting.starts_at.isoformat()}"' in html


def test_a_participant_does_not_see_other_groups(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    html = page(login_as(course.outsider))
    assert "Thursday group" in html
    assert "Tuesday group" not in html
    assert join_link(course.meeting) not in html


def test_meeting_times_are_shown_in_the_persons_own_time_zone(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    # 18:00 in Copenhagen in January (CET, UTC+1) is 12:00 in New York (EST, UTC-5).
    day = date(utcnow().year + 1, 1, 15)
    starts = datetime.combine(day, time(18, 0), tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert starts.astimezone(ZoneInfo("America/New_York")).hour == 12
    gen_meeting(course.group, starts_at=starts.astimezone(UTC))
    course.meeting.starts_at = utcnow() - timedelta(days=1)  # out of the list
    person = course.participants[1]
    person.timezone = "America/New_York"
    db.session.commit()
    html = page(login_as(person))
    assert f'datetime="{starts.astimezone(UTC).isoformat()}"' in html
    assert "12:00" in html
    assert "18:00" not in html


def test_the_join_button_is_live_only_inside_the_meetings_window(
    participant_client: FlaskClient, course: Course
) -> None:
    course.meeting.starts_at = utcnow() + timedelta(days=1)
    db.session.commit()
    html = page(participant_client)
    assert join_link(course.meeting) not in html
    assert "Opens at" in html

    course.meeting.starts_at = utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert join_link(course.meeting) in page(participant_client)

    # Over, beyond the grace minutes: no longer listed at all.
    course.meeting.starts_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    assert join_link(course.meeting) not in page(participant_client)


def test_a_cancelled_meeting_is_shown_as_cancelled_without_a_join_button(
    participant_client: FlaskClient, course: Course
) -> None:
    course.meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    html = page(participant_client)
    assert "Cancelled" in html
    assert join_link(course.meeting) not in html


def test_the_theme_is_shown_to_members(participant_client: FlaskClient, course: Course) -> None:
    course.meeting.theme = "Sleep and rest"
    db.session.commit()
    assert "Sleep and rest" in page(participant_client)


def test_facilitators_see_their_tools_and_participants_do_not(
    facilitator_client: FlaskClient, participant_client: FlaskClient, course: Course
) -> None:
    agreement = f"/groups/{course.group.id}/agreement"
    attendance = f"/groups/{course.group.id}/attendance"
    html = page(facilitator_client)
    assert agreement in html and attendance in html
    html = page(participant_client)
    assert agreement not in html and attendance not in html


def test_facilitator_tools_follow_the_membership_not_the_global_role(
    login_as, course: Course
) -> None:  # type: ignore[no-untyped-def]
    # A facilitator by global role who is only a participant in this group.
    person = gen_user(Role.FACILITATOR)
    gen_membership(course.group, person)
    html = page(login_as(person))
    assert "Tuesday group" in html
    assert f"/groups/{course.group.id}/agreement" not in html


def test_an_admin_sees_the_admin_link_and_no_foreign_groups(
    admin_client: FlaskClient, course: Course
) -> None:
    html = page(admin_client)
    assert 'href="/admin/"' in html
    assert "Tuesday group" not in html
    assert "You are not in a group yet" in html


def test_a_group_without_meetings_says_so(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = gen_user()
    gen_membership(gen_group("Quiet group"), person)
    html = page(login_as(person))
    assert "Quiet group" in html
    assert "No meetings are planned." in html
