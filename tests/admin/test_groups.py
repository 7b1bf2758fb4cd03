"""Administrators create, edit and delete groups."""

from __future__ import annotations

import html
import json
import re

import pytest
from flask.testing import FlaskClient

from server.agreements import default_agreement
from server.config import Config
from server.extensions import db
from server.models import (
    Acknowledgement,
    Attendance,
    AuditEntry,
    Group,
    GroupKind,
    Invitation,
    Meeting,
    Membership,
)
from tests.admin.conftest import audit_actions
from tests.conftest import Course
from tests.factories import gen_invitation, gen_meeting


def _settings(group: Group | None = None, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": group.name if group else "Wednesday group",
        "kind": group.kind.value if group else "group",
        "capacity": group.capacity if group else 6,
        "timezone": group.timezone if group else "Europe/Copenhagen",
        "language": group.language if group else "da",
        "agreement_text": group.agreement_text if group else "We listen.",
    }
    if group is None or group.auto_admit:
        data["auto_admit"] = "y"
    data.update(overrides)
    return data


def test_an_admin_creates_a_group(admin_client: FlaskClient, course: Course) -> None:
    response = admin_client.post(
        "/admin/groups/new", data=_settings(timezone="Europe/Prague", language="en")
    )
    group = db.session.scalar(db.select(Group).where(Group.name == "Wednesday group"))
    assert group is not None
    assert response.headers["Location"] == f"/admin/groups/{group.id}"
    assert (group.timezone, group.language, group.capacity, group.auto_admit) == (
        "Europe/Prague",
        "en",
        6,
        True,
    )
    assert group.agreement_text == "We listen." and group.agreement_version == 1
    assert audit_actions() == ["admin.group.create"]


def _new_group(client: FlaskClient, language: str, agreement: str) -> Group:
    """Fill in the new-group form as the admin would: choose the language, send the text."""
    client.post(
        "/admin/groups/new",
        data=_settings(name=f"{language} group", language=language, agreement_text=agreement),
    )
    group = db.session.scalar(db.select(Group).where(Group.name == f"{language} group"))
    assert group is not None
    return group


def _agreement_field(page: str) -> str:
    """The agreement's textarea tag, with its attributes."""
    match = re.search(r'<textarea[^>]*id="agreement_text"[^>]*>', page)
    assert match, "no agreement field on the page"
    return match.group(0)


def test_the_new_group_form_starts_with_the_danish_agreement(admin_client: FlaskClient) -> None:
    page = html.unescape(admin_client.get("/admin/groups/new").get_data(as_text=True))
    assert default_agreement("da") in page
    assert default_agreement("en") not in page
    # Marked as Danish for spelling checkers and screen readers, on an English page.
    assert 'lang="da"' in _agreement_field(page) and 'dir="ltr"' in _agreement_field(page)


def test_the_new_group_form_carries_each_languages_default_for_script(
    admin_client: FlaskClient,
) -> None:
    page = admin_client.get("/admin/groups/new").get_data(as_text=True)
    field = _agreement_field(page)
    assert 'data-agreement-defaults="agreement-defaults"' in field
    assert 'data-language-field="language"' in field
    match = re.search(
        r'<script type="application/json" id="agreement-defaults">(.*?)</script>', page
    )
    assert match
    defaults = json.loads(match.group(1))
    assert set(defaults) == set(Config.LANGUAGES)
    assert defaults["cs"] == {"text": default_agreement("cs"), "dir": "ltr"}
    assert defaults["ar"] == {"text": default_agreement("ar"), "dir": "rtl"}


def test_a_danish_group_gets_the_danish_agreement(admin_client: FlaskClient) -> None:
    # As a browser sends the text it showed: CRLF line ends.
    group = _new_group(admin_client, "da", default_agreement("da").replace("\n", "\r\n"))
    assert group.agreement_text == default_agreement("da")
    assert group.agreement_text.startswith("Det, der bliver sagt her, bliver her")


def test_a_czech_group_gets_the_czech_agreement(admin_client: FlaskClient) -> None:
    # The form showed the Danish default; the admin chose Czech and left the text as it was.
    # Browsers send a textarea's lines with CRLF.
    shown = default_agreement("da").replace("\n", "\r\n")
    group = _new_group(admin_client, "cs", shown)
    assert group.agreement_text == default_agreement("cs")
    assert group.agreement_text.startswith("Co se tady řekne, zůstane tady")
    assert group.agreement_version == 1


@pytest.mark.parametrize("language", [code for code in Config.LANGUAGES if code != "en"])
def test_a_new_group_in_each_language_gets_an_agreement_in_it(
    admin_client: FlaskClient, language: str
) -> None:
    group = _new_group(admin_client, language, default_agreement("da"))
    assert group.agreement_text == default_agreement(language)
    assert group.agreement_text != default_agreement("en")


def test_an_agreement_the_admin_wrote_is_kept_whatever_the_language(
    admin_client: FlaskClient,
) -> None:
    edited = default_agreement("da") + "\nVi holder pauser."
    assert _new_group(admin_client, "cs", edited).agreement_text == edited


def test_a_refused_form_shows_the_default_of_the_chosen_language(
    admin_client: FlaskClient,
) -> None:
    response = admin_client.post(
        "/admin/groups/new",
        data=_settings(name="", language="uk", agreement_text=default_agreement("da")),
    )
    page = html.unescape(response.get_data(as_text=True))
    assert "Give the group a name." in page
    assert default_agreement("uk") in page and default_agreement("da") not in page
    assert 'lang="uk"' in _agreement_field(page)


