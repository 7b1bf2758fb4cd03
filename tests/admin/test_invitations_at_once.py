"""Administrators make several invitations at once, each with a private "For whom" label and a
message to send that names no group; the label is gone from the database as soon as the
invitation is used, revoked or expires."""

from __future__ import annotations

import html
import logging
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import dates
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from server.extensions import db
from server.models import Invitation, MembershipRole, Role
from tests.admin.conftest import audit_actions, token_of
from tests.conftest import Course
from tests.factories import gen_group, gen_invitation, gen_membership, gen_user

NEW_PASSWORD = "a-long-new-password"
SIX = [
    "Anna from the Tuesday shelter group",
    "Bo, the counsellor's referral",
    "Carla (spoke on the phone 3 Dec)",
    "Dina",
    "Eva — second try",
    "Fatima",
]


def make(client: FlaskClient, group_id: int, **data: object) -> str:
    fields: dict[str, object] = {"role": "participant", "days": 7}
    fields.update(data)
    response = client.post(f"/admin/groups/{group_id}/invitations", data=fields)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def links_on(page: str) -> list[str]:
    """Every invitation link in a read-only link field of the page, in order."""
    return re.findall(
        r'<input type="text" id="one-time-link[-\d]*" value="([^"]+/invite/[^"]+)"', page
    )


def messages_on(page: str) -> list[str]:
    """Every message to send on the page, as the textarea holds it."""
    found = re.findall(r'<textarea id="invitation-message-\d+"[^>]*>(.*?)</textarea>', page, re.S)
    return [html.unescape(message) for message in found]


def label_in_row(invitation_id: int) -> str | None:
    """The label as the database row holds it (not as a model object remembers it)."""
    return db.session.execute(
        db.text("SELECT label FROM invitations WHERE id = :id"), {"id": invitation_id}
    ).scalar_one()


def accept_as_a_new_person(client: FlaskClient, link: str, login: str) -> int:
    response = client.post(
        f"/invite/{token_of(link)}",
        data={
            "login": login,
            "display_name": f"Name {login}",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "language": "en",
            "timezone": "Europe/Copenhagen",
        },
    )
    return response.status_code


@pytest.fixture
def roomy(course: Course) -> Course:
    """The course's group with places for twelve participants."""
    course.group.capacity = 12
    db.session.commit()
    return course


def test_six_labels_make_six_invitations_each_with_its_own_link_and_message(
    admin_client: FlaskClient, roomy: Course, app: Flask
) -> None:
    page = make(admin_client, roomy.group.id, labels="\n".join(SIX) + "\n\n", count=1)
    made = db.session.scalars(db.select(Invitation).order_by(Invitation.id)).all()
    assert [i.label for i in made] == SIX
    links = links_on(page)
    assert len(links) == len(set(links)) == 6
    assert page.count("Copy the message</button>") == 6
    assert page.count("Copy the link</button>") == 6
    assert "6 invitations are ready." in page
    assert f'href="/admin/groups/{roomy.group.id}/invitations"' in page
    for label in SIX:
        assert escape(label) in page
    # Each message carries its own link, and the page shows each link with its own label.
    for message, link in zip(messages_on(page), links, strict=True):
        assert link in message
    # Each link works once, for whoever opens it.
    for n, link in enumerate(links):
        assert accept_as_a_new_person(app.test_client(), link, f"newcomer{n}") == 302
        assert accept_as_a_new_person(app.test_client(), link, f"again{n}") == 410
    assert all(i.used_at is not None for i in db.session.scalars(db.select(Invitation)))
    # One audit entry per invitation, and none holds a label.
    assert audit_actions() == ["admin.invitation.create"] * 6
    log = admin_client.get("/admin/audit").get_data(as_text=True)
    assert not [label for label in SIX if escape(label) in log]


def test_the_message_names_neither_the_group_nor_what_it_is_about(
    admin_client: FlaskClient, roomy: Course
) -> None:
    roomy.group.name = "Survivors of violence, evening circle"
    roomy.meeting.theme = "Boundaries"
    db.session.commit()
    page = make(admin_client, roomy.group.id, labels="Anna")
    [message] = messages_on(page)
    [link] = links_on(page)
    assert message.startswith("You are invited to join a group on Kreds.")
    assert link in message and "works once" in message
    for secret in ("Survivors", "violence", "evening", "Boundaries", "Anna"):
        assert secret.lower() not in message.lower().replace(link.lower(), "")


