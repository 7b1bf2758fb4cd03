"""What Kreds holds about a person, and deleting it.

Nothing anyone said is here: it was never kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.engine import CursorResult

from server.auth.sessions import expired_logins
from server.extensions import db
from server.groups.members import forget_ended_labels
from server.models import (
    Acknowledgement,
    Attendance,
    AuditEntry,
    Invitation,
    Meeting,
    Membership,
    PasswordReset,
    Role,
    User,
    utcnow,
)


def personal_data(user: User) -> dict[str, Any]:
    """Everything stored about ``user``, as plain data (shown on a page and offered as JSON)."""
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.user_id == user.id).order_by(Membership.joined_at)
    ).all()
    acknowledgements = db.session.execute(
        db.select(Acknowledgement, Meeting)
        .join(Meeting, Meeting.id == Acknowledgement.meeting_id)
        .where(Acknowledgement.user_id == user.id)
        .order_by(Acknowledgement.accepted_at)
    ).all()
    attendance = db.session.execute(
        db.select(Attendance, Meeting)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Attendance.user_id == user.id)
        .order_by(Attendance.admitted_at)
    ).all()
    actions = db.session.scalars(
        db.select(AuditEntry)
        .where((AuditEntry.actor_id == user.id) | (AuditEntry.target_user_id == user.id))
        .order_by(AuditEntry.at)
    ).all()
    return {
        "account": {
            "login": user.login,
            "display_name": user.display_name,
            "email": user.email,
            "role": user.role.value,
            "language": user.language,
            "timezone": user.timezone,
            "active": user.active,
            "created_at": user.created_at.isoformat(),
            "calendar_link": user.calendar_token_hash is not None,
        },
        "memberships": [
            {
                "group": m.group.name,
                "role": m.role.value,
                "status": m.status.value,
                "joined_at": m.joined_at.isoformat(),
            }
            for m in memberships
        ],
        "agreements_accepted": [
            {
                "meeting_starts_at": meeting.starts_at.isoformat(),
                "agreement_version": ack.agreement_version,
                "accepted_at": ack.accepted_at.isoformat(),
            }
            for ack, meeting in acknowledgements
        ],
        "meetings_attended": [
            {
                "meeting_starts_at": meeting.starts_at.isoformat(),
                "admitted_at": a.admitted_at.isoformat(),
            }
            for a, meeting in attendance
        ],
        "moderation_records": [
            {
                "at": entry.at.isoformat(),
                "action": entry.action,
                "by_you": entry.actor_id == user.id,
                "about_you": entry.target_user_id == user.id,
            }
            for entry in actions
        ],
    }


def is_last_admin(user: User) -> bool:
    if user.role != Role.ADMIN:
        return False
    others = db.session.scalar(
        db.select(db.func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != user.id
        )
    )
    return not others


def delete_account(user: User) -> None:
    """Delete the person and everything that names them: memberships, acknowledgements,
    attendance and reset links go with the row; audit entries keep the action but lose the
    name. The caller commits."""
    db.session.delete(user)


def purge_old_records(days: int) -> dict[str, int]:
    """Delete attendance, acknowledgements and audit entries older than ``days``, reset links and
    invitations that ended that long ago, and login sessions past their idle limit; and the label
    ("For whom") of every invitation that has ended. Returns how many of each went. The caller
    commits."""
    now = utcnow()
    cutoff = now - timedelta(days=days)
    statements = {
        "attendance": db.delete(Attendance).where(Attendance.admitted_at < cutoff),
        "acknowledgements": db.delete(Acknowledgement).where(Acknowledgement.accepted_at < cutoff),
        "audit_entries": db.delete(AuditEntry).where(AuditEntry.at < cutoff),
        "password_resets": db.delete(PasswordReset).where(PasswordReset.expires_at < cutoff),
        "invitations": db.delete(Invitation).where(Invitation.expires_at < cutoff),
        # After the deletion, so that this counts only the labels of invitations still kept.
        "invitation_labels": forget_ended_labels(now),
        "login_sessions": expired_logins(),
    }
    counts: dict[str, int] = {}
    for name, statement in statements.items():
        result: CursorResult[Any] = db.session.execute(statement)  # type: ignore[assignment]
        counts[name] = int(result.rowcount or 0)
    return counts
