"""Attendance as facilitators see it: who was admitted, how many accepted the agreement."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from server.extensions import db
from server.models import Acknowledgement, Attendance, Group, Meeting, User


@dataclass(frozen=True)
class MeetingAttendance:
    meeting: Meeting
    admitted: list[str]  # display names
    accepted: int  # people who accepted the agreement for this meeting


def attendance(group: Group, now: datetime) -> list[MeetingAttendance]:
    """Meetings whose room has opened (past and current), newest first."""
    meetings = sorted(
        (m for m in group.meetings if m.lobby_opens_at <= now),
        key=lambda m: m.starts_at,
        reverse=True,
    )
    ids = [m.id for m in meetings]
    if not ids:
        return []
    admitted: dict[int, list[str]] = defaultdict(list)
    for meeting_id, name in db.session.execute(
        db.select(Attendance.meeting_id, User.display_name)
        .join(User, User.id == Attendance.user_id)
        .where(Attendance.meeting_id.in_(ids))
        .order_by(Attendance.admitted_at)
    ):
        admitted[meeting_id].append(name)
    accepted: dict[int, int] = {
        meeting_id: count
        for meeting_id, count in db.session.execute(
            db.select(
                Acknowledgement.meeting_id, func.count(func.distinct(Acknowledgement.user_id))
            )
            .where(Acknowledgement.meeting_id.in_(ids))
            .group_by(Acknowledgement.meeting_id)
        )
    }
    return [
        MeetingAttendance(meeting=m, admitted=admitted[m.id], accepted=accepted.get(m.id, 0))
        for m in meetings
    ]
