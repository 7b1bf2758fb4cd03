"""Who belongs to a group, and the invitations that bring people in: the rules, without web code.

As in :mod:`server.groups.service`, each function adds one audit entry and the caller commits.
Removing someone does not disconnect them: the caller does that after the commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Update

from server.extensions import db
from server.groups.names import name_taken
from server.groups.service import GroupError, is_full, lock_group
from server.models import (
    Group,
    Invitation,
    Membership,
    MembershipRole,
    MembershipStatus,
    Role,
    User,
)
from server.models.types import hash_token, new_token
from server.records import audit

MAX_INVITATION_DAYS = 90
# How many invitations one submit of the admin's form makes at most, and how long a label is.
MAX_INVITATIONS_AT_ONCE = 20
MAX_LABEL = 80


def _check_can_hold(group: Group, user: User, role: MembershipRole, joining: bool) -> None:
    """Refuse a role someone cannot hold in this group. ``joining``: they would become an active
    participant who is not one now, so the capacity counts."""
    if not user.active:
        raise GroupError("person_inactive")
    # Administrators hold no place in any group: they would enter rooms and see the private line.
    if user.role == Role.ADMIN:
        raise GroupError("administrator")
    # A participant account never gets a facilitator's powers by a slip of the select.
    if role.facilitates and user.role == Role.PARTICIPANT:
        raise GroupError("not_a_facilitator")
    if role == MembershipRole.PARTICIPANT and joining:
        lock_group(group)
        if is_full(group):
            raise GroupError("full")


def _check_name_free(group: Group, user: User) -> None:
    """Refuse someone whose name is like a member's: nobody may pass as the facilitator."""
    if name_taken(user.display_name, [group.id], user.id):
        raise GroupError("name_taken_in_group")


def add_member(
    group: Group,
    user: User,
    role: MembershipRole,
    actor: User,
    now: datetime,
    area: str = "admin",
) -> Membership:
    """Add someone to a group (a removed member comes back with the role given)."""
    membership = group.membership_of(user.id)
    if membership is not None and membership.active:
        raise GroupError("already_member")
    _check_can_hold(group, user, role, joining=True)
    _check_name_free(group, user)
    if membership is None:
        membership = Membership(group_id=group.id, user_id=user.id, role=role, joined_at=now)
        db.session.add(membership)
        group.memberships.append(membership)
    else:
        membership.role = role
        membership.status = MembershipStatus.ACTIVE
        membership.joined_at = now
    audit(f"{area}.membership.add", actor.id, target_user_id=user.id, group_id=group.id)
    return membership


def change_role(
    membership: Membership, role: MembershipRole, actor: User, area: str = "admin"
) -> bool:
    """Give a member another role; False when it is the role they have."""
    if membership.role == role:
        return False
    becomes_participant = membership.active and membership.role != MembershipRole.PARTICIPANT
    _check_can_hold(membership.group, membership.user, role, joining=becomes_participant)
    membership.role = role
    audit(
        f"{area}.membership.role",
        actor.id,
        target_user_id=membership.user_id,
        group_id=membership.group_id,
    )
    return True


def remove_member(membership: Membership, actor: User, area: str = "admin") -> None:
    if not membership.active:
        raise GroupError("already_removed")
    membership.status = MembershipStatus.REMOVED
    audit(
        f"{area}.membership.remove",
        actor.id,
        target_user_id=membership.user_id,
        group_id=membership.group_id,
    )


def reactivate_member(
    membership: Membership, actor: User, now: datetime, area: str = "admin"
) -> None:
    if membership.active:
        raise GroupError("already_member")
    _check_can_hold(membership.group, membership.user, membership.role, joining=True)
    _check_name_free(membership.group, membership.user)
    membership.status = MembershipStatus.ACTIVE
    membership.joined_at = now
    audit(
        f"{area}.membership.reactivate",
        actor.id,
        target_user_id=membership.user_id,
        group_id=membership.group_id,
    )


def create_invitation(
    group: Group,
    role: MembershipRole,
    days: int,
    actor: User,
    now: datetime,
    area: str = "admin",
    label: str | None = None,
) -> tuple[Invitation, str]:
    """A new single-use invitation and its token. Only the token's hash is stored: the token is
    returned once, to be shown as a link. ``label`` ("For whom") is the administrators' private
    note; the audit entry never holds it."""
    if not 1 <= days <= MAX_INVITATION_DAYS:
        raise GroupError("invitation_days")
    if label is not None and len(label) > MAX_LABEL:
        raise GroupError("invitation_label")
    if role == MembershipRole.PARTICIPANT and is_full(group):
        raise GroupError("full")
    token = new_token()
    invitation = Invitation(
        group_id=group.id,
        token_hash=hash_token(token),
        role=role,
        created_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=days),
        label=label or None,
    )
    db.session.add(invitation)
    audit(f"{area}.invitation.create", actor.id, group_id=group.id)
    return invitation, token


def revoke_invitation(
    invitation: Invitation, actor: User, now: datetime, area: str = "admin"
) -> None:
    if invitation.state != "open":
        raise GroupError("invitation_not_open")
    invitation.revoked_at = now
    invitation.label = None
    audit(f"{area}.invitation.revoke", actor.id, group_id=invitation.group_id)


def forget_ended_labels(now: datetime) -> Update:
    """The statement that deletes the label of every invitation that can no longer be used
    (expired; used and revoked ones lose theirs at once, this catches any left). Run when the
    invitations are listed and by ``flask purge-records``; the caller commits."""
    return (
        db.update(Invitation)
        .where(
            Invitation.label.is_not(None),
            (Invitation.expires_at <= now)
            | Invitation.used_at.is_not(None)
            | Invitation.revoked_at.is_not(None),
        )
        .values(label=None)
        .execution_options(synchronize_session=False)
    )
