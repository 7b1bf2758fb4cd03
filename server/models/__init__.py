"""The database models. Only scheduling and membership data lives here: nothing said in a
meeting is ever stored."""

from server.models.accounts import PasswordReset, Role, User
from server.models.groups import (
    Group,
    GroupKind,
    Invitation,
    Membership,
    MembershipRole,
    MembershipStatus,
)
from server.models.meetings import Meeting, MeetingStatus
from server.models.records import Acknowledgement, Attendance, AuditEntry
from server.models.types import utcnow

__all__ = [
    "Acknowledgement",
    "Attendance",
    "AuditEntry",
    "Group",
    "GroupKind",
    "Invitation",
    "Meeting",
    "MeetingStatus",
    "Membership",
    "MembershipRole",
    "MembershipStatus",
    "PasswordReset",
    "Role",
    "User",
    "utcnow",
]
