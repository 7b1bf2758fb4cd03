"""Client events for entering and leaving: join, the lobby, the lock, presence."""

from __future__ import annotations

from typing import Any

from server.room import gate, identity, rules, sockets
from server.room.dispatch import Context, leave_meeting, room_event
from server.room.errors import RoomError
from server.room.events.common import Data, data_of
from server.room.payloads import (
    Decline,
    Leave,
    Lock,
    Payload,
    Status,
    Target,
)
from server.room.runtime import runtime
from server.room.state import FACILITATING_ROLES


@room_event("join", policy="connected")
def join(ctx: Context, p: Payload) -> Data:
    # Entering reads the database anyway: the person too, afresh (their name, an ended session).
    user = identity.load(ctx.person)
    if user is None:
        raise RoomError("not_logged_in")
    meeting, entrant = gate.entrant(p.meeting_id, user)
    if sockets.binding(ctx.sid).get("meeting_id") not in (None, p.meeting_id):
        leave_meeting(ctx.sid, keep_place=True)
    outcome = ctx.apply(
        lambda state, now: rules.join(state, entrant, ctx.sid, now),
        create=lambda: gate.new_room(meeting),
    )
    sockets.bind(ctx.sid, ctx.user_id, p.meeting_id)
    where = outcome.data["where"]
    data: dict[str, Any] = {"where": where}
    if where == "room" and ctx.room is not None:
        return data  # the acknowledgement carries the room_state of this change
    views = runtime().views(p.meeting_id)
    if views is not None:
        if where == "room":
            data["room"] = views.room_for(entrant.role in FACILITATING_ROLES)
        else:
            data["lobby"] = views.lobby.get(ctx.user_id)
    return data


# Leaving is never refused for going too fast.
@room_event("leave", policy="lobby", payload=Leave, budgeted=False)
def leave(ctx: Context, p: Leave) -> Data:
    ctx.apply(lambda state, now: rules.leave(state, ctx.user_id, now, quick=p.quick))
    return None


@room_event("set_status", policy="admitted", payload=Status)
def set_status(ctx: Context, p: Status) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.set_status(state, ctx.user_id, p.status, now))
    )


@room_event("admit", policy="facilitator", payload=Target)
def admit(ctx: Context, p: Target) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.admit(state, ctx.user_id, p.user_id, now)))


@room_event("admit_all", policy="facilitator")
def admit_all(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.admit_all(state, ctx.user_id, now)))


@room_event("decline", policy="facilitator", payload=Decline)
def decline(ctx: Context, p: Decline) -> Data:
    ctx.apply(lambda state, now: rules.decline(state, ctx.user_id, p.user_id, p.message, now))
    return None


@room_event("lock", policy="facilitator", payload=Lock)
def lock(ctx: Context, p: Lock) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.set_lock(state, ctx.user_id, p.locked, now)))
