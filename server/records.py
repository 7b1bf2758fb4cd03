"""Writing the records Kreds keeps: audit entries and attendance. Never content.

Callers commit: each record belongs to the same transaction as the change it records."""

from __future__ import annotations

from server.extensions import db
from server.models import Attendance, AuditEntry


def audit(
    action: str,
    actor_id: int | None,
    *,
    target_user_id: int | None = None,
    group_id: int | None = None,
    meeting_id: int | None = None,
) -> AuditEntry:
    """Record who did what to whom. ``action`` is a fixed code such as ``room.remove``."""
    entry = AuditEntry(
        action=action,
        actor_id=actor_id,
        target_user_id=target_user_id,
        group_id=group_id,
        meeting_id=meeting_id,
    )
    db.session.add(entry)
    return entry


def record_attendance(meeting_id: int, user_id: int) -> None:
    """Note that someone was admitted to a meeting (once per meeting)."""
    exists = db.session.scalar(
        db.select(Attendance.id).where(
            Attendance.meeting_id == meeting_id, Attendance.user_id == user_id
        )
    )
    if exists is None:
        db.session.add(Attendance(meeting_id=meeting_id, user_id=user_id))
