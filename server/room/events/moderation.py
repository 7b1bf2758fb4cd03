"""Client events for moderation: removing, breaks, the content warning, the end."""

from __future__ import annotations

from server.room import gate, rules
from server.room.dispatch import Context, room_event
from server.room.events.common import Data, data_of
from server.room.payloads import (
    Break,
    ContentWarning,
    Payload,
    Target,
)


@room_event("remove_from_meeting", policy="facilitator", payload=Target)
def remove_from_meeting(ctx: Context, p: Target) -> Data:
    ctx.apply(lambda state, now: rules.remove(state, ctx.user_id, p.user_id, "meeting", now))
    return None


@room_event("remove_from_group", policy="facilitator", payload=Target)
def remove_from_group(ctx: Context, p: Target) -> Data:
    def stage(group_id: int) -> None:
        gate.remove_membership(group_id, p.user_id)

    ctx.apply(
        lambda state, now: rules.remove(state, ctx.user_id, p.user_id, "group", now), stage=stage
    )
    return None


@room_event("start_break", policy="facilitator", payload=Break)
def start_break(ctx: Context, p: Break) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.start_break(state, ctx.user_id, p.minutes, now))
    )


@room_event("end_break", policy="facilitator")
def end_break(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.end_break(state, ctx.user_id, now)))


@room_event("content_warning", policy="facilitator", payload=ContentWarning)
def content_warning(ctx: Context, p: ContentWarning) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.set_content_warning(state, ctx.user_id, p.on, now))
    )


@room_event("end_meeting", policy="facilitator")
def end_meeting(ctx: Context, p: Payload) -> Data:
    ctx.apply(lambda state, now: rules.end_meeting(state, ctx.user_id, now))
    return None