def test_changing_an_existing_groups_language_keeps_its_agreement(
    admin_client: FlaskClient, course: Course
) -> None:
    group = course.group
    assert group.agreement_text == default_agreement("da")
    admin_client.post(f"/admin/groups/{group.id}/edit", data=_settings(group, language="en"))
    db.session.refresh(group)
    assert (group.language, group.agreement_text, group.agreement_version) == (
        "en",
        default_agreement("da"),
        1,
    )


def test_an_arabic_groups_agreement_is_edited_right_to_left(
    admin_client: FlaskClient, course: Course
) -> None:
    course.group.language = "ar"
    db.session.commit()
    page = admin_client.get(f"/admin/groups/{course.group.id}/edit").get_data(as_text=True)
    assert 'lang="ar"' in _agreement_field(page) and 'dir="rtl"' in _agreement_field(page)


def test_a_time_zone_that_does_not_exist_is_refused(admin_client: FlaskClient) -> None:
    response = admin_client.post("/admin/groups/new", data=_settings(timezone="Mars/Olympus"))
    assert response.status_code == 200
    assert db.session.scalar(db.select(Group).where(Group.name == "Wednesday group")) is None


def test_editing_the_agreement_raises_its_version(
    admin_client: FlaskClient, course: Course
) -> None:
    group = course.group
    response = admin_client.post(
        f"/admin/groups/{group.id}/edit",
        data=_settings(group, agreement_text="New words.", language="en"),
    )
    assert response.status_code == 302
    db.session.refresh(group)
    assert (group.agreement_text, group.agreement_version, group.language) == (
        "New words.",
        2,
        "en",
    )
    assert audit_actions() == ["admin.group.update"]


def test_saving_the_same_agreement_keeps_its_version(
    admin_client: FlaskClient, course: Course
) -> None:
    admin_client.post(
        f"/admin/groups/{course.group.id}/edit", data=_settings(course.group, name="Renamed")
    )
    db.session.refresh(course.group)
    assert (course.group.name, course.group.agreement_version) == ("Renamed", 1)


def test_capacity_cannot_go_below_the_participant_count(
    admin_client: FlaskClient, course: Course
) -> None:
    group = course.group  # three participants
    response = admin_client.post(
        f"/admin/groups/{group.id}/edit", data=_settings(group, capacity=2)
    )
    assert response.status_code == 200
    assert "The group has more participants than that." in response.get_data(as_text=True)
    db.session.refresh(group)
    assert group.capacity == 6
    assert audit_actions() == []
    # Facilitators are not counted: three places for three participants is enough.
    admin_client.post(f"/admin/groups/{group.id}/edit", data=_settings(group, capacity=3))
    db.session.refresh(group)
    assert group.capacity == 3


def test_a_one_to_one_group_has_one_participant(admin_client: FlaskClient) -> None:
    response = admin_client.post(
        "/admin/groups/new", data=_settings(kind="one_to_one", capacity=2, name="Sparring")
    )
    assert "A one-to-one group has exactly one participant" in response.get_data(as_text=True)
    admin_client.post(
        "/admin/groups/new", data=_settings(kind="one_to_one", capacity=1, name="Sparring")
    )
    group = db.session.scalar(db.select(Group).where(Group.name == "Sparring"))
    assert group is not None and group.kind == GroupKind.ONE_TO_ONE


def test_a_capacity_that_is_not_a_number_gets_a_message(admin_client: FlaskClient) -> None:
    response = admin_client.post("/admin/groups/new", data=_settings(capacity="many"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#capacity"' in page


def test_deleting_a_group_removes_its_meetings_memberships_and_records(
    admin_client: FlaskClient, course: Course, disconnected: list[int]
) -> None:
    group, meeting = course.group, course.meeting
    later = gen_meeting(group)
    person = course.participants[0]
    db.session.add(Acknowledgement(user_id=person.id, meeting_id=meeting.id, agreement_version=1))
    db.session.add(Attendance(user_id=person.id, meeting_id=meeting.id))
    db.session.add(
        AuditEntry(
            action="room.warn",
            actor_id=course.facilitator.id,
            group_id=group.id,
            meeting_id=meeting.id,
        )
    )
    db.session.commit()
    gen_invitation(group)
    other_meeting = gen_meeting(course.other_group)
    group_id, meeting_ids = group.id, [meeting.id, later.id]
    members = sorted(m.user_id for m in group.memberships)

    assert "Delete Tuesday group?" in admin_client.get(f"/admin/groups/{group_id}/delete").get_data(
        as_text=True
    )
    response = admin_client.post(f"/admin/groups/{group_id}/delete")
    assert response.headers["Location"] == "/admin/groups"
    db.session.expire_all()

    assert db.session.get(Group, group_id) is None
    assert db.session.scalars(db.select(Meeting).where(Meeting.id.in_(meeting_ids))).all() == []
    assert (
        db.session.scalars(db.select(Membership).where(Membership.group_id == group_id)).all() == []
    )
    assert db.session.scalars(db.select(Invitation)).all() == []
    assert db.session.scalars(db.select(Acknowledgement)).all() == []
    assert db.session.scalars(db.select(Attendance)).all() == []
    # The accounts stay, and the other group is untouched.
    assert db.session.get(type(person), person.id) is not None
    assert db.session.get(Meeting, other_meeting.id) is not None
    assert course.other_group.membership_of(course.outsider.id) is not None
    # Earlier records keep who acted, no longer which group.
    entries = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.group_id, e.meeting_id) for e in entries] == [
        ("room.warn", None, None),
        ("admin.group.delete", None, None),
    ]
    assert entries[1].actor_id == course.admin.id
    assert sorted(disconnected) == members
