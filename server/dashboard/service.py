"""What the start page shows: each group a person belongs to, and its coming meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.extensions import db
from server.groups.scheduling import upcoming
from server.models import Group, Meeting, MeetingStatus, Membership, MembershipStatus

MEETINGS_SHOWN = 8


@dataclass(frozen=True)
class GroupOverview:
    group: Group
    membership: Membership
    meetings: list[Meeting]
    more: int  # coming meetings not shown

    @property
    def facilitates(self) -> bool:
        return self.membership.role.facilitates


def coming_meetings(group: Group, now: datetime, grace_minutes: int) -> list[Meeting]:
    """Scheduled meetings that have not closed, and cancelled ones that would not have yet,
    soonest first: people should see that a meeting they expected is off."""
    cancelled = [
        m
        for m in group.meetings
        if m.status == MeetingStatus.CANCELLED and m.closes_at(grace_minutes) > now
    ]
    return sorted(
        [*upcoming(list(group.meetings), now, grace_minutes), *cancelled],
        key=lambda m: m.starts_at,
    )


def overview(user_id: int, now: datetime, grace_minutes: int) -> list[GroupOverview]:
    memberships = db.session.scalars(
        db.select(Membership)
        .join(Group)
        .where(Membership.user_id == user_id, Membership.status == MembershipStatus.ACTIVE)
        .order_by(Group.name)
    ).all()
    result = []
    for membership in memberships:
        meetings = coming_meetings(membership.group, now, grace_minutes)
        result.append(
            GroupOverview(
                group=membership.group,
                membership=membership,
                meetings=meetings[:MEETINGS_SHOWN],
                more=max(0, len(meetings) - MEETINGS_SHOWN),
            )
        )
    return result
