from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from server.extensions import db
from server.invitations.service import (
    InvitationUnavailable,
    NewPerson,
    accept_as_existing_person,
    accept_as_new_person,
)
from server.models import (
    Invitation,
    Membership,
    MembershipRole,
    MembershipStatus,
    Role,
    User,
    utcnow,
)
from tests.conftest import Course
from tests.factories import PASSWORD, gen_invitation, gen_membership, gen_user, log_in

NEW_PASSWORD = "a-long-new-password"


def form(**overrides: str) -> dict[str, str]:
    data = {
        "login": "  NewPerson ",
        "display_name": "Kestrel",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
        "language": "en",
        "timezone": "America/New_York",
    }
    data.update(overrides)
    return data


def user_count() -> int:
    return len(db.session.scalars(db.select(User)).all())


def test_an_invitee_sees_only_the_group_name_before_accepting(
    client: FlaskClient, course: Course
) -> None:
    course.meeting.theme = "Boundaries"
    db.session.commit()
    _, token = gen_invitation(course.group)
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    assert "Tuesday group" in page
    assert "We advise you not to use your real name." in page
    assert "data-timezone-field" in page
    for secret in ("Mira", "Birch", "Boundaries", course.participants[0].login):
        assert secret not in page


def test_an_invitee_joins_through_the_form_and_sees_the_meetings(
    app, client: FlaskClient, course: Course
) -> None:  # type: ignore[no-untyped-def]
    invitation, token = gen_invitation(course.group)
    response = client.post(f"/invite/{token}", data=form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    user = db.session.scalar(db.select(User).where(User.login == "newperson"))
    assert user is not None
    assert user.display_name == "Kestrel"
    assert user.role == Role.PARTICIPANT
    assert user.language == "en"
    assert user.timezone == "America/New_York"
    membership = course.group.membership_of(user.id)
    assert membership is not None
    assert membership.role == MembershipRole.PARTICIPANT and membership.active
    db.session.refresh(invitation)
    assert invitation.used_by_id == user.id and invitation.used_at is not None

    home = client.get("/").get_data(as_text=True)
    assert "Welcome to Tuesday group." in home
    assert f"/meetings/{course.meeting.id}" in home

    fresh = app.test_client()
    log_in(fresh, user, NEW_PASSWORD)
    assert "Tuesday group" in fresh.get("/").get_data(as_text=True)


def test_an_unknown_browser_time_zone_falls_back_to_the_groups(
    client: FlaskClient, course: Course
) -> None:
    course.group.timezone = "Europe/Copenhagen"
    db.session.commit()
    _, token = gen_invitation(course.group)
    client.post(f"/invite/{token}", data=form(timezone="../../etc/passwd"))
    user = db.session.scalar(db.select(User).where(User.login == "newperson"))
    assert user is not None and user.timezone == "Europe/Copenhagen"


def test_a_facilitator_invitation_makes_a_facilitator(client: FlaskClient, course: Course) -> None:
    _, token = gen_invitation(course.group, role=MembershipRole.CO_FACILITATOR)
    client.post(f"/invite/{token}", data=form())
    user = db.session.scalar(db.select(User).where(User.login == "newperson"))
    assert user is not None and user.role == Role.FACILITATOR
    membership = course.group.membership_of(user.id)
    assert membership is not None and membership.role == MembershipRole.CO_FACILITATOR


def _expire(invitation: Invitation) -> None:
    invitation.expires_at = utcnow() - timedelta(minutes=1)


def _use(invitation: Invitation) -> None:
    invitation.used_at = utcnow()


def _revoke(invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_expire, "This invitation has expired"),
        (_use, "This invitation has been used"),
        (_revoke, "This invitation has been withdrawn"),
    ],
)
def test_a_spent_invitation_says_so_and_writes_nothing(
    client: FlaskClient, course: Course, spoil, message: str
) -> None:  # type: ignore[no-untyped-def]
    invitation, token = gen_invitation(course.group)
    spoil(invitation)
    db.session.commit()
    before = user_count()
    for response in (client.get(f"/invite/{token}"), client.post(f"/invite/{token}", data=form())):
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert message in page
        assert "Tuesday group" not in page
    assert user_count() == before


def test_an_unknown_invitation_is_not_found(client: FlaskClient, course: Course) -> None:
    response = client.get("/invite/not-a-real-token")
    assert response.status_code == 404
    assert "This invitation link does not work" in response.get_data(as_text=True)


def test_a_full_group_says_so_and_writes_nothing(client: FlaskClient, course: Course) -> None:
    course.group.capacity = 3
    db.session.commit()
    invitation, token = gen_invitation(course.group)
    before = user_count()
    for response in (client.get(f"/invite/{token}"), client.post(f"/invite/{token}", data=form())):
        assert response.status_code == 409
        assert "This group is full" in response.get_data(as_text=True)
    assert user_count() == before
    db.session.refresh(invitation)
    assert invitation.used_at is None


def test_a_facilitator_can_join_a_full_group(client: FlaskClient, course: Course) -> None:
    course.group.capacity = 3
    db.session.commit()
    _, token = gen_invitation(course.group, role=MembershipRole.FACILITATOR)
    assert client.post(f"/invite/{token}", data=form()).status_code == 302


def test_capacity_is_checked_again_when_the_account_is_made(course: Course) -> None:
    invitation, _ = gen_invitation(course.group)
    course.group.capacity = 4
    db.session.commit()
    # Someone else takes the last place between showing the form and sending it.
    gen_membership(course.group, gen_user())
    before = user_count()
    person = NewPerson("late", "Late", NEW_PASSWORD, "en", "UTC")
    with pytest.raises(InvitationUnavailable) as raised:
        accept_as_new_person(invitation, person)
    assert raised.value.reason == "full"
    assert user_count() == before
    assert invitation.used_at is None


