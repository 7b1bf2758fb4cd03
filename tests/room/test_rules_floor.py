"""The talking-turn queue, the floor, the turn limit and the speaking balance (rules only)."""

from __future__ import annotations

import pytest

from server.room import rules
from server.room.errors import RoomError
from tests.room.builders import CO_FACILITATOR, FACILITATOR, T0, running_room


def refused(code: str, fn, *args) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RoomError) as error:
        fn(*args)
    assert error.value.code == code


def test_raising_a_hand_twice_keeps_one_place() -> None:
    state = running_room(2)
    assert rules.raise_hand(state, 11, T0).data == {"position": 1}
    rules.raise_hand(state, 10, T0)
    again = rules.raise_hand(state, 11, T0)
    assert not again.changed and again.data == {"position": 1}
    assert state.queue == [11, 10]


def test_lowering_a_hand_is_idempotent() -> None:
    state = running_room(1)
    rules.raise_hand(state, 10, T0)
    rules.lower_hand(state, 10, T0)
    assert not rules.lower_hand(state, 10, T0).changed
    assert state.queue == []


def test_next_speaker_gives_the_floor_to_the_head_of_the_queue() -> None:
    state = running_room(3)
    for user_id in (12, 10):
        rules.raise_hand(state, user_id, T0)
    rules.next_speaker(state, FACILITATOR, T0)
    assert state.floor is not None and state.floor.user_id == 12
    assert state.queue == [10]
    rules.next_speaker(state, FACILITATOR, T0 + 30)
    assert state.floor.user_id == 10
    assert state.balance[12].turns == 1 and state.balance[12].seconds == 30


def test_next_speaker_skips_someone_who_dropped_but_keeps_their_place() -> None:
    state = running_room(2)
    rules.raise_hand(state, 10, T0)
    rules.raise_hand(state, 11, T0)
    rules.disconnect(state, 10, "s10", T0)
    rules.next_speaker(state, FACILITATOR, T0)
    assert state.floor is not None and state.floor.user_id == 11
    assert state.queue == [10]


def test_next_speaker_with_nobody_waiting_is_refused() -> None:
    state = running_room(1)
    refused("queue_empty", rules.next_speaker, state, FACILITATOR, T0)


def test_participant_cannot_give_the_floor() -> None:
    state = running_room(2)
    refused("forbidden", rules.give_floor, state, 10, 11, T0)


def test_the_facilitator_gives_and_takes_back_the_floor() -> None:
    state = running_room(2)
    rules.raise_hand(state, 11, T0)
    rules.give_floor(state, FACILITATOR, 11, T0)
    assert state.floor is not None and state.floor.user_id == 11 and state.queue == []
    rules.take_floor(state, FACILITATOR, T0 + 5)
    assert state.floor is None
    refused("no_floor", rules.take_floor, state, FACILITATOR, T0)


def test_the_floor_cannot_go_to_someone_who_is_not_present() -> None:
    state = running_room(1)
    refused("not_present", rules.give_floor, state, FACILITATOR, 99, T0)


def test_the_speaker_can_yield_and_nobody_else_can() -> None:
    state = running_room(2)
    rules.give_floor(state, FACILITATOR, 10, T0)
    refused("no_floor", rules.yield_floor, state, 11, T0)
    rules.yield_floor(state, 10, T0 + 12)
    assert state.floor is None
    assert state.balance[10].turns == 1 and state.balance[10].seconds == 12


def test_a_co_facilitator_moves_people_in_the_queue_and_lowers_hands() -> None:
    state = running_room(3, co=True)
    for user_id in (10, 11, 12):
        rules.raise_hand(state, user_id, T0)
    rules.move_in_queue(state, CO_FACILITATOR, 12, "up", T0)
    assert state.queue == [10, 12, 11]
    rules.move_in_queue(state, CO_FACILITATOR, 10, "down", T0)
    assert state.queue == [12, 10, 11]
    assert not rules.move_in_queue(state, CO_FACILITATOR, 12, "up", T0).changed
    rules.lower_hand_of(state, CO_FACILITATOR, 10, T0)
    assert state.queue == [12, 11]
    refused("not_in_queue", rules.move_in_queue, state, CO_FACILITATOR, 10, "up", T0)
    rules.clear_queue(state, CO_FACILITATOR, T0)
    assert state.queue == []


def test_the_turn_limit_announces_time_up_and_never_cuts_off() -> None:
    state = running_room(1)
    rules.set_turn_limit(state, FACILITATOR, 60, T0)
    outcome = rules.give_floor(state, FACILITATOR, 10, T0)
    assert state.floor is not None and state.floor.deadline == T0 + 60
    (timer,) = outcome.timers
    assert (timer.kind, timer.at) == ("turn_deadline", T0 + 60)
    early = rules.on_timer(state, "turn_deadline", timer.token, T0 + 30)
    assert not early.changed and not state.floor.time_up
    announced = rules.on_timer(state, "turn_deadline", timer.token, T0 + 60)
    assert [n.event for n in announced.notices] == ["time_up"]
    assert state.floor.user_id == 10 and state.floor.time_up
    assert not rules.on_timer(state, "turn_deadline", timer.token, T0 + 61).changed


def test_a_stale_deadline_timer_does_nothing_after_the_floor_moved() -> None:
    state = running_room(2)
    rules.set_turn_limit(state, FACILITATOR, 60, T0)
    (timer,) = rules.give_floor(state, FACILITATOR, 10, T0).timers
    rules.give_floor(state, FACILITATOR, 11, T0 + 10)
    assert not rules.on_timer(state, "turn_deadline", timer.token, T0 + 60).changed


def test_a_turn_limit_outside_the_bounds_is_refused() -> None:
    state = running_room(1)
    refused("invalid", rules.set_turn_limit, state, FACILITATOR, 5, T0)


def test_a_break_freezes_the_queue_and_the_floor() -> None:
    state = running_room(2)
    rules.set_turn_limit(state, FACILITATOR, 100, T0)
    rules.give_floor(state, FACILITATOR, 10, T0)
    outcome = rules.start_break(state, FACILITATOR, 5, T0 + 40)
    assert state.pause is not None and state.pause.until == T0 + 40 + 300
    assert state.floor is not None and state.floor.remaining == 60
    refused("on_break", rules.raise_hand, state, 11, T0 + 50)
    refused("on_break", rules.next_speaker, state, FACILITATOR, T0 + 50)
    refused("on_break", rules.yield_floor, state, 10, T0 + 50)
    (timer,) = outcome.timers
    resumed = rules.on_timer(state, "break_end", timer.token, timer.at)
    assert state.pause is None
    assert state.floor.deadline == timer.at + 60
    assert [t.kind for t in resumed.timers] == ["turn_deadline"]
    rules.yield_floor(state, 10, timer.at + 10)
    assert state.balance[10].seconds == 50  # the break was not counted as floor time


def test_the_speaking_balance_counts_turns_and_time_per_person() -> None:
    state = running_room(2)
    rules.give_floor(state, FACILITATOR, 10, T0)
    rules.give_floor(state, FACILITATOR, 11, T0 + 20)
    rules.give_floor(state, FACILITATOR, 10, T0 + 25)
    rules.take_floor(state, FACILITATOR, T0 + 35)
    assert (state.balance[10].turns, state.balance[10].seconds) == (2, 30)
    assert (state.balance[11].turns, state.balance[11].seconds) == (1, 5)
