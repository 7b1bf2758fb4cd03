"""Accepting an invitation: the rules, in one transaction each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from server.auth.service import normalise_login
from server.extensions import db
from server.groups.names import name_taken
from server.models import (
    Group,
    Invitation,
    Membership,
    MembershipRole,
    MembershipStatus,
    Role,
    User,
    utcnow,
)
from server.models.types import hash_token

# "admin": an administrator's account cannot join a group (admins hold no group role).
Unavailable = Literal["unknown", "expired", "used", "revoked", "full", "admin"]


class InvitationUnavailable(Exception):
    """The invitation cannot be used; ``reason`` says why."""

    def __init__(self, reason: Unavailable) -> None:
        super().__init__(reason)
        self.reason: Unavailable = reason


class LoginTaken(Exception):
    """Someone already has this login name."""


class AlreadyMember(Exception):
    """The person is an active member of the group already."""


class NameTaken(Exception):
    """Someone in the group has a name like the one the person would join under."""


@dataclass(frozen=True)
class NewPerson:
    login: str
    display_name: str
    password: str
    language: str
    timezone: str


def find_invitation(token: str) -> Invitation | None:
    return db.session.scalar(
        db.select(Invitation).where(Invitation.token_hash == hash_token(token))
    )


def _participants(group_id: int) -> int:
    return (
        db.session.scalar(
            db.select(func.count(Membership.id)).where(
                Membership.group_id == group_id,
                Membership.role == MembershipRole.PARTICIPANT,
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
        or 0
    )


def unavailable_reason(invitation: Invitation | None) -> Unavailable | None:
    """Why this invitation cannot be used now, or None when it can."""
    if invitation is None:
        return "unknown"
    state = invitation.state
    if state != "open":
        return state  # type: ignore[return-value]
    if invitation.role == MembershipRole.PARTICIPANT:
        group = invitation.group
        if _participants(group.id) >= group.capacity:
            return "full"
    return None


def _lock(invitation: Invitation) -> Group:
    """Lock the invitation and its group for this transaction (on databases that lock rows),
    read them afresh, and check again that the invitation can be used."""
    db.session.execute(
        db.select(Invitation)
        .where(Invitation.id == invitation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    group = db.session.execute(
        db.select(Group)
        .where(Group.id == invitation.group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    reason = unavailable_reason(invitation)
    if reason is not None:
        raise InvitationUnavailable(reason)
    return group


def login_taken(login: str) -> bool:
    return (
        db.session.scalar(db.select(User.id).where(User.login == normalise_login(login)))
        is not None
    )


def _global_role(role: MembershipRole) -> Role:
    return Role.FACILITATOR if role.facilitates else Role.PARTICIPANT


def _use(invitation: Invitation, user: User) -> None:
    invitation.used_at = utcnow()
    invitation.used_by_id = user.id
    # The administrators' note of whom it was for goes in the same transaction.
    invitation.label = None


def accept_as_new_person(invitation: Invitation, person: NewPerson) -> User:
    """Make the account, its membership and use the invitation: one transaction, committed."""
    try:
        _lock(invitation)
        if login_taken(person.login):
            raise LoginTaken
        if name_taken(person.display_name, [invitation.group_id]):
            raise NameTaken
        user = User(
            login=normalise_login(person.login),
            display_name=person.display_name,
            role=_global_role(invitation.role),
            language=person.language,
            timezone=person.timezone,
        )
        user.set_password(person.password)
        db.session.add(user)
        db.session.flush()
        db.session.add(
            Membership(group_id=invitation.group_id, user_id=user.id, role=invitation.role)
        )
        _use(invitation, user)
        db.session.commit()
    except IntegrityError:
        # Someone took the same login name a moment ago.
        db.session.rollback()
        raise LoginTaken from None
    except Exception:
        db.session.rollback()
        raise
    return user


def already_member(invitation: Invitation, user: User) -> bool:
    membership = invitation.group.membership_of(user.id)
    return membership is not None and membership.active


def accept_as_existing_person(invitation: Invitation, user: User) -> Membership:
    """Add a logged-in person to the group (or bring a former member back), in one transaction."""
    try:
        group = _lock(invitation)
        if user.role == Role.ADMIN:
            raise InvitationUnavailable("admin")
        membership = group.membership_of(user.id)
        if membership is not None and membership.active:
            raise AlreadyMember
        if name_taken(user.display_name, [group.id], user.id):
            raise NameTaken
        if membership is None:
            membership = Membership(group_id=group.id, user_id=user.id, role=invitation.role)
            db.session.add(membership)
        else:
            membership.role = invitation.role
            membership.status = MembershipStatus.ACTIVE
            membership.joined_at = utcnow()
        if invitation.role.facilitates and user.role == Role.PARTICIPANT:
            user.role = Role.FACILITATOR
        _use(invitation, user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return membership
