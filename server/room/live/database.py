"""The database side of the room: who may enter, and the records Kreds keeps.

Called outside the store's lock. Only membership, the meeting's window, the agreement, attendance,
audit entries and the meeting's status are read or written; never anything anyone said."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from server.access import active_membership
from server.extensions import db
from server.meetings.service import needs_acceptance
from server.models import Meeting, MeetingStatus, MembershipStatus, User, utcnow
from server.records import audit, record_attendance
from server.room.core.errors import RoomError
from server.room.core.rules.presence import Entrant
from server.room.core.state import RoomState, Settings


def _grace_minutes() -> int:
    return int(current_app.config["ROOM_GRACE_MINUTES"])


def entrant(meeting_id: int, user: User) -> tuple[Meeting, Entrant]:
    """The meeting and who enters it, or why not: outsiders, administrators (whatever membership
    rows say: :func:`active_membership`) and removed members are ``not_member``, as is a meeting
    that does not exist; then the window; then the agreement."""
    meeting = db.session.get(Meeting, meeting_id)
    membership = active_membership(meeting.group_id, user.id) if meeting else None
    if meeting is None or membership is None:
        raise RoomError("not_member")
    if not meeting.is_open(_grace_minutes()):
        raise RoomError("not_open")
    if needs_acceptance(membership, meeting):
        group = meeting.group
        agreement = {"version": group.agreement_version, "text": group.agreement_text}
        raise RoomError("ack_required", agreement=agreement)
    return meeting, Entrant(user.id, user.display_name, membership.role.value)


def new_room(meeting: Meeting) -> RoomState:
    """The state of a room opened now (by its first arrival)."""
    config = current_app.config
    group = meeting.group
    settings = Settings(
        capacity=group.capacity,
        auto_admit=group.auto_admit,
        closes_at=meeting.closes_at(_grace_minutes()).timestamp(),
        reconnect_grace=float(config["ROOM_RECONNECT_GRACE_SECONDS"]),
        chat_limit=int(config["ROOM_CHAT_RATE_COUNT"]),
        chat_window=float(config["ROOM_CHAT_RATE_SECONDS"]),
    )
    return RoomState(meeting_id=meeting.id, group_id=meeting.group_id, settings=settings)


def commit_records(
    meeting_id: int,
    group_id: int,
    actor_id: int | None,
    actions: list[tuple[str, int | None]],
    admitted: list[int],
) -> None:
    """Audit entries for moderation actions and attendance for admissions, committed in one
    transaction with whatever the caller staged (a removed membership, an ended meeting)."""
    for action, target in actions:
        audit(action, actor_id, target_user_id=target, group_id=group_id, meeting_id=meeting_id)
    for user_id in admitted:
        record_attendance(meeting_id, user_id)
    db.session.commit()


def mark_ended(meeting_id: int, at: datetime | None = None) -> None:
    """The meeting is over (staged; :func:`commit_records` commits)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is not None and meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.ENDED
        meeting.ended_at = at or utcnow()


def remove_memberships(group_id: int, user_ids: list[int]) -> None:
    """Removed from the group: each membership stays, marked removed, and is refused from now on
    (staged; :func:`commit_records` commits)."""
    for user_id in user_ids:
        membership = active_membership(group_id, user_id)
        if membership is not None:
            membership.status = MembershipStatus.REMOVED


def timestamp(now: float) -> datetime:
    return datetime.fromtimestamp(now, UTC)