def test_the_message_is_in_the_administrators_language(
    login_as,
    roomy: Course,  # type: ignore[no-untyped-def]
) -> None:
    roomy.admin.language = "da"
    db.session.commit()
    page = make(login_as(roomy.admin), roomy.group.id, count=1)
    [message] = messages_on(page)
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation is not None
    local = invitation.expires_at.astimezone(ZoneInfo(roomy.group.timezone))
    assert dates.format_date(local.date(), "full", locale="da") in message


def test_how_many_makes_links_without_labels(admin_client: FlaskClient, roomy: Course) -> None:
    page = make(admin_client, roomy.group.id, count=3)
    assert len(links_on(page)) == 3
    made = db.session.scalars(db.select(Invitation)).all()
    assert len(made) == 3 and {i.label for i in made} == {None}
    assert "Invitation 2 of 3" in page


def test_too_many_or_too_long_labels_make_nothing_and_say_which_line(
    admin_client: FlaskClient, roomy: Course
) -> None:
    too_many = make(admin_client, roomy.group.id, labels="\n".join(f"P{n}" for n in range(21)))
    assert "Write at most 20 lines: one line makes one invitation." in too_many
    too_long = make(admin_client, roomy.group.id, labels="Anna\n" + "x" * 81 + "\nBo\n" + "y" * 90)
    assert "Line 2 has 81 characters: use at most 80." in too_long
    assert "Line 4 has 90 characters: use at most 80." in too_long
    # The summary links to the field, and what was typed stays there.
    assert 'href="#labels"' in too_long and "Anna\nx" in too_long
    wrong_count = make(admin_client, roomy.group.id, count=21)
    assert "Choose between 1 and 20 invitations." in wrong_count
    assert db.session.scalar(db.select(Invitation)) is None
    assert audit_actions() == []


def test_a_full_group_gets_none_of_a_batch_of_participant_invitations(
    admin_client: FlaskClient, course: Course
) -> None:
    course.group.capacity = 3
    db.session.commit()
    page = make(admin_client, course.group.id, labels="Anna\nBo")
    assert "The group is full." in page
    assert db.session.scalar(db.select(Invitation)) is None


def test_the_list_shows_for_whom_each_open_invitation_is(
    admin_client: FlaskClient, roomy: Course
) -> None:
    make(admin_client, roomy.group.id, labels="Anna from the Tuesday shelter group\nBo")
    page = admin_client.get(f"/admin/groups/{roomy.group.id}/invitations").get_data(as_text=True)
    assert ">For whom</th>" in page
    assert "<td>Anna from the Tuesday shelter group</td>" in page and "<td>Bo</td>" in page
    # Revoking asks about the invitation by its label.
    assert 'data-confirm="Revoke the invitation for Bo? Its link stops working."' in page


def test_a_used_invitations_label_is_deleted_from_its_row(
    admin_client: FlaskClient, roomy: Course, app: Flask
) -> None:
    page = make(admin_client, roomy.group.id, labels="Anna from the Tuesday shelter group")
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation is not None and label_in_row(invitation.id) is not None
    # Accepted through the real page, as a new person would.
    [link] = links_on(page)
    assert accept_as_a_new_person(app.test_client(), link, "anna") == 302
    assert label_in_row(invitation.id) is None
    listed = admin_client.get(f"/admin/groups/{roomy.group.id}/invitations").get_data(as_text=True)
    assert "Anna from" not in listed and ">Used</span>" in listed


def test_an_existing_person_using_an_invitation_deletes_its_label_too(
    login_as,
    roomy: Course,  # type: ignore[no-untyped-def]
) -> None:
    invitation, token = gen_invitation(roomy.group)
    invitation.label = "Someone I know"
    db.session.commit()
    someone = gen_user(Role.PARTICIPANT)
    assert login_as(someone).post(f"/invite/{token}").status_code == 302
    assert label_in_row(invitation.id) is None


def test_a_revoked_invitations_label_is_deleted_from_its_row(
    admin_client: FlaskClient, roomy: Course
) -> None:
    make(admin_client, roomy.group.id, labels="Bo")
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation is not None
    admin_client.post(f"/admin/invitations/{invitation.id}/revoke")
    assert label_in_row(invitation.id) is None
    assert audit_actions() == ["admin.invitation.create", "admin.invitation.revoke"]


