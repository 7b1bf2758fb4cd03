"""The words people see for each error code (English source, translated per person)."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

MESSAGES: dict[str, LazyString] = {
    "not_logged_in": _l("Please log in again to join the meeting."),
    "not_member": _l("This meeting does not exist, or you are not a member of its group."),
    "not_open": _l("The meeting room is not open now."),
    "ack_required": _l("Please read and accept the group agreement before you join."),
    "locked": _l("The facilitator has locked the room. Nobody new can enter now."),
    "full": _l("The group is full for this meeting."),
    "barred": _l("You were removed from this meeting and cannot join it again."),
    "not_joined": _l("Join the meeting first."),
    "wrong_meeting": _l("This is about another meeting than the one you joined."),
    "not_admitted": _l("Please wait until the facilitator lets you in."),
    "forbidden": _l("Only a facilitator can do this."),
    "not_present": _l("This person is not in the meeting."),
    "not_in_queue": _l("This person has not raised their hand."),
    "queue_empty": _l("Nobody is waiting to speak."),
    "no_floor": _l("Nobody has the floor now."),
    "not_your_turn": _l("It is not your turn."),
    "round_active": _l("A round is going on. End the round first."),
    "no_round": _l("There is no round going on."),
    "on_break": _l("The meeting is on a break."),
    "on_hold": _l("The facilitator is reconnecting. Please wait a moment."),
    "may_not_speak": _l(
        "Only the person who has the floor, and the facilitators, can speak now. "
        "Raise your hand to ask for the floor."
    ),
    "no_facilitator": _l("No facilitator is connected right now. Please try again in a moment."),
    "chat_off": _l("The facilitator has turned the chat off."),
    "chat_muted": _l("The facilitator has paused your chat messages."),
    "rate_limited": _l("That was a lot at once. Please wait a moment, then try again."),
    "unknown_topic": _l("This topic is not in the meeting."),
    "too_many_topics": _l("The meeting cannot hold more topics."),
    "invalid": _l("This request is not valid."),
    "unknown_event": _l("The server does not know this request."),
    "moving": _l("The meeting is moving to another server. Reconnecting…"),
    "internal": _l("Something went wrong. Nothing was changed; please try again."),
}


def message_for(code: str) -> str:
    found = MESSAGES.get(code) or MESSAGES["internal"]
    return str(found)
