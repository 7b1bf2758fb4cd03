"""Client events for audio and video: WebRTC signalling, ICE servers, floor mode, microphones.

Media itself never reaches the server; these events only set up the browsers' peer connections
(relayed between admitted people, never kept or logged) and say who may speak."""

from __future__ import annotations

from typing import Any

from flask import current_app

from server.room import rules
from server.room.dispatch import Context, room_event
from server.room.events.common import Data, data_of
from server.room.ice import ice_config
from server.room.payloads import FloorMode, Media, Payload, RtcSignal, Target
from server.room.runtime import runtime


# Signalling has its own, larger bucket (a connection is set up with dozens of candidates).
@room_event("rtc_signal", policy="admitted", payload=RtcSignal, checks_first=True, budgeted=False)
def rtc_signal(ctx: Context, p: RtcSignal) -> Data:
    message: dict[str, Any] = (
        {"description": p.description.model_dump()}
        if p.description is not None
        else {"candidate": p.candidate.model_dump() if p.candidate is not None else None}
    )
    return data_of(
        ctx.apply(
            lambda state, now: rules.relay_signal(state, ctx.user_id, p.to_user_id, message, now)
        )
    )


@room_event("ice_servers", policy="admitted", checks_first=True, budgeted=False)
def ice_servers(ctx: Context, p: Payload) -> Data:
    # The policy is checked against the room's state like every other event (a rule that
    # changes nothing); only then are credentials made.
    ctx.apply(lambda state, now: rules.Outcome(changed=False))
    return ice_config(current_app.config, ctx.user_id, runtime().clock())


@room_event("set_floor_mode", policy="facilitator", payload=FloorMode)
def set_floor_mode(ctx: Context, p: FloorMode) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.set_floor_mode(state, ctx.user_id, p.on, now))
    )


@room_event("set_media", policy="admitted", payload=Media)
def set_media(ctx: Context, p: Media) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.set_media(state, ctx.user_id, p.audio, p.video, now))
    )


@room_event("mute", policy="facilitator", payload=Target)
def mute(ctx: Context, p: Target) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.mute(state, ctx.user_id, p.user_id, now)))


@room_event("mute_all_but_floor", policy="facilitator")
def mute_all_but_floor(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.mute_all_but_floor(state, ctx.user_id, now)))


@room_event("ask_to_unmute", policy="facilitator", payload=Target)
def ask_to_unmute(ctx: Context, p: Target) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.ask_to_unmute(state, ctx.user_id, p.user_id, now))
    )
