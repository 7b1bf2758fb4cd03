"""What the audit log says about each entry: a sentence in the reader's language for every event
Kreds writes (``server.records.audit``), naming the person it concerns where there is one. The
log's other columns say who did it, when, in which group and at which meeting; nothing anyone
said is ever part of an entry.

The sentences name what happened rather than who did it, so that no language has to agree a verb
with the gender of the person in the "Who" column."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from server.i18n import isolate
from server.models import AuditEntry, User

SENTENCES: dict[str, LazyString] = {
    # People (the admin area)
    "admin.user.create": _l("Account created for %(person)s"),
    "admin.user.update": _l("Account of %(person)s changed"),
    "admin.user.deactivate": _l("Account of %(person)s deactivated"),
    "admin.user.reactivate": _l("Account of %(person)s reactivated"),
    "admin.user.reset_link": _l("Password link made for %(person)s"),
    "admin.user.two_factor_reset": _l("Two-step log-in turned off for %(person)s"),
    # Groups, their members, meetings and invitations (the admin area)
    "admin.group.create": _l("Group created"),
    "admin.group.update": _l("Group changed"),
    "admin.group.delete": _l("Group deleted"),
    "admin.membership.add": _l("%(person)s added to the group"),
    "admin.membership.role": _l("Role in the group changed for %(person)s"),
    "admin.membership.remove": _l("%(person)s removed from the group"),
    "admin.membership.reactivate": _l("%(person)s made a member of the group again"),
    "admin.meeting.schedule": _l("Meetings scheduled"),
    "admin.meeting.cancel": _l("Meeting cancelled"),
    "admin.meeting.move": _l("Meeting moved"),
    "admin.invitation.create": _l("Invitation made"),
    "admin.invitation.revoke": _l("Invitation revoked"),
    # The help lines everyone sees (the admin area)
    "admin.help_line.create": _l("Help line added"),
    "admin.help_line.update": _l("Help line changed"),
    "admin.help_line.delete": _l("Help line deleted"),
    "admin.help_line.move": _l("Order of the help lines changed"),
    # A group's facilitators, outside the room
    "group.agreement_edit": _l("Group agreement changed"),
    "group.auto_admit_change": _l(
        "Setting “Let participants in without waiting in the lobby” changed"
    ),
    # In the meeting room
    "room.decline": _l("%(person)s not let in from the lobby"),
    "room.lock": _l("Room locked"),
    "room.unlock": _l("Room unlocked"),
    "room.chat_delete": _l("Chat message deleted"),
    "room.chat_on": _l("Chat turned on"),
    "room.chat_off": _l("Chat turned off"),
    "room.chat_mute": _l("Chat messages of %(person)s paused"),
    "room.chat_unmute": _l("Chat messages of %(person)s allowed again"),
    "room.remove": _l("%(person)s removed from the meeting"),
    "room.remove_from_group": _l("%(person)s removed from the meeting and the group"),
    "room.break": _l("Break started"),
    "room.content_warning": _l("Content warning shown"),
    "room.end": _l("Meeting ended for everyone"),
    "room.mute": _l("Microphone of %(person)s muted"),
    "room.mute_all": _l("Everyone muted except whoever had the floor"),
}

# An event this list does not know yet (written by newer code, or by older code and since
# renamed): its name, which says something to whoever maintains Kreds.
UNKNOWN = _l("Something changed (%(event)s)")
UNKNOWN_FOR = _l("Something changed for %(person)s (%(event)s)")
# The person an entry concerned has deleted their account: the entry keeps the action only.
DELETED = _l("(deleted account)")


def person(user: User | None) -> Markup:
    """A person as the log names them: display name and login, isolated from the sentence's
    direction."""
    if user is None:
        return isolate(DELETED)
    return Markup('\u2068{} <span class="muted">({})</span>\u2069').format(
        user.display_name, user.login
    )


def describe(entry: AuditEntry) -> Markup:
    """What happened, in the page's language (escaped: names are the people's own)."""
    sentence = SENTENCES.get(entry.action)
    if sentence is None:
        sentence = UNKNOWN if entry.target is None else UNKNOWN_FOR
    return escape(str(sentence)) % {"person": person(entry.target), "event": isolate(entry.action)}
