"""The live state of one meeting's room: plain data, no Flask, no sockets.

It holds who is here and the order of things (queue, floor, round, topics by id), never anything
anyone said: chat, private messages, signals, reactions and topic texts are relayed and forgotten.
It is JSON-serialisable (:meth:`RoomState.to_dict` / :meth:`RoomState.from_dict`) so that a shared
store (Redis) can hold it for several processes. Times are seconds since the epoch (``now``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FACILITATING_ROLES = ("facilitator", "co_facilitator")
LOBBY = "lobby"
ROOM = "room"
HERE = "here"
AWAY = "away"


@dataclass
class Person:
    """Someone in the lobby or the room, by pseudonym."""

    user_id: int
    name: str
    role: str  # facilitator | co_facilitator | participant
    where: str = LOBBY  # lobby | room
    status: str = HERE  # here | away (stepping out)
    sids: list[str] = field(default_factory=list)
    arrived_at: float = 0.0
    # Set when the last socket dropped: the place is kept for the reconnection grace.
    disconnected_at: float | None = None
    chat_muted: bool = False
    # When this person last relayed something (chat, private line, reactions): for rate limits.
    sent_at: list[float] = field(default_factory=list)
    # Media, as the person's own browser reports it (``set_media``); audio and video themselves
    # go from browser to browser and never through the server.
    mic: bool = False
    camera: bool = False
    # A facilitator muted this person (shown until they turn their microphone on again).
    muted: bool = False
    # The WebRTC signalling rate limit: a token bucket (None: full), refilled since ``at``.
    signal_tokens: float | None = None
    signal_tokens_at: float = 0.0

    @property
    def facilitates(self) -> bool:
        return self.role in FACILITATING_ROLES

    @property
    def connected(self) -> bool:
        return bool(self.sids)

    @property
    def admitted(self) -> bool:
        return self.where == ROOM


@dataclass
class Floor:
    """Who may speak now. Floor time runs while ``running_since`` is set (paused: None)."""

    user_id: int
    token: str
    started_at: float
    via: str  # queue | given | round
    spoken: float = 0.0  # seconds counted before running_since
    running_since: float | None = None
    deadline: float | None = None
    # Time left on the turn limit while the floor is paused (break, hold).
    remaining: float | None = None
    time_up: bool = False

    def seconds(self, now: float) -> float:
        running = now - self.running_since if self.running_since is not None else 0.0
        return self.spoken + max(0.0, running)


@dataclass
class Round:
    """A go-around: everyone present at the start, in order; ``position`` is whose turn it is."""

    kind: str  # check_in | check_out | custom
    order: list[int]
    position: int = 0

    @property
    def current(self) -> int:
        return self.order[self.position]


@dataclass
class Break:
    until: float
    token: str


@dataclass
class Topic:
    """A proposed topic by id: its text was relayed once and is not kept."""

    id: str
    proposer: int
    voters: list[int] = field(default_factory=list)


@dataclass
class Balance:
    """Speaking balance of one person in this meeting (facilitators see it)."""

    name: str
    turns: int = 0
    seconds: float = 0.0


@dataclass
class Budget:
    """How much of a person's budget of room changes was used (core/rule.py), as of ``at``."""

    used: float
    at: float


@dataclass
class Settings:
    """What the room was opened with (from the group, the meeting and the configuration)."""

    capacity: int
    auto_admit: bool
    closes_at: float
    reconnect_grace: float = 60.0
    chat_limit: int = 8
    chat_window: float = 10.0
    max_topics: int = 30
    # WebRTC signalling (offers, answers, ICE candidates) per person: at most ``signal_limit``
    # messages in a burst, refilled at ``signal_limit`` per ``signal_window`` seconds.
    signal_limit: int = 300
    signal_window: float = 10.0
    # Changes to the room and relays to others, per person (core/rule.py): at most ``budget``
    # at once (facilitators ``facilitator_budget``), refilled in ``budget_window`` seconds.
    budget: int = 20
    facilitator_budget: int = 60
    budget_window: float = 20.0


