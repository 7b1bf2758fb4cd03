"""Administrators make invitations (the link is shown once; its hash is kept), revoke them."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient

from server.extensions import db
from server.models import Invitation, MembershipRole, utcnow
from server.models.types import hash_token
from tests.admin.conftest import audit_actions, shown_link, token_of
from tests.conftest import Course
from tests.factories import gen_invitation


def test_an_invitation_stores_only_the_hash_of_its_token(
    admin_client: FlaskClient, course: Course
) -> None:
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/invitations", data={"role": "participant", "days": 7}
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-copy-target="#one-time-link"' in html
    token = token_of(shown_link(html, "invite"))
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation is not None
    assert invitation.token_hash == hash_token(token) != token
    assert invitation.role == MembershipRole.PARTICIPANT
    assert invitation.created_by_id == course.admin.id
    assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)
    assert audit_actions() == ["admin.invitation.create"]
    # Shown once: the list does not show the link again.
    listed = admin_client.get(f"/admin/groups/{course.group.id}/invitations").get_data(as_text=True)
    assert token not in listed and "Open" in listed


def test_invitations_are_valid_for_the_configured_days_by_default(
    admin_client: FlaskClient, course: Course
) -> None:
    html = admin_client.get(f"/admin/groups/{course.group.id}/invitations").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="days"[^>]*value="14"', html)


def test_a_full_group_gets_no_participant_invitation(
    admin_client: FlaskClient, course: Course
) -> None:
    course.group.capacity = 3
    db.session.commit()
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/invitations", data={"role": "participant", "days": 7}
    )
    assert "The group is full." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Invitation)) is None
    admin_client.post(
        f"/admin/groups/{course.group.id}/invitations", data={"role": "co_facilitator", "days": 7}
    )
    assert db.session.scalar(db.select(Invitation)) is not None


def test_an_invitation_valid_for_too_long_is_refused(
    admin_client: FlaskClient, course: Course
) -> None:
    response = admin_client.post(
        f"/admin/groups/{course.group.id}/invitations", data={"role": "participant", "days": 365}
    )
    assert "Choose between 1 and 90 days." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Invitation)) is None


def test_an_admin_revokes_an_open_invitation(admin_client: FlaskClient, course: Course) -> None:
    invitation, _ = gen_invitation(course.group)
    response = admin_client.post(
        f"/admin/invitations/{invitation.id}/revoke", follow_redirects=True
    )
    assert "The invitation is revoked" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.state == "revoked"
    again = admin_client.post(f"/admin/invitations/{invitation.id}/revoke", follow_redirects=True)
    assert "This invitation is already used, expired or revoked." in again.get_data(as_text=True)
    assert audit_actions() == ["admin.invitation.revoke"]


def test_the_list_shows_each_invitations_state(admin_client: FlaskClient, course: Course) -> None:
    gen_invitation(course.group)
    gen_invitation(course.group, expires_in=timedelta(days=-1))
    used, _ = gen_invitation(course.group)
    used.used_at = utcnow()
    revoked, _ = gen_invitation(course.group)
    revoked.revoked_at = utcnow()
    db.session.commit()
    html = admin_client.get(f"/admin/groups/{course.group.id}/invitations").get_data(as_text=True)
    for state in ("Open", "Expired", "Used", "Revoked"):
        assert f">{state}</span>" in html
    assert html.count("Revoke</button>") == 1
