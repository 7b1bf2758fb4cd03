"""Changing a group and its meetings: the rules, without web code.

Every function here changes the session and adds one audit entry; the caller commits, so a change
and its record are one transaction. A refused change raises :class:`GroupError` before anything
is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import available_timezones

from flask import current_app
from sqlalchemy import func

from server.extensions import db
from server.groups.scheduling import SeriesRequest, move_meeting, plan_series
from server.models import (
    Group,
    GroupKind,
    Meeting,
    MeetingStatus,
    Membership,
    MembershipRole,
    MembershipStatus,
    User,
)
from server.records import audit

MAX_CAPACITY = 50


class GroupError(ValueError):
    """A change the rules refuse; ``code`` is stable, the caller words it for the reader."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def lock_group(group: Group) -> None:
    """Hold the group's row until the commit (on databases that lock rows), so that two changes
    at once cannot both take the last participant place."""
    db.session.execute(
        db.select(Group)
        .where(Group.id == group.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def participant_count(group: Group) -> int:
    """Active participants, counted in the database (facilitators are not counted)."""
    return (
        db.session.scalar(
            db.select(func.count(Membership.id)).where(
                Membership.group_id == group.id,
                Membership.role == MembershipRole.PARTICIPANT,
                Membership.status == MembershipStatus.ACTIVE,
            )
        )
        or 0
    )


def is_full(group: Group) -> bool:
    return participant_count(group) >= group.capacity


@dataclass(frozen=True)
class GroupSettings:
    name: str
    kind: GroupKind
    capacity: int
    timezone: str
    language: str
    agreement_text: str
    auto_admit: bool


def check_settings(settings: GroupSettings, group: Group | None = None) -> None:
    """Refuse settings that cannot work; ``group`` is the group being edited, if any."""
    if settings.timezone not in available_timezones():
        raise GroupError("timezone")
    if settings.language not in current_app.config["LANGUAGES"]:
        raise GroupError("language")
    if not 1 <= settings.capacity <= MAX_CAPACITY:
        raise GroupError("capacity_range")
    if settings.kind == GroupKind.ONE_TO_ONE and settings.capacity != 1:
        raise GroupError("one_to_one_capacity")
    if group is not None:
        lock_group(group)
        if settings.capacity < participant_count(group):
            raise GroupError("capacity_below_participants")


def _apply(group: Group, settings: GroupSettings) -> None:
    group.name = settings.name
    group.kind = settings.kind
    group.capacity = settings.capacity
    group.timezone = settings.timezone
    group.language = settings.language
    group.set_agreement(settings.agreement_text)
    group.auto_admit = settings.auto_admit


def create_group(settings: GroupSettings, actor: User, area: str = "admin") -> Group:
    check_settings(settings)
    group = Group(agreement_text=settings.agreement_text, agreement_version=1)
    _apply(group, settings)
    db.session.add(group)
    db.session.flush()
    audit(f"{area}.group.create", actor.id, group_id=group.id)
    return group


def update_group(group: Group, settings: GroupSettings, actor: User, area: str = "admin") -> None:
    check_settings(settings, group)
    _apply(group, settings)
    audit(f"{area}.group.update", actor.id, group_id=group.id)


def delete_group(group: Group, actor: User, area: str = "admin") -> list[int]:
    """Delete a group with its meetings, memberships, invitations, acknowledgements and attendance
    (the database cascades). Returns who was an active member, to disconnect after the commit."""
    members = [m.user_id for m in group.active_memberships()]
    # The entry cannot point at a group that is gone: it keeps who deleted a group, and when.
    audit(f"{area}.group.delete", actor.id)
    db.session.delete(group)
    return members


def schedule_series(
    group: Group, request: SeriesRequest, actor: User, now: datetime, area: str = "admin"
) -> list[Meeting]:
    """Add a series of meetings (refused whole, with nothing written, if any rule fails)."""
    meetings = plan_series(group, request, now)
    db.session.add_all(meetings)
    db.session.flush()
    audit(f"{area}.meeting.schedule", actor.id, group_id=group.id, meeting_id=meetings[0].id)
    return meetings


def cancel_meeting(meeting: Meeting, actor: User, now: datetime, area: str = "admin") -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise GroupError("not_scheduled")
    if meeting.ends_at <= now:
        raise GroupError("meeting_over")
    meeting.status = MeetingStatus.CANCELLED
    audit(f"{area}.meeting.cancel", actor.id, group_id=meeting.group_id, meeting_id=meeting.id)


def reschedule_meeting(
    meeting: Meeting, day: date, at: time, actor: User, now: datetime, area: str = "admin"
) -> None:
    """Move one meeting to another local date and time in its group's time zone."""
    if meeting.status != MeetingStatus.SCHEDULED:
        raise GroupError("not_scheduled")
    move_meeting(meeting, day, at, now)
    audit(f"{area}.meeting.move", actor.id, group_id=meeting.group_id, meeting_id=meeting.id)
