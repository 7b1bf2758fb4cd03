"""The database models. Only scheduling and membership data, and the help lines shown to
everyone, live here: nothing said in a meeting is ever stored."""

from server.models.accounts import (
    AccountNotice,
    LoginSession,
    NoticeKind,
    PasswordReset,
    RecoveryCode,
    Role,
    User,
)
from server.models.groups import (
    Group,
    GroupKind,
    Invitation,
    Membership,
    MembershipRole,
    MembershipStatus,
)
from server.models.helplines import HelpLine
from server.models.meetings import Meeting, MeetingStatus
from server.models.records import Acknowledgement, Attendance, AuditEntry
from server.models.types import utcnow

__all__ = [
    "AccountNotice",
    "Acknowledgement",
    "Attendance",
    "AuditEntry",
    "Group",
    "GroupKind",
    "HelpLine",
    "Invitation",
    "LoginSession",
    "Meeting",
    "MeetingStatus",
    "Membership",
    "MembershipRole",
    "MembershipStatus",
    "NoticeKind",
    "PasswordReset",
    "RecoveryCode",
    "Role",
    "User",
    "utcnow",
]
