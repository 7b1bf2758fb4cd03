from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from server.extensions import db
from server.meetings.service import accept
from server.models import AuditEntry
from server.records import record_attendance
from tests.conftest import Course
from tests.factories import gen_meeting


def agreement_url(course: Course) -> str:
    return f"/groups/{course.group.id}/agreement"


def attendance_url(course: Course) -> str:
    return f"/groups/{course.group.id}/attendance"


def test_an_anonymous_visitor_is_sent_to_log_in(client: FlaskClient, course: Course) -> None:
    for url in (agreement_url(course), attendance_url(course)):
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("who", ["admin", "outsider", "other_facilitator"])
def test_people_outside_the_group_get_not_found(login_as, course: Course, who: str) -> None:  # type: ignore[no-untyped-def]
    client = login_as(getattr(course, who))
    for url in (agreement_url(course), attendance_url(course)):
        assert client.get(url).status_code == 404
    version = course.group.agreement_version
    assert client.post(agreement_url(course), data={"agreement_text": "x"}).status_code == 404
    db.session.refresh(course.group)
    assert course.group.agreement_version == version


def test_a_participant_cannot_edit_the_agreement(
    participant_client: FlaskClient, course: Course
) -> None:
    for url in (agreement_url(course), attendance_url(course)):
        assert participant_client.get(url).status_code == 403
    response = participant_client.post(agreement_url(course), data={"agreement_text": "x"})
    assert response.status_code == 403
    db.session.refresh(course.group)
    assert course.group.agreement_version == 1


def test_a_facilitator_edits_the_agreement_and_the_version_goes_up(
    facilitator_client: FlaskClient, course: Course
) -> None:
    html = facilitator_client.get(agreement_url(course)).get_data(as_text=True)
    assert "Version 1" in html
    response = facilitator_client.post(
        agreement_url(course), data={"agreement_text": "Rule one.\r\nRule two.\r\n"}
    )
    assert response.status_code == 302
    db.session.refresh(course.group)
    assert course.group.agreement_text == "Rule one.\nRule two."
    assert course.group.agreement_version == 2
    assert "Version 2" in facilitator_client.get(agreement_url(course)).get_data(as_text=True)
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "group.agreement_edit" in actions


def test_saving_unchanged_text_keeps_the_version(
    facilitator_client: FlaskClient, course: Course
) -> None:
    text = course.group.agreement_text.replace("\n", "\r\n") + "\r\n"
    facilitator_client.post(agreement_url(course), data={"agreement_text": text})
    db.session.refresh(course.group)
    assert course.group.agreement_version == 1


def test_the_agreement_cannot_be_empty(facilitator_client: FlaskClient, course: Course) -> None:
    response = facilitator_client.post(agreement_url(course), data={"agreement_text": "  "})
    assert response.status_code == 200
    assert "Write the agreement" in response.get_data(as_text=True)
    db.session.refresh(course.group)
    assert course.group.agreement_version == 1


def test_a_co_facilitator_switches_automatic_admission(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    client = login_as(course.co_facilitator)
    text = course.group.agreement_text
    client.post(agreement_url(course), data={"agreement_text": text, "auto_admit": "y"})
    db.session.refresh(course.group)
    assert course.group.auto_admit is True
    assert course.group.agreement_version == 1
    client.post(agreement_url(course), data={"agreement_text": text})
    db.session.refresh(course.group)
    assert course.group.auto_admit is False


def test_attendance_shows_who_was_admitted_and_how_many_accepted(
    facilitator_client: FlaskClient, course: Course
) -> None:
    birch, heron, _ = course.participants
    record_attendance(course.meeting.id, birch.id)
    accept(birch.id, course.meeting)
    accept(heron.id, course.meeting)
    future = gen_meeting(course.group, starts_in=timedelta(days=7))
    past = gen_meeting(course.group, starts_in=-timedelta(days=7))
    record_attendance(past.id, heron.id)
    db.session.commit()

    html = facilitator_client.get(attendance_url(course)).get_data(as_text=True)
    assert "Birch" in html and "Heron" in html
    assert "Juniper" not in html
    assert f'datetime="{course.meeting.starts_at.isoformat()}"' in html
    assert f'datetime="{past.starts_at.isoformat()}"' in html
    assert f'datetime="{future.starts_at.isoformat()}"' not in html
    assert "<td>2</td>" in html


def test_attendance_of_a_new_group_is_empty(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    client = login_as(course.other_facilitator)
    html = client.get(f"/groups/{course.other_group.id}/attendance").get_data(as_text=True)
    assert "No meeting of this group has taken place yet." in html
