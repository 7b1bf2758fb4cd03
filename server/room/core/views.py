"""Snapshots of a room for each audience: the admitted people, the facilitators, the lobby.

Plain functions over the state (no Flask). ``version`` goes up with every change, so a client
ignores a snapshot older than the one it has; ``server_time`` lets it count down to deadlines.
A facilitator's ``room_state`` is the public one with the facilitators' part inside it, one frame
instead of two (:meth:`Views.room_for`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from server.room.core.state import Person, RoomState


@dataclass
class Views:
    public: dict[str, Any]
    facilitators: dict[str, Any]
    lobby: dict[int, dict[str, Any]] = field(default_factory=dict)

    def room_for(self, facilitates: bool) -> dict[str, Any]:
        """The ``room_state`` someone admitted gets: a facilitator's carries ``facilitator``."""
        return self.facilitators_room if facilitates else self.public

    @cached_property
    def facilitators_room(self) -> dict[str, Any]:
        return {**self.public, "facilitator": self.facilitators}


def _person(person: Person) -> dict[str, Any]:
    return {
        "user_id": person.user_id,
        "name": person.name,
        "role": person.role,
        "status": person.status,
        "connected": person.connected,
    }


def _media(person: Person, speakers: list[int]) -> dict[str, Any]:
    """What others show of someone's microphone and camera (their microphone counts as on only
    while they may speak)."""
    return {
        "mic": person.mic and person.user_id in speakers,
        "camera": person.camera,
        "muted": person.muted,
    }


def public_view(state: RoomState, now: float) -> dict[str, Any]:
    """What everyone admitted sees."""
    floor = state.floor
    round_ = state.round
    speakers = state.may_speak()
    return {
        "meeting_id": state.meeting_id,
        "version": state.version,
        "server_time": now,
        "people": [{**_person(p), **_media(p, speakers)} for p in state.in_room()],
        "queue": list(state.queue),
        "floor": None
        if floor is None
        else {
            "user_id": floor.user_id,
            "via": floor.via,
            "deadline": floor.deadline,
            "time_up": floor.time_up,
            "paused": floor.running_since is None,
        },
        "turn_limit": state.turn_limit,
        "round": None
        if round_ is None
        else {"kind": round_.kind, "order": list(round_.order), "current": round_.current},
        "locked": state.locked,
        "chat_enabled": state.chat_enabled,
        "holding": state.holding_since is not None,
        "break": None if state.pause is None else {"until": state.pause.until},
        "content_warning": state.content_warning,
        "topics": [
            {"id": t.id, "proposer": t.proposer, "voters": list(t.voters)} for t in state.topics
        ],
        "picked_topic": state.picked_topic,
        "floor_mode": state.in_floor_mode(),
        "may_speak": speakers,
    }


def facilitator_view(state: RoomState, now: float) -> dict[str, Any]:
    """What only facilitators see: the lobby, who is barred or muted, the speaking balance."""
    balance = {uid: (b.name, b.turns, b.seconds) for uid, b in state.balance.items()}
    for person in state.in_room():
        balance.setdefault(person.user_id, (person.name, 0, 0.0))
    if state.floor is not None:
        name, turns, seconds = balance[state.floor.user_id]
        balance[state.floor.user_id] = (name, turns, seconds + state.floor.seconds(now))
    return {
        "meeting_id": state.meeting_id,
        "version": state.version,
        "lobby": [
            {
                "user_id": p.user_id,
                "name": p.name,
                "role": p.role,
                "since": p.arrived_at,
                "connected": p.connected,
            }
            for p in sorted(state.in_lobby(), key=lambda p: p.arrived_at)
        ],
        "barred": [{"user_id": uid, "name": name} for uid, name in state.barred.items()],
        "chat_muted": [p.user_id for p in state.in_room() if p.chat_muted],
        "auto_admit": state.settings.auto_admit,
        "capacity": state.settings.capacity,
        "floor_mode_switch": state.floor_mode,
        "balance": [
            {"user_id": uid, "name": name, "turns": turns, "seconds": round(seconds, 1)}
            for uid, (name, turns, seconds) in balance.items()
        ],
    }


def lobby_view(state: RoomState, person: Person) -> dict[str, Any]:
    """What someone waiting needs: that they wait, and whether a facilitator is there."""
    return {
        "meeting_id": state.meeting_id,
        "version": state.version,
        "status": "waiting",
        "locked": state.locked,
        "facilitator_present": state.facilitator_connected(),
    }


def build(state: RoomState, now: float) -> Views:
    return Views(
        public=public_view(state, now),
        facilitators=facilitator_view(state, now),
        lobby={p.user_id: lobby_view(state, p) for p in state.in_lobby()},
    )
