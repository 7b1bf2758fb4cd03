"""People own their data: they can see it, download it and delete their account."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from server.extensions import db
from server.models import (
    Acknowledgement,
    Attendance,
    AuditEntry,
    LoginSession,
    Membership,
    User,
    utcnow,
)
from server.records import audit, record_attendance
from tests.conftest import Course
from tests.factories import PASSWORD


def test_a_participant_sees_what_kreds_holds_about_them(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    record_attendance(course.meeting.id, person.id)
    db.session.commit()
    page = login_as(person).get("/account/data").get_data(as_text=True)
    assert person.login in page and person.display_name in page
    assert course.group.name in page


def test_the_download_holds_the_account_and_its_records(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    record_attendance(course.meeting.id, person.id)
    db.session.commit()
    response = login_as(person).get("/account/data.json")
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["login"] == person.login
    assert "password_hash" not in json.dumps(data)
    assert len(data["meetings_attended"]) == 1


def test_anonymous_people_cannot_see_any_data(client: FlaskClient, course: Course) -> None:
    assert client.get("/account/data").status_code == 302
    assert client.get("/account/data.json").status_code == 302


def test_deleting_an_account_removes_the_person_and_their_records(
    login_as,
    course: Course,  # type: ignore[no-untyped-def]
) -> None:
    person = course.participants[0]
    person_id = person.id
    record_attendance(course.meeting.id, person_id)
    db.session.add(
        Acknowledgement(user_id=person_id, meeting_id=course.meeting.id, agreement_version=1)
    )
    audit("room.remove", course.facilitator.id, target_user_id=person_id, group_id=course.group.id)
    db.session.commit()
    client = login_as(person)
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person_id) is None
    assert db.session.scalar(db.select(Membership).where(Membership.user_id == person_id)) is None
    assert db.session.scalar(db.select(Attendance).where(Attendance.user_id == person_id)) is None
    assert (
        db.session.scalar(db.select(Acknowledgement).where(Acknowledgement.user_id == person_id))
        is None
    )
    entry = db.session.scalar(db.select(AuditEntry))
    assert entry is not None and entry.target_user_id is None
    assert client.get("/").status_code == 302  # logged out


def test_a_wrong_password_deletes_nothing(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    response = login_as(person).post("/account/delete", data={"password": "nope", "confirm": "y"})
    assert response.status_code == 400
    assert db.session.get(User, person.id) is not None


def test_the_last_administrator_cannot_delete_themselves(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    response = login_as(course.admin).post(
        "/account/delete", data={"password": PASSWORD, "confirm": "y"}
    )
    assert response.status_code == 302
    assert db.session.get(User, course.admin.id) is not None


def test_the_purge_command_removes_records_past_retention(app: Flask, course: Course) -> None:
    old = utcnow() - timedelta(days=400)
    person = course.participants[0]
    db.session.add(Attendance(meeting_id=course.meeting.id, user_id=person.id, admitted_at=old))
    db.session.add(
        Acknowledgement(
            user_id=person.id, meeting_id=course.meeting.id, agreement_version=1, accepted_at=old
        )
    )
    db.session.add(Attendance(meeting_id=course.meeting.id, user_id=course.participants[1].id))
    # What an administrator did a year ago, and yesterday.
    audit("admin.user.reset_link", course.admin.id, target_user_id=person.id).at = old
    audit("admin.user.update", course.admin.id, target_user_id=person.id)
    db.session.add(
        LoginSession(user_id=person.id, token_hash="x" * 64, remember=True, last_seen_at=old)
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-records", "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "1 attendance" in result.output
    assert "1 audit entries" in result.output
    assert db.session.scalar(db.select(db.func.count(Attendance.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Acknowledgement.id))) == 0
    kept = db.session.scalars(db.select(AuditEntry.action)).all()
    assert kept == ["admin.user.update"]
    assert db.session.scalar(db.select(db.func.count(LoginSession.id))) == 0
