"""The agreement gate: a participant accepts the group's current agreement before each meeting.

The live room imports ``has_accepted`` (or ``needs_acceptance``) to enforce the same rule on the
socket."""

from __future__ import annotations

from server.extensions import db
from server.models import Acknowledgement, Meeting, Membership


def has_accepted(user_id: int, meeting: Meeting) -> bool:
    """Whether this person accepted the group's current agreement version for this meeting."""
    found = db.session.scalar(
        db.select(Acknowledgement.id).where(
            Acknowledgement.user_id == user_id,
            Acknowledgement.meeting_id == meeting.id,
            Acknowledgement.agreement_version == meeting.group.agreement_version,
        )
    )
    return found is not None


def needs_acceptance(membership: Membership, meeting: Meeting) -> bool:
    """Facilitators and co-facilitators hold the agreement; participants accept it first."""
    return not membership.role.facilitates and not has_accepted(membership.user_id, meeting)


def accept(user_id: int, meeting: Meeting) -> Acknowledgement:
    """Record the acceptance of the current version (once per version). The caller commits."""
    version = meeting.group.agreement_version
    existing = db.session.scalar(
        db.select(Acknowledgement).where(
            Acknowledgement.user_id == user_id,
            Acknowledgement.meeting_id == meeting.id,
            Acknowledgement.agreement_version == version,
        )
    )
    if existing is not None:
        return existing
    acknowledgement = Acknowledgement(
        user_id=user_id, meeting_id=meeting.id, agreement_version=version
    )
    db.session.add(acknowledgement)
    return acknowledgement
