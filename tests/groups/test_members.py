"""The membership rules, without the web: capacity, roles, invitations."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.groups.members import (
    add_member,
    create_invitation,
    reactivate_member,
    remove_member,
    revoke_invitation,
)
from server.groups.service import GroupError, participant_count
from server.models import AuditEntry, Invitation, MembershipRole, MembershipStatus, Role, utcnow
from server.models.types import hash_token
from tests.conftest import Course
from tests.factories import gen_membership, gen_user


def test_only_active_participants_take_places(course: Course) -> None:
    assert participant_count(course.group) == 3  # facilitators are not counted
    gen_membership(course.group, gen_user(), status=MembershipStatus.REMOVED)
    assert participant_count(course.group) == 3
    membership = course.group.membership_of(course.participants[0].id)
    assert membership is not None
    remove_member(membership, course.admin)
    assert participant_count(course.group) == 2


def test_the_last_place_can_be_taken_once(course: Course) -> None:
    course.group.capacity = 4
    first, second = gen_user(), gen_user()
    add_member(course.group, first, MembershipRole.PARTICIPANT, course.admin, utcnow())
    with pytest.raises(GroupError) as refused:
        add_member(course.group, second, MembershipRole.PARTICIPANT, course.admin, utcnow())
    assert refused.value.code == "full"


def test_a_deactivated_account_cannot_join(course: Course) -> None:
    person = gen_user(active=False)
    with pytest.raises(GroupError) as refused:
        add_member(course.group, person, MembershipRole.PARTICIPANT, course.admin, utcnow())
    assert refused.value.code == "person_inactive"


@pytest.mark.parametrize("role", list(MembershipRole))
def test_an_administrator_account_holds_no_group_role(course: Course, role: MembershipRole) -> None:
    admin = gen_user(Role.ADMIN)
    with pytest.raises(GroupError) as refused:
        add_member(course.group, admin, role, course.admin, utcnow())
    assert refused.value.code == "administrator"
    # Nor through a row left from before.
    old = gen_membership(course.group, admin, role, MembershipStatus.REMOVED)
    with pytest.raises(GroupError):
        reactivate_member(old, course.admin, utcnow())
    assert not old.active


def test_an_invitation_keeps_only_the_hash_and_can_be_revoked_once(course: Course) -> None:
    now = utcnow()
    invitation, token = create_invitation(
        course.group, MembershipRole.PARTICIPANT, 14, course.admin, now
    )
    db.session.commit()
    stored = db.session.get(Invitation, invitation.id)
    assert stored is not None and stored.token_hash == hash_token(token)
    assert stored.token_hash != token and stored.state == "open"
    revoke_invitation(stored, course.admin, utcnow())
    assert stored.state == "revoked"
    with pytest.raises(GroupError):
        revoke_invitation(stored, course.admin, utcnow())
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["admin.invitation.create", "admin.invitation.revoke"]


@pytest.mark.parametrize("days", [0, 91])
def test_an_invitation_lasts_between_one_and_ninety_days(course: Course, days: int) -> None:
    with pytest.raises(GroupError):
        create_invitation(course.group, MembershipRole.PARTICIPANT, days, course.admin, utcnow())
