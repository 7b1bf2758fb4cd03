"""Go-around rounds (check-in, check-out, custom) and yielding the floor.

A facilitator starts a round over everyone present, from a chosen person or at random; the current
person holds the floor; they or a facilitator move it on; passing is always allowed, never
explained and not counted as a turn; the round ends after the last person."""

from __future__ import annotations

import random
from typing import Literal

from server.room.core.errors import RoomError
from server.room.core.outcome import Outcome
from server.room.core.payloads import Id, Payload
from server.room.core.rule import require_not_holding, require_not_on_break, rule, target_in_room
from server.room.core.rules.floor import end_floor, start_floor
from server.room.core.state import Person, RoomState, Round


class StartRound(Payload):
    kind: Literal["check_in", "check_out", "custom"]
    # None: start from someone at random.
    first_user_id: Id | None = None


@rule("start_round", "facilitator", StartRound)
def start_round(state: RoomState, actor: Person, p: StartRound, now: float) -> Outcome:
    require_not_on_break(state)
    if state.round is not None:
        raise RoomError("round_active")
    present = [p.user_id for p in state.in_room() if p.connected]
    if not present:
        raise RoomError("not_present")
    first = p.first_user_id
    if first is None:
        first = random.SystemRandom().choice(present)
    elif not target_in_room(state, first).connected:
        raise RoomError("not_present")
    start = present.index(first)
    order = present[start:] + present[:start]
    state.round = Round(kind=p.kind, order=order, position=0)
    return start_floor(state, order[0], now, "round")


def advance(state: RoomState, now: float, *, passed: bool) -> Outcome:
    """The next person in the round gets the floor; after the last, the round ends."""
    round_ = state.round
    assert round_ is not None
    end_floor(state, now, counted=not passed)
    round_.position += 1
    if round_.position >= len(round_.order):
        state.round = None
        return Outcome()
    return start_floor(state, round_.current, now, "round")


@rule("round_next", "admitted")
def round_next(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    round_ = state.round
    if round_ is None:
        raise RoomError("no_round")
    if round_.current != actor.user_id and not actor.facilitates:
        raise RoomError("not_your_turn")
    require_not_on_break(state)
    require_not_holding(state)
    return advance(state, now, passed=False)


@rule("round_pass", "admitted")
def round_pass(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    """Pass: always allowed to the person whose turn it is, and never explained."""
    round_ = state.round
    if round_ is None:
        raise RoomError("no_round")
    if round_.current != actor.user_id:
        raise RoomError("not_your_turn")
    require_not_on_break(state)
    require_not_holding(state)
    return advance(state, now, passed=True)


@rule("end_round", "facilitator")
def end_round(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    if state.round is None:
        raise RoomError("no_round")
    state.round = None
    end_floor(state, now)
    return Outcome()


def leave_round(state: RoomState, user_id: int, now: float) -> Outcome:
    """Someone left the meeting: out of the order; if it was their turn, it moves on."""
    round_ = state.round
    if round_ is None or user_id not in round_.order:
        return Outcome()
    index = round_.order.index(user_id)
    if index != round_.position:
        round_.order.remove(user_id)
        if index < round_.position:
            round_.position -= 1
        return Outcome()
    end_floor(state, now)
    round_.order.remove(user_id)
    if round_.position >= len(round_.order):
        state.round = None
        return Outcome()
    return start_floor(state, round_.current, now, "round")


@rule("yield_floor", "admitted")
def yield_floor(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    """The speaker hands the floor back; in a round it goes to the next person."""
    require_not_on_break(state)
    if state.floor is None or state.floor.user_id != actor.user_id:
        raise RoomError("no_floor")
    if state.round is not None:
        require_not_holding(state)
        return advance(state, now, passed=False)
    end_floor(state, now)
    return Outcome()