@dataclass
class RoomState:
    meeting_id: int
    group_id: int
    settings: Settings
    version: int = 0
    # A counter for server-made ids (chat messages, topics, floor tenures, timers).
    seq: int = 0
    people: dict[int, Person] = field(default_factory=dict)
    # Removed from this meeting: they cannot rejoin it (user id -> name, for facilitators).
    barred: dict[int, str] = field(default_factory=dict)
    locked: bool = False
    chat_enabled: bool = True
    queue: list[int] = field(default_factory=list)
    floor: Floor | None = None
    turn_limit: int | None = None
    round: Round | None = None
    pause: Break | None = None
    # Set while no facilitator is connected in the room.
    holding_since: float | None = None
    content_warning: bool = False
    # Floor mode (a facilitator's switch): only the floor holder and the facilitators may speak.
    # A go-around round is always in floor mode (see in_floor_mode).
    floor_mode: bool = False
    topics: list[Topic] = field(default_factory=list)
    picked_topic: str | None = None
    balance: dict[int, Balance] = field(default_factory=dict)
    # By user id, kept when someone leaves (leaving and joining again costs, too).
    budgets: dict[int, Budget] = field(default_factory=dict)
    close_scheduled: bool = False
    ended: bool = False

    def next_id(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix}{self.seq}"

    def in_room(self) -> list[Person]:
        return [p for p in self.people.values() if p.where == ROOM]

    def in_lobby(self) -> list[Person]:
        return [p for p in self.people.values() if p.where == LOBBY]

    def in_floor_mode(self) -> bool:
        """Floor mode as it applies now: the facilitators' switch, or a round going on."""
        return self.floor_mode or self.round is not None

    def may_speak(self) -> list[int]:
        """Whose audio everyone hears now, in the room's order: in floor mode the floor holder and
        the facilitators; otherwise everyone admitted."""
        holder = self.floor.user_id if self.floor is not None else None
        floor_mode = self.in_floor_mode()
        return [
            p.user_id
            for p in self.in_room()
            if not floor_mode or p.facilitates or p.user_id == holder
        ]

    def facilitator_connected(self) -> bool:
        return any(p.facilitates and p.admitted and p.connected for p in self.people.values())

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    # JSON: dict keys become lists, so that ids stay integers after a round trip. Built by hand
    # (every room change of the Redis store runs it): ``dataclasses.asdict`` took most of an
    # event's time. ``_fields`` copies each dataclass's fields, lists and dicts one level deep.
    def to_dict(self) -> dict[str, Any]:
        data = _fields(self)
        data["settings"] = _fields(self.settings)
        data["people"] = [_fields(p) for p in self.people.values()]
        data["barred"] = [[uid, name] for uid, name in self.barred.items()]
        data["balance"] = [[uid, _fields(b)] for uid, b in self.balance.items()]
        data["budgets"] = [[uid, b.used, b.at] for uid, b in self.budgets.items()]
        data["topics"] = [_fields(t) for t in self.topics]
        data["floor"] = _fields(self.floor) if self.floor is not None else None
        data["round"] = _fields(self.round) if self.round is not None else None
        data["pause"] = _fields(self.pause) if self.pause is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoomState:
        data = dict(data)
        floor, round_, pause = data.pop("floor"), data.pop("round"), data.pop("pause")
        return cls(
            **{
                **data,
                "settings": Settings(**data["settings"]),
                "people": {p["user_id"]: Person(**p) for p in data["people"]},
                "barred": {int(uid): str(name) for uid, name in data["barred"]},
                "balance": {int(uid): Balance(**b) for uid, b in data["balance"]},
                "budgets": {
                    int(uid): Budget(float(used), float(at))
                    for uid, used, at in data.get("budgets", ())
                },
                "topics": [Topic(**t) for t in data["topics"]],
                "floor": Floor(**floor) if floor else None,
                "round": Round(**round_) if round_ else None,
                "pause": Break(**pause) if pause else None,
            }
        )


def _fields(item: Any) -> dict[str, Any]:
    """A dataclass's fields as a new dictionary; its lists and dictionaries are copied (they hold
    plain values only, nested dataclasses are converted by the caller)."""
    return {
        name: list(value) if type(value) is list else dict(value) if type(value) is dict else value
        for name, value in vars(item).items()
    }
