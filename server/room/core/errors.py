"""The room's typed errors: one family, stable codes, no Flask.

A :class:`RoomError` becomes the acknowledgement ``{ok: false, error: {code, message}}`` in one
place (:mod:`server.room.socket.dispatch`); the message is looked up by code and translated
there."""

from __future__ import annotations

from typing import Any

# Every code a client may receive, with what it means (docs/protocol.md lists the same codes).
CODES: dict[str, str] = {
    "not_logged_in": "the socket has no logged-in session (or it ended)",
    "not_member": "not an active member of the meeting's group (or no such meeting)",
    "not_open": "the meeting's room is not open (before the lobby opens, after it closes, ended)",
    "ack_required": "the current agreement must be accepted first; `agreement` is attached",
    "locked": "the room is locked: no new entries",
    "full": "the group's capacity of participants is reached",
    "barred": "removed from this meeting: cannot rejoin it",
    "not_joined": "this socket has not joined a meeting",
    "wrong_meeting": "the event names another meeting than the one this socket joined",
    "not_admitted": "still waiting in the lobby",
    "forbidden": "this role may not do this",
    "not_present": "the person acted on is not in this meeting",
    "not_in_queue": "the person acted on has no raised hand",
    "queue_empty": "nobody connected is waiting in the queue",
    "no_floor": "nobody holds the floor, or the sender does not",
    "not_your_turn": "only the person whose turn it is (or a facilitator) may do this",
    "round_active": "a go-around round is running",
    "no_round": "no go-around round is running",
    "on_break": "the meeting is paused for a break: queue and floor are frozen",
    "on_hold": "every facilitator dropped: the floor is paused until one reconnects",
    "may_not_speak": "floor mode: only the floor holder and facilitators may use a microphone",
    "no_facilitator": "no facilitator is connected to receive this",
    "chat_off": "a facilitator turned chat off",
    "chat_muted": "a facilitator muted this person's chat",
    "rate_limited": "too many messages in a short time; `retry_after` seconds are attached",
    "unknown_topic": "no such topic in this meeting",
    "too_many_topics": "the meeting has as many topics as it can hold",
    "invalid": "the payload is missing fields, has extra ones, wrong types or sizes",
    "unknown_event": "the server has no such event",
    "moving": "the meeting is moving to another server process; join again in a moment",
    "internal": "something went wrong on the server; nothing changed",
}


class RoomError(Exception):
    """A refusal with a stable ``code`` (a key of :data:`CODES`) and optional details that are
    safe to send back (never content)."""

    def __init__(self, code: str, **details: Any) -> None:
        if code not in CODES:
            raise ValueError(f"unknown room error code {code!r}")
        super().__init__(code)
        self.code = code
        self.details = details

    def __repr__(self) -> str:
        return f"RoomError({self.code!r})"
