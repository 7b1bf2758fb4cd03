"""Go-around rounds (check-in, check-out, custom) and yielding the floor.

A facilitator starts a round over everyone present, from a chosen person or at random; the current
person holds the floor; they or a facilitator move it on; passing is always allowed, never
explained and not counted as a turn; the round ends after the last person."""

from __future__ import annotations

import random

from server.room.errors import RoomError
from server.room.rules.common import (
    require_admitted,
    require_facilitator,
    require_not_holding,
    require_not_on_break,
    target_in_room,
)
from server.room.rules.floor import end_floor, start_floor
from server.room.rules.outcome import Outcome
from server.room.state import RoomState, Round

ROUND_KINDS = ("check_in", "check_out", "custom")


def start_round(
    state: RoomState,
    actor: int,
    kind: str,
    first: int | None,
    now: float,
    rng: random.Random | None = None,
) -> Outcome:
    require_facilitator(state, actor)
    require_not_on_break(state)
    if kind not in ROUND_KINDS:
        raise RoomError("invalid")
    if state.round is not None:
        raise RoomError("round_active")
    present = [p.user_id for p in state.in_room() if p.connected]
    if not present:
        raise RoomError("not_present")
    if first is None:
        first = (rng or random.SystemRandom()).choice(present)
    elif not target_in_room(state, first).connected:
        raise RoomError("not_present")
    start = present.index(first)
    order = present[start:] + present[:start]
    state.round = Round(kind=kind, order=order, position=0)
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


def _require_turn_or_facilitator(state: RoomState, actor: int) -> Round:
    person = require_admitted(state, actor)
    round_ = state.round
    if round_ is None:
        raise RoomError("no_round")
    if round_.current != actor and not person.facilitates:
        raise RoomError("not_your_turn")
    return round_


def round_next(state: RoomState, actor: int, now: float) -> Outcome:
    _require_turn_or_facilitator(state, actor)
    require_not_on_break(state)
    require_not_holding(state)
    return advance(state, now, passed=False)


def round_pass(state: RoomState, actor: int, now: float) -> Outcome:
    """Pass: always allowed to the person whose turn it is, and never explained."""
    require_admitted(state, actor)
    round_ = state.round
    if round_ is None:
        raise RoomError("no_round")
    if round_.current != actor:
        raise RoomError("not_your_turn")
    require_not_on_break(state)
    require_not_holding(state)
    return advance(state, now, passed=True)


def end_round(state: RoomState, actor: int, now: float) -> Outcome:
    require_facilitator(state, actor)
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


def yield_floor(state: RoomState, actor: int, now: float) -> Outcome:
    """The speaker hands the floor back; in a round it goes to the next person."""
    require_admitted(state, actor)
    require_not_on_break(state)
    if state.floor is None or state.floor.user_id != actor:
        raise RoomError("no_floor")
    if state.round is not None:
        require_not_holding(state)
        return advance(state, now, passed=False)
    end_floor(state, now)
    return Outcome()