def test_a_taken_login_name_is_refused(client: FlaskClient, course: Course) -> None:
    taken = course.participants[0].login
    invitation, token = gen_invitation(course.group)
    before = user_count()
    response = client.post(f"/invite/{token}", data=form(login=f" {taken.upper()} "))
    assert response.status_code == 200
    assert "This login name is taken" in response.get_data(as_text=True)
    assert user_count() == before
    db.session.refresh(invitation)
    assert invitation.used_at is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"confirm": "something-else-entirely"}, "The passwords differ."),
        ({"display_name": "  "}, "Choose a name others will see."),
        ({"login": "two words"}, "without spaces"),
    ],
)
def test_an_invalid_form_says_what_is_wrong(
    client: FlaskClient, course: Course, overrides: dict[str, str], message: str
) -> None:
    _, token = gen_invitation(course.group)
    before = user_count()
    response = client.post(f"/invite/{token}", data=form(**overrides))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert user_count() == before


def test_a_logged_in_person_joins_with_their_account(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    client = login_as(course.outsider)
    invitation, token = gen_invitation(course.group)
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    assert "Join this group with my current account" in page
    assert 'name="login"' not in page
    before = user_count()
    response = client.post(f"/invite/{token}")
    assert response.status_code == 302
    assert user_count() == before
    membership = course.group.membership_of(course.outsider.id)
    assert membership is not None and membership.active
    db.session.refresh(invitation)
    assert invitation.used_by_id == course.outsider.id
    assert "Tuesday group" in client.get("/").get_data(as_text=True)


def test_a_member_does_not_use_up_an_invitation(participant_client, course: Course) -> None:  # type: ignore[no-untyped-def]
    invitation, token = gen_invitation(course.group)
    response = participant_client.post(f"/invite/{token}")
    assert "You are already a member" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.used_at is None


def test_a_removed_member_can_come_back_with_a_new_invitation(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    membership = course.group.membership_of(person.id)
    assert membership is not None
    membership.status = MembershipStatus.REMOVED
    db.session.commit()
    _, token = gen_invitation(course.group)
    client = login_as(person)
    assert client.post(f"/invite/{token}").status_code == 302
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.ACTIVE
    count = db.session.scalars(db.select(Membership).where(Membership.user_id == person.id)).all()
    assert len(count) == 1


def test_a_new_account_can_log_in_with_the_chosen_password(
    app, client: FlaskClient, course: Course
) -> None:  # type: ignore[no-untyped-def]
    _, token = gen_invitation(course.group)
    client.post(f"/invite/{token}", data=form())
    fresh = app.test_client()
    wrong = fresh.post("/login", data={"login": "newperson", "password": PASSWORD})
    assert wrong.status_code == 200
    right = fresh.post("/login", data={"login": "NewPerson", "password": NEW_PASSWORD})
    assert right.status_code == 302


def test_the_form_works_with_csrf_protection_on(app, client: FlaskClient, course: Course) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    _, token = gen_invitation(course.group)
    page = client.get(f"/invite/{token}").get_data(as_text=True)
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert found is not None
    assert page.count('name="timezone"') == 1
    response = client.post(f"/invite/{token}", data={**form(), "csrf_token": found.group(1)})
    assert response.status_code == 302


def test_an_admin_who_opens_an_invitation_cannot_accept_it(admin_client, course: Course) -> None:  # type: ignore[no-untyped-def]
    # Joined as a facilitator, the admin would sit in the room and read the private line.
    invitation, token = gen_invitation(course.group, role=MembershipRole.CO_FACILITATOR)
    page = admin_client.get(f"/invite/{token}")
    assert page.status_code == 403
    assert "An administrator cannot join a group" in page.get_data(as_text=True)
    assert "Join this group with my current account" not in page.get_data(as_text=True)
    response = admin_client.post(f"/invite/{token}")
    assert response.status_code == 403
    # The rule itself refuses too, whoever calls it.
    with pytest.raises(InvitationUnavailable):
        accept_as_existing_person(invitation, course.admin)
    assert course.group.membership_of(course.admin.id) is None
    db.session.refresh(invitation)
    assert invitation.used_at is None
    db.session.refresh(course.admin)
    assert course.admin.role == Role.ADMIN


@pytest.mark.parametrize("impostor", ["Mira", " mira ", "M\u0456ra", "M\u200bira", "M1RA"])
def test_a_newcomer_cannot_join_under_a_name_like_a_members(
    client: FlaskClient, course: Course, impostor: str
) -> None:
    invitation, token = gen_invitation(course.group)
    before = user_count()
    response = client.post(f"/invite/{token}", data=form(display_name=impostor))
    assert response.status_code == 200
    assert "Someone in this group already uses a name like this." in response.get_data(as_text=True)
    assert user_count() == before
    db.session.refresh(invitation)
    assert invitation.used_at is None


def test_a_name_that_only_resembles_a_members_is_welcome(
    client: FlaskClient, course: Course
) -> None:
    _, token = gen_invitation(course.group)
    assert client.post(f"/invite/{token}", data=form(display_name="Mirabel")).status_code == 302


def test_an_account_named_like_a_member_cannot_join_with_an_invitation(
    login_as, course: Course
) -> None:  # type: ignore[no-untyped-def]
    course.outsider.display_name = "J\u043enas"  # a Cyrillic o: harmless in the other group
    db.session.commit()
    invitation, token = gen_invitation(course.group)
    response = login_as(course.outsider).post(f"/invite/{token}")
    assert response.status_code == 200
    assert "already uses a name like yours" in response.get_data(as_text=True)
    assert course.group.membership_of(course.outsider.id) is None
    db.session.refresh(invitation)
    assert invitation.used_at is None
