"""The client events that are not room rules: joining a meeting (it reads the database first)
and asking for ICE servers (credentials, made outside the room's state)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app

from server.room.core.errors import RoomError
from server.room.core.outcome import Outcome
from server.room.core.payloads import Payload
from server.room.core.rule import Policy, require_policy, within_budget
from server.room.core.rules import presence
from server.room.core.state import FACILITATING_ROLES, RoomState
from server.room.live import database, identity
from server.room.live.ice import ice_config
from server.room.live.identity import Identity
from server.room.live.runtime import Sender, runtime


@dataclass(frozen=True)
class Event:
    """An event as its handler sees it: who sent it, from which socket, about which meeting."""

    person: Identity
    sid: str
    meeting_id: int


Handler = Callable[[Event, Any], dict[str, Any]]


@dataclass(frozen=True)
class SocketEvent:
    """A client event that is not a room rule: its handler does what it needs itself."""

    name: str
    policy: Policy
    payload: type[Payload]
    handler: Handler
    budgeted: bool = True


def join(event: Event, p: Payload) -> dict[str, Any]:
    """Enter a meeting: the lobby or the room. The answer says where, and who this socket is."""
    # Entering reads the database anyway: the person too, afresh (their name, an ended session).
    user = identity.load(event.person)
    if user is None:
        raise RoomError("not_logged_in")
    meeting, entrant = database.entrant(p.meeting_id, user)
    room_runtime = runtime()
    connections = room_runtime.connections
    # The meeting comes to this process if another one holds it; only a connection made for
    # this meeting (the one nginx routes here) may ask for that.
    room_runtime.placement.take(p.meeting_id, connections.meeting_for(event.sid) == p.meeting_id)

    def enter(state: RoomState, now: float) -> Outcome:
        # Joining costs from the budget, like leaving and joining again.
        return within_budget(
            state, entrant.user_id, lambda: presence.join(state, entrant, event.sid, now), now
        )

    sender = Sender(entrant.user_id, event.sid)
    applied = room_runtime.on_event(
        p.meeting_id, sender, enter, new_room=lambda: database.new_room(meeting)
    )
    connections.bind(event.sid, p.meeting_id)
    where = applied.outcome.data["where"]
    data: dict[str, Any] = {"where": where, "user_id": entrant.user_id}
    if applied.room is not None:
        return {**data, "room": applied.room}
    views = room_runtime.views(p.meeting_id)
    if views is not None:
        if where == "room":
            data["room"] = views.room_for(entrant.role in FACILITATING_ROLES)
        else:
            data["lobby"] = views.lobby.get(entrant.user_id)
    return data


def ice_servers(event: Event, p: Payload) -> dict[str, Any]:
    """STUN and TURN servers for this person's peer connections (short-lived credentials)."""
    user_id = event.person.user_id

    def admitted_only(state: RoomState, now: float) -> Outcome:
        require_policy(state, user_id, "admitted")
        return Outcome(changed=False)

    room_runtime = runtime()
    room_runtime.on_event(event.meeting_id, Sender(user_id, event.sid), admitted_only)
    return ice_config(current_app.config, user_id, room_runtime.clock())


SOCKET_EVENTS: dict[str, SocketEvent] = {
    event.name: event
    for event in (
        SocketEvent("join", "connected", Payload, join),
        # Nothing is sent to anyone: outside the budget.
        SocketEvent("ice_servers", "admitted", Payload, ice_servers, budgeted=False),
    )
}