def test_an_expired_invitations_label_is_deleted_when_the_list_is_shown(
    admin_client: FlaskClient, roomy: Course
) -> None:
    expired, _ = gen_invitation(roomy.group, expires_in=timedelta(days=-1))
    elsewhere, _ = gen_invitation(roomy.other_group, expires_in=timedelta(minutes=-1))
    still_open, _ = gen_invitation(roomy.group)
    for invitation, label in ((expired, "Carla"), (elsewhere, "Dina"), (still_open, "Eva")):
        invitation.label = label
    db.session.commit()
    page = admin_client.get(f"/admin/groups/{roomy.group.id}/invitations").get_data(as_text=True)
    assert "Carla" not in page and "<td>Eva</td>" in page
    assert label_in_row(expired.id) is None
    assert label_in_row(elsewhere.id) is None
    assert label_in_row(still_open.id) == "Eva"


def test_purge_records_deletes_the_labels_of_ended_invitations(app: Flask, roomy: Course) -> None:
    expired, _ = gen_invitation(roomy.group, expires_in=timedelta(days=-2))
    still_open, _ = gen_invitation(roomy.group)
    expired.label, still_open.label = "Carla", "Eva"
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge-records", "--days", "365"])
    assert result.exit_code == 0, result.output
    assert "1 invitation labels" in result.output
    assert "Carla" not in result.output
    # The expired invitation is kept (it ended within the retention), without its label.
    assert label_in_row(expired.id) is None
    assert label_in_row(still_open.id) == "Eva"


def test_labels_are_never_logged(
    admin_client: FlaskClient,
    roomy: Course,
    app: Flask,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every logger on, at every level (another test's logging set-up may have switched some off).
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            monkeypatch.setattr(logger, "disabled", False)
    caplog.set_level(logging.DEBUG)
    page = make(admin_client, roomy.group.id, labels="Anna from the Tuesday shelter group\nBo")
    admin_client.get(f"/admin/groups/{roomy.group.id}/invitations")
    invitation = db.session.scalars(db.select(Invitation).order_by(Invitation.id.desc())).first()
    assert invitation is not None
    admin_client.post(f"/admin/invitations/{invitation.id}/revoke")
    accept_as_a_new_person(app.test_client(), links_on(page)[0], "anna")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    # The requests were logged (so this looked at a real log), without any label.
    assert "POST /admin/groups/<int:group_id>/invitations 200" in logged
    assert "Anna from" not in logged and "Bo" not in logged


@pytest.mark.parametrize("who", ["participant", "facilitator"])
def test_someone_who_is_not_an_admin_cannot_make_invitations(
    login_as,
    roomy: Course,
    who: str,  # type: ignore[no-untyped-def]
) -> None:
    person = roomy.participants[0] if who == "participant" else roomy.facilitator
    response = login_as(person).post(
        f"/admin/groups/{roomy.group.id}/invitations",
        data={"labels": "\n".join(SIX), "count": 6, "role": "participant", "days": 7},
    )
    assert response.status_code == 403
    assert "/invite/" not in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Invitation)) is None
    assert audit_actions() == []


def test_the_form_keeps_one_submit_and_starts_on_one_invitation(
    admin_client: FlaskClient, roomy: Course
) -> None:
    page = admin_client.get(f"/admin/groups/{roomy.group.id}/invitations").get_data(as_text=True)
    form = page.split('aria-labelledby="new-heading"', 1)[1].split("</form>", 1)[0]
    assert form.count('type="submit"') == 1
    assert re.search(r'<textarea[^>]*name="labels"', form)
    count = re.search(r'<input[^>]*name="count"[^>]*>', form)
    assert count and 'type="number"' in count.group(0) and 'value="1"' in count.group(0)


def test_every_invitation_of_a_batch_gets_its_role(admin_client: FlaskClient) -> None:
    group = gen_group("Friday group", capacity=6)
    gen_membership(group, gen_user(Role.FACILITATOR), MembershipRole.FACILITATOR)
    page = make(admin_client, group.id, labels="Co one\nCo two", role="co_facilitator")
    made = db.session.scalars(db.select(Invitation)).all()
    assert [i.role for i in made] == [MembershipRole.CO_FACILITATOR] * 2
    assert page.count("Joins as: Co-facilitator.") == 2
