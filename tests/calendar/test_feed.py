from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from server.calendar.feed import NEUTRAL_TITLES
from server.extensions import db
from server.models import MeetingStatus, MembershipStatus, User
from tests.conftest import Course
from tests.factories import gen_meeting

LINK = re.compile(r'value="(http://localhost/calendar/[^"]+\.ics)"')


def create_link(client: FlaskClient) -> str:
    response = client.post("/account/calendar")
    assert response.status_code == 200
    found = LINK.search(response.get_data(as_text=True))
    assert found, "the new link is shown once"
    return found.group(1).removeprefix("http://localhost")


def whole_seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def events(body: bytes) -> list:  # type: ignore[type-arg]
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_the_feed_has_neutral_titles_and_nothing_about_the_group(
    participant_client: FlaskClient, course: Course
) -> None:
    course.meeting.theme = "Anger and grief"
    course.group.language = "en"
    db.session.commit()
    response = participant_client.get(create_link(participant_client))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    text = body.decode()
    for secret in ("Tuesday group", "Anger and grief", "Kreds", "Mira", "Birch"):
        assert secret not in text
    for field in ("DESCRIPTION", "LOCATION", "URL", "ORGANIZER", "ATTENDEE"):
        assert f"\n{field}" not in text
    (event,) = events(body)
    assert str(event["SUMMARY"]) == "Group meeting"
    assert str(event["UID"]).endswith("@calendar")
    assert re.fullmatch(r"[0-9a-f]{64}@calendar", str(event["UID"]))
    assert "DTSTART:" in text and re.search(r"DTSTART:\d{8}T\d{6}Z", text)
    assert event.decoded("DTSTART") == whole_seconds(course.meeting.starts_at)
    assert event.decoded("DTEND") == whole_seconds(course.meeting.ends_at)


def test_the_title_is_in_the_groups_language_whatever_the_persons(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[1]
    person.language = "en"
    course.group.language = "cs"
    db.session.commit()
    client = login_as(person)
    (event,) = events(client.get(create_link(client)).get_data())
    assert str(event["SUMMARY"]) == "Setkání skupiny"
    course.group.language = "da"
    db.session.commit()
    (event,) = events(client.get(create_link(client)).get_data())
    assert str(event["SUMMARY"]) == "Gruppemøde"


def test_uids_are_stable_between_fetches(participant_client: FlaskClient, course: Course) -> None:
    link = create_link(participant_client)
    first = [str(e["UID"]) for e in events(participant_client.get(link).get_data())]
    second = [str(e["UID"]) for e in events(participant_client.get(link).get_data())]
    assert first == second


def test_the_feed_holds_the_right_meetings(
    client: FlaskClient, participant_client: FlaskClient, course: Course
) -> None:
    cancelled = gen_meeting(course.group, starts_in=timedelta(days=7))
    cancelled.status = MeetingStatus.CANCELLED
    recent = gen_meeting(course.group, starts_in=-timedelta(days=20))
    gen_meeting(course.group, starts_in=-timedelta(days=40))  # too old
    gen_meeting(course.other_group, starts_in=timedelta(days=1))  # not their group
    db.session.commit()
    feed = events(client.get(create_link(participant_client)).get_data())
    starts = {e.decoded("DTSTART"): str(e.get("STATUS")) for e in feed}
    assert starts == {
        whole_seconds(recent.starts_at): "CONFIRMED",
        whole_seconds(course.meeting.starts_at): "CONFIRMED",
        whole_seconds(cancelled.starts_at): "CANCELLED",
    }


def test_a_removed_member_no_longer_sees_the_groups_meetings(
    client: FlaskClient, participant_client: FlaskClient, course: Course
) -> None:
    link = create_link(participant_client)
    membership = course.group.membership_of(course.participants[0].id)
    assert membership is not None
    membership.status = MembershipStatus.REMOVED
    db.session.commit()
    assert events(client.get(link).get_data()) == []


def test_stopping_the_link_makes_the_feed_disappear(
    client: FlaskClient, participant_client: FlaskClient, course: Course
) -> None:
    link = create_link(participant_client)
    assert client.get(link).status_code == 200
    assert participant_client.post("/account/calendar/stop").status_code == 302
    db.session.refresh(course.participants[0])
    assert course.participants[0].calendar_token_hash is None
    assert client.get(link).status_code == 404


def test_a_new_link_replaces_the_old_one(
    client: FlaskClient, participant_client: FlaskClient, course: Course
) -> None:
    old = create_link(participant_client)
    new = create_link(participant_client)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_link_is_shown_only_once(participant_client: FlaskClient, course: Course) -> None:
    link = create_link(participant_client)
    html = participant_client.get("/account").get_data(as_text=True)
    assert link not in html
    assert "A calendar link is active" in html


def test_an_unknown_token_is_not_found(client: FlaskClient, course: Course) -> None:
    assert client.get("/calendar/not-a-token.ics").status_code == 404


def test_a_deactivated_persons_feed_is_not_found(
    client: FlaskClient, participant_client: FlaskClient, course: Course
) -> None:
    link = create_link(participant_client)
    person = db.session.get(User, course.participants[0].id)
    assert person is not None
    person.active = False
    db.session.commit()
    assert client.get(link).status_code == 404


def test_every_language_offered_has_a_neutral_calendar_title(app: Flask) -> None:
    missing = set(app.config["LANGUAGES"]) - set(NEUTRAL_TITLES)
    assert not missing, f"no neutral calendar title in {sorted(missing)}"
