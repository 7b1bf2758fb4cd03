"""What a rule returns besides the changed state: what the live layer carries out (emit notices,
move sockets between rooms, write records, start timers). Plain data, no Flask."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

# Audiences of a notice: the admitted people, the facilitators, or one person (all their sockets).
ROOM = "room"
FACILITATORS = "facilitators"


# Every event the server sends (docs/protocol.md describes each one). The two snapshots are
# sent by the runtime (a facilitator's room_state carries the facilitators' part); the rest are
# notices made by the rules.
SNAPSHOT_EVENTS = ("room_state", "lobby_state")
NoticeEvent = Literal[
    "admitted",
    "declined",
    "removed",
    "chat",
    "chat_deleted",
    "chat_muted",
    "private_message",
    "private_signal",
    "reaction",
    "topic_proposed",
    "time_up",
    "meeting_ended",
    # Media (rules/media.py): WebRTC signalling relayed to one person, and facilitators' requests.
    "rtc_signal",
    "mute_request",
    "unmute_request",
]
NOTICE_EVENTS: tuple[str, ...] = get_args(NoticeEvent)


def to_user(user_id: int) -> str:
    return f"user:{user_id}"


@dataclass(frozen=True)
class Notice:
    """A server-to-client event. Relayed content (chat, private lines) exists only here."""

    to: str  # ROOM, FACILITATORS or to_user(id)
    event: NoticeEvent  # the type checker refuses an undocumented one
    data: dict[str, Any]


@dataclass(frozen=True)
class TimerRequest:
    """Fire ``kind`` at ``at`` with ``token``; firing checks the state still matches the token."""

    kind: str  # turn_deadline | break_end | reconnect_grace | meeting_close
    at: float
    token: str


@dataclass(frozen=True)
class Sockets:
    """A person's sockets that enter (admitted) or leave (released) the meeting's rooms."""

    user_id: int
    sids: tuple[str, ...]
    facilitates: bool = False
    # Newly admitted: an attendance record is written.
    new: bool = False


@dataclass
class Outcome:
    data: dict[str, Any] = field(default_factory=dict)  # for the acknowledgement
    notices: list[Notice] = field(default_factory=list)
    audit: list[tuple[str, int | None]] = field(default_factory=list)  # (action, target)
    entered: list[Sockets] = field(default_factory=list)
    released: list[Sockets] = field(default_factory=list)
    timers: list[TimerRequest] = field(default_factory=list)
    # Removed from the group too: their memberships are marked removed, with the audit entries.
    memberships_removed: list[int] = field(default_factory=list)
    # Whether what people see changed (a new snapshot is broadcast).
    changed: bool = True
    ended: bool = False

    def merge(self, other: Outcome) -> Outcome:
        self.notices += other.notices
        self.audit += other.audit
        self.entered += other.entered
        self.released += other.released
        self.timers += other.timers
        self.memberships_removed += other.memberships_removed
        self.changed = self.changed or other.changed
        self.ended = self.ended or other.ended
        return self
