"""What the admin area says when a rule refuses a change (the audit log's sentences are in
server/admin/audit.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from server.groups.members import MAX_INVITATION_DAYS, MAX_LABEL
from server.groups.scheduling import MAX_SERIES
from server.groups.service import MAX_CAPACITY

REFUSALS = {
    # People
    "login_taken": _l("This login name is taken. Choose another one."),
    "own_role": _l("You cannot take away your own administrator role."),
    "deactivate_self": _l("You cannot deactivate your own account."),
    "already_inactive": _l("This account is already deactivated."),
    "already_active": _l("This account is already active."),
    "reset_inactive": _l("Reactivate the account before making a password link."),
    "two_step_self": _l(
        "You cannot turn off your own two-step log-in here: use your Log-in and security page."
    ),
    "two_step_off": _l("This person does not use two-step log-in."),
    "admin_with_groups": _l(
        "This person is a member of a group, and an administrator cannot be. Remove them from "
        "their groups first, or make a separate administrator account: a person who is both "
        "keeps two accounts."
    ),
    "name_taken": _l(
        "Someone in one of this person's groups already uses a name like this. Choose another."
    ),
    # Groups
    "timezone": _l("Choose a time zone from the list."),
    "language": _l("Choose a language from the list."),
    "capacity_range": _l("Choose between 1 and %(n)d participants.", n=MAX_CAPACITY),
    "one_to_one_capacity": _l(
        "A one-to-one group has exactly one participant: set the capacity to 1."
    ),
    "capacity_below_participants": _l(
        "The group has more participants than that. Remove participants first, or choose a "
        "larger number."
    ),
    # Members
    "already_member": _l("This person is already an active member of the group."),
    "already_removed": _l("This person is already removed from the group."),
    "person_inactive": _l("This account is deactivated. Reactivate it first."),
    "not_a_facilitator": _l(
        "Only people with the facilitator role can lead a group. Change their role first."
    ),
    "administrator": _l(
        "An administrator cannot be a member of a group. A person who is both keeps a separate "
        "account for the group."
    ),
    "name_taken_in_group": _l(
        "Someone in this group already uses a name like this person's. Change one of the names "
        "first."
    ),
    "full": _l("The group is full. Raise its capacity or remove a participant first."),
    # Meetings
    "past": _l("That time has already passed. Choose a later date or time."),
    "count": _l("Choose between 1 and %(n)d meetings.", n=MAX_SERIES),
    "duration": _l("Choose between 15 and 480 minutes."),
    "not_scheduled": _l("This meeting is not scheduled any more."),
    "meeting_over": _l("This meeting is already over."),
    # Invitations
    "invitation_days": _l("Choose between 1 and %(n)d days.", n=MAX_INVITATION_DAYS),
    "invitation_not_open": _l("This invitation is already used, expired or revoked."),
    "invitation_label": _l("Use at most %(n)d characters for whom it is.", n=MAX_LABEL),
}


def refusal(code: str) -> str:
    return str(REFUSALS.get(code, _l("This change is not possible.")))
