"""Administrators manage who belongs to a group, within its capacity."""

from __future__ import annotations

from flask.testing import FlaskClient

from server.extensions import db
from server.models import Membership, MembershipRole, MembershipStatus, Role
from tests.admin.conftest import audit_actions
from tests.conftest import Course
from tests.factories import gen_membership, gen_user


def test_an_admin_adds_an_existing_person_with_a_role(
    admin_client: FlaskClient, course: Course
) -> None:
    person = course.outsider
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": person.id, "role": "participant"},
        follow_redirects=True,
    )
    assert f"{person.display_name} is now a member of the group." in response.get_data(as_text=True)
    membership = course.group.membership_of(person.id)
    assert membership is not None and membership.active
    assert membership.role == MembershipRole.PARTICIPANT
    assert audit_actions() == ["admin.membership.add"]


def test_a_full_group_takes_no_more_participants(admin_client: FlaskClient, course: Course) -> None:
    course.group.capacity = 3
    db.session.commit()
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": course.outsider.id, "role": "participant"},
        follow_redirects=True,
    )
    assert "The group is full." in response.get_data(as_text=True)
    assert course.group.membership_of(course.outsider.id) is None
    assert audit_actions() == []
    # Facilitators do not take participant places.
    admin_client.post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": course.other_facilitator.id, "role": "co_facilitator"},
    )
    assert course.group.membership_of(course.other_facilitator.id) is not None


def test_a_participant_account_cannot_be_made_a_facilitator_of_a_group(
    admin_client: FlaskClient, course: Course
) -> None:
    membership = course.group.membership_of(course.participants[0].id)
    assert membership is not None
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members/{membership.id}/role",
        data={"role": "facilitator"},
        follow_redirects=True,
    )
    assert "Only people with the facilitator role can lead a group." in response.get_data(
        as_text=True
    )
    db.session.refresh(membership)
    assert membership.role == MembershipRole.PARTICIPANT


def test_an_admin_changes_a_members_role(admin_client: FlaskClient, course: Course) -> None:
    membership = course.group.membership_of(course.co_facilitator.id)
    assert membership is not None
    admin_client.post(
        f"/admin/groups/{course.group.id}/members/{membership.id}/role",
        data={"role": "facilitator"},
    )
    db.session.refresh(membership)
    assert membership.role == MembershipRole.FACILITATOR
    assert audit_actions() == ["admin.membership.role"]


def test_becoming_a_participant_needs_a_free_place(
    admin_client: FlaskClient, course: Course
) -> None:
    course.group.capacity = 3
    db.session.commit()
    membership = course.group.membership_of(course.co_facilitator.id)
    assert membership is not None
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members/{membership.id}/role",
        data={"role": "participant"},
        follow_redirects=True,
    )
    assert "The group is full." in response.get_data(as_text=True)
    db.session.refresh(membership)
    assert membership.role == MembershipRole.CO_FACILITATOR


def test_removing_a_member_marks_them_removed_and_disconnects_them(
    admin_client: FlaskClient, course: Course, disconnected: list[int]
) -> None:
    person = course.participants[0]
    membership = course.group.membership_of(person.id)
    assert membership is not None
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members/{membership.id}/remove", follow_redirects=True
    )
    assert f"{person.display_name} is removed from the group." in response.get_data(as_text=True)
    db.session.refresh(membership)
    assert membership.status == MembershipStatus.REMOVED
    assert disconnected == [person.id]
    assert audit_actions() == ["admin.membership.remove"]
    # Their account stays active: they may belong to other groups.
    db.session.refresh(person)
    assert person.active


def test_a_removed_member_can_be_reactivated_while_there_is_room(
    admin_client: FlaskClient, course: Course
) -> None:
    newcomer = gen_user(Role.PARTICIPANT)
    removed = gen_membership(course.group, newcomer, status=MembershipStatus.REMOVED)
    course.group.capacity = 3
    db.session.commit()
    url = f"/admin/groups/{course.group.id}/members/{removed.id}/reactivate"
    response = admin_client.post(url, follow_redirects=True)
    assert "The group is full." in response.get_data(as_text=True)
    db.session.refresh(removed)
    assert removed.status == MembershipStatus.REMOVED

    course.group.capacity = 4
    db.session.commit()
    admin_client.post(url)
    db.session.refresh(removed)
    assert removed.status == MembershipStatus.ACTIVE
    assert audit_actions() == ["admin.membership.reactivate"]


def test_adding_a_removed_member_again_brings_them_back(
    admin_client: FlaskClient, course: Course
) -> None:
    newcomer = gen_user(Role.FACILITATOR)
    removed = gen_membership(course.group, newcomer, status=MembershipStatus.REMOVED)
    admin_client.post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": newcomer.id, "role": "co_facilitator"},
    )
    db.session.refresh(removed)
    assert (removed.status, removed.role) == (
        MembershipStatus.ACTIVE,
        MembershipRole.CO_FACILITATOR,
    )


def test_a_membership_of_another_group_is_not_found(
    admin_client: FlaskClient, course: Course
) -> None:
    other = course.other_group.membership_of(course.outsider.id)
    assert other is not None
    response = admin_client.post(f"/admin/groups/{course.group.id}/members/{other.id}/remove")
    assert response.status_code == 404
    db.session.refresh(other)
    assert other.active


def test_the_group_page_lists_members_with_role_and_status(
    admin_client: FlaskClient, course: Course
) -> None:
    gen_membership(course.group, gen_user(display_name="Former"), status=MembershipStatus.REMOVED)
    html = admin_client.get(f"/admin/groups/{course.group.id}").get_data(as_text=True)
    for person in (course.facilitator, course.co_facilitator, *course.participants):
        assert person.display_name in html
    assert "Former" in html and "Removed" in html
    assert "3 of 6 participant places taken" in html
    # Only people who are not members yet are offered.
    assert f'value="{course.outsider.id}"' in html


def test_an_admin_cannot_add_themselves_to_a_group_as_co_facilitator(
    admin_client: FlaskClient, course: Course
) -> None:
    # As a co-facilitator the admin would enter the room at once and get the private line.
    html = admin_client.get(f"/admin/groups/{course.group.id}").get_data(as_text=True)
    assert f'value="{course.admin.id}"' not in html
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": course.admin.id, "role": "co_facilitator"},
        follow_redirects=True,
    )
    # Sent anyway (the page offers no box for them): the rule refuses them by name.
    assert (
        f"{course.admin.display_name} is not added: An administrator cannot be a member of a group."
        in response.get_data(as_text=True)
    )
    assert db.session.scalars(db.select(Membership).filter_by(user_id=course.admin.id)).all() == []
    assert audit_actions() == []


def test_an_admins_old_membership_cannot_be_reactivated(
    admin_client: FlaskClient, course: Course
) -> None:
    removed = gen_membership(
        course.group, course.admin, MembershipRole.FACILITATOR, MembershipStatus.REMOVED
    )
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members/{removed.id}/reactivate", follow_redirects=True
    )
    assert "An administrator cannot be a member of a group." in response.get_data(as_text=True)
    db.session.refresh(removed)
    assert removed.status == MembershipStatus.REMOVED
    assert audit_actions() == []


def test_a_person_whose_name_passes_for_a_members_cannot_be_added(
    admin_client: FlaskClient, course: Course
) -> None:
    impostor = gen_user(display_name="M\u0456ra")  # a Cyrillic i
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/members",
        data={"user_id": impostor.id, "role": "participant"},
        follow_redirects=True,
    )
    assert "already uses a name like this person" in response.get_data(as_text=True)
    assert course.group.membership_of(impostor.id) is None
    assert audit_actions() == []
