"""Factories for the things tests need: people, groups, memberships, meetings, invitations."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from flask.testing import FlaskClient

from server.extensions import db
from server.models import (
    Group,
    Invitation,
    Meeting,
    Membership,
    MembershipRole,
    MembershipStatus,
    Role,
    User,
    utcnow,
)
from server.models.types import hash_token, new_token

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def gen_user(
    role: Role = Role.PARTICIPANT,
    login: str | None = None,
    display_name: str | None = None,
    password: str = PASSWORD,
    **fields: object,
) -> User:
    n = next(_counter)
    user = User(
        login=login or f"{role.value}{n}",
        display_name=display_name or f"Person {n}",
        role=role,
        **fields,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def gen_group(name: str | None = None, **fields: object) -> Group:
    group = Group(name=name or f"Group {next(_counter)}", **fields)
    db.session.add(group)
    db.session.commit()
    return group


def gen_membership(
    group: Group,
    user: User,
    role: MembershipRole = MembershipRole.PARTICIPANT,
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> Membership:
    membership = Membership(group_id=group.id, user_id=user.id, role=role, status=status)
    db.session.add(membership)
    db.session.commit()
    return membership


def gen_meeting(
    group: Group,
    starts_at: datetime | None = None,
    starts_in: timedelta = timedelta(minutes=5),
    **fields: object,
) -> Meeting:
    meeting = Meeting(group_id=group.id, starts_at=starts_at or utcnow() + starts_in, **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def gen_invitation(
    group: Group,
    role: MembershipRole = MembershipRole.PARTICIPANT,
    expires_in: timedelta = timedelta(days=14),
    created_by: User | None = None,
) -> tuple[Invitation, str]:
    """An invitation and its token (the token is never stored)."""
    token = new_token()
    invitation = Invitation(
        group_id=group.id,
        token_hash=hash_token(token),
        role=role,
        expires_at=utcnow() + expires_in,
        created_by_id=created_by.id if created_by else None,
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation, token


def log_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"login": user.login, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
