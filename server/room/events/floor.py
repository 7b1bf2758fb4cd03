"""Client events for the talking-turn queue, the floor and go-around rounds."""

from __future__ import annotations

from server.room import rules
from server.room.dispatch import Context, room_event
from server.room.events.common import Data, data_of
from server.room.payloads import (
    Move,
    Payload,
    StartRound,
    Target,
    TurnLimit,
)


@room_event("raise_hand", policy="admitted", checks_first=True)
def raise_hand(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.raise_hand(state, ctx.user_id, now)))


@room_event("lower_hand", policy="admitted", checks_first=True)
def lower_hand(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.lower_hand(state, ctx.user_id, now)))


@room_event("yield_floor", policy="admitted", checks_first=True)
def yield_floor(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.yield_floor(state, ctx.user_id, now)))


@room_event("next_speaker", policy="facilitator", checks_first=True)
def next_speaker(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.next_speaker(state, ctx.user_id, now)))


@room_event("give_floor", policy="facilitator", payload=Target, checks_first=True)
def give_floor(ctx: Context, p: Target) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.give_floor(state, ctx.user_id, p.user_id, now))
    )


@room_event("take_floor", policy="facilitator", checks_first=True)
def take_floor(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.take_floor(state, ctx.user_id, now)))


@room_event("lower_hand_of", policy="facilitator", payload=Target, checks_first=True)
def lower_hand_of(ctx: Context, p: Target) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.lower_hand_of(state, ctx.user_id, p.user_id, now))
    )


@room_event("move_in_queue", policy="facilitator", payload=Move, checks_first=True)
def move_in_queue(ctx: Context, p: Move) -> Data:
    return data_of(
        ctx.apply(
            lambda state, now: rules.move_in_queue(state, ctx.user_id, p.user_id, p.direction, now)
        )
    )


@room_event("clear_queue", policy="facilitator", checks_first=True)
def clear_queue(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.clear_queue(state, ctx.user_id, now)))


@room_event("set_turn_limit", policy="facilitator", payload=TurnLimit, checks_first=True)
def set_turn_limit(ctx: Context, p: TurnLimit) -> Data:
    return data_of(
        ctx.apply(lambda state, now: rules.set_turn_limit(state, ctx.user_id, p.seconds, now))
    )


@room_event("start_round", policy="facilitator", payload=StartRound, checks_first=True)
def start_round(ctx: Context, p: StartRound) -> Data:
    return data_of(
        ctx.apply(
            lambda state, now: rules.start_round(state, ctx.user_id, p.kind, p.first_user_id, now)
        )
    )


@room_event("round_next", policy="admitted", checks_first=True)
def round_next(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.round_next(state, ctx.user_id, now)))


@room_event("round_pass", policy="admitted", checks_first=True)
def round_pass(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.round_pass(state, ctx.user_id, now)))


@room_event("end_round", policy="facilitator", checks_first=True)
def end_round(ctx: Context, p: Payload) -> Data:
    return data_of(ctx.apply(lambda state, now: rules.end_round(state, ctx.user_id, now)))
