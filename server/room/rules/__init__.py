"""The room's rules in plain Python: no Flask, no sockets, time passed in as ``now``.

Each rule takes the state of one meeting, the acting person and the payload's values, changes the
state in place (or raises :class:`~server.room.errors.RoomError` and the store keeps the old state)
and returns an :class:`~server.room.rules.outcome.Outcome` for the handlers to carry out."""

from server.room.rules.common import POLICIES, Policy, require_policy
from server.room.rules.floor import (
    clear_queue,
    give_floor,
    lower_hand,
    lower_hand_of,
    move_in_queue,
    next_speaker,
    raise_hand,
    set_turn_limit,
    take_floor,
)
from server.room.rules.moderation import (
    close,
    end_break,
    end_meeting,
    on_timer,
    remove,
    set_content_warning,
    start_break,
)
from server.room.rules.outcome import Notice, Outcome, Sockets, TimerRequest
from server.room.rules.presence import (
    Entrant,
    admit,
    admit_all,
    decline,
    disconnect,
    join,
    leave,
    set_lock,
    set_status,
)
from server.room.rules.rounds import end_round, round_next, round_pass, start_round, yield_floor
from server.room.rules.talk import (
    chat,
    delete_chat,
    mute_chat,
    pick_topic,
    private_message,
    private_reply,
    propose_topic,
    react,
    set_chat,
    signal,
    vote_topic,
)

__all__ = [
    "POLICIES",
    "Entrant",
    "Notice",
    "Outcome",
    "Policy",
    "Sockets",
    "TimerRequest",
    "admit",
    "admit_all",
    "chat",
    "clear_queue",
    "close",
    "decline",
    "delete_chat",
    "disconnect",
    "end_break",
    "end_meeting",
    "end_round",
    "give_floor",
    "join",
    "leave",
    "lower_hand",
    "lower_hand_of",
    "move_in_queue",
    "mute_chat",
    "next_speaker",
    "on_timer",
    "pick_topic",
    "private_message",
    "private_reply",
    "propose_topic",
    "raise_hand",
    "react",
    "remove",
    "require_policy",
    "round_next",
    "round_pass",
    "set_chat",
    "set_content_warning",
    "set_lock",
    "set_status",
    "set_turn_limit",
    "signal",
    "start_break",
    "start_round",
    "take_floor",
    "vote_topic",
    "yield_floor",
]
