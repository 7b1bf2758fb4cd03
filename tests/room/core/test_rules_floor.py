"""The talking-turn queue, the floor, the turn limit and the speaking balance (rules only)."""

from __future__ import annotations

from server.room.core.rule import act
from server.room.core.rules.moderation import on_timer
from server.room.core.rules.presence import disconnect
from tests.room.builders import CO_FACILITATOR, FACILITATOR, T0, refused, running_room


def test_raising_a_hand_twice_keeps_one_place() -> None:
    state = running_room(2)
    assert act(state, "raise_hand", 11, T0).data == {"position": 1}
    act(state, "raise_hand", 10, T0)
    again = act(state, "raise_hand", 11, T0)
    assert not again.changed and again.data == {"position": 1}
    assert state.queue == [11, 10]


def test_lowering_a_hand_is_idempotent() -> None:
    state = running_room(1)
    act(state, "raise_hand", 10, T0)
    act(state, "lower_hand", 10, T0)
    assert not act(state, "lower_hand", 10, T0).changed
    assert state.queue == []


def test_next_speaker_gives_the_floor_to_the_head_of_the_queue() -> None:
    state = running_room(3)
    for user_id in (12, 10):
        act(state, "raise_hand", user_id, T0)
    act(state, "next_speaker", FACILITATOR, T0)
    assert state.floor is not None and state.floor.user_id == 12
    assert state.queue == [10]
    act(state, "next_speaker", FACILITATOR, T0 + 30)
    assert state.floor.user_id == 10
    assert state.balance[12].turns == 1 and state.balance[12].seconds == 30


def test_next_speaker_skips_someone_who_dropped_but_keeps_their_place() -> None:
    state = running_room(2)
    act(state, "raise_hand", 10, T0)
    act(state, "raise_hand", 11, T0)
    disconnect(state, 10, "s10", T0)
    act(state, "next_speaker", FACILITATOR, T0)
    assert state.floor is not None and state.floor.user_id == 11
    assert state.queue == [10]


def test_next_speaker_with_nobody_waiting_is_refused() -> None:
    state = running_room(1)
    refused("queue_empty", state, "next_speaker", FACILITATOR)


def test_participant_cannot_give_the_floor() -> None:
    state = running_room(2)
    refused("forbidden", state, "give_floor", 10, user_id=11)


def test_the_facilitator_gives_and_takes_back_the_floor() -> None:
    state = running_room(2)
    act(state, "raise_hand", 11, T0)
    act(state, "give_floor", FACILITATOR, T0, user_id=11)
    assert state.floor is not None and state.floor.user_id == 11 and state.queue == []
    act(state, "take_floor", FACILITATOR, T0 + 5)
    assert state.floor is None
    refused("no_floor", state, "take_floor", FACILITATOR)


def test_the_floor_cannot_go_to_someone_who_is_not_present() -> None:
    state = running_room(1)
    refused("not_present", state, "give_floor", FACILITATOR, user_id=99)


def test_the_speaker_can_yield_and_nobody_else_can() -> None:
    state = running_room(2)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    refused("no_floor", state, "yield_floor", 11)
    act(state, "yield_floor", 10, T0 + 12)
    assert state.floor is None
    assert state.balance[10].turns == 1 and state.balance[10].seconds == 12


def test_a_co_facilitator_moves_people_in_the_queue_and_lowers_hands() -> None:
    state = running_room(3, co=True)
    for user_id in (10, 11, 12):
        act(state, "raise_hand", user_id, T0)
    act(state, "move_in_queue", CO_FACILITATOR, T0, user_id=12, direction="up")
    assert state.queue == [10, 12, 11]
    act(state, "move_in_queue", CO_FACILITATOR, T0, user_id=10, direction="down")
    assert state.queue == [12, 10, 11]
    assert not act(state, "move_in_queue", CO_FACILITATOR, T0, user_id=12, direction="up").changed
    act(state, "lower_hand_of", CO_FACILITATOR, T0, user_id=10)
    assert state.queue == [12, 11]
    refused("not_in_queue", state, "move_in_queue", CO_FACILITATOR, user_id=10, direction="up")
    act(state, "clear_queue", CO_FACILITATOR, T0)
    assert state.queue == []


def test_the_turn_limit_announces_time_up_and_never_cuts_off() -> None:
    state = running_room(1)
    act(state, "set_turn_limit", FACILITATOR, T0, seconds=60)
    outcome = act(state, "give_floor", FACILITATOR, T0, user_id=10)
    assert state.floor is not None and state.floor.deadline == T0 + 60
    (timer,) = outcome.timers
    assert (timer.kind, timer.at) == ("turn_deadline", T0 + 60)
    early = on_timer(state, "turn_deadline", timer.token, T0 + 30)
    assert not early.changed and not state.floor.time_up
    announced = on_timer(state, "turn_deadline", timer.token, T0 + 60)
    assert [n.event for n in announced.notices] == ["time_up"]
    assert state.floor.user_id == 10 and state.floor.time_up
    assert not on_timer(state, "turn_deadline", timer.token, T0 + 61).changed


def test_a_stale_deadline_timer_does_nothing_after_the_floor_moved() -> None:
    state = running_room(2)
    act(state, "set_turn_limit", FACILITATOR, T0, seconds=60)
    (timer,) = act(state, "give_floor", FACILITATOR, T0, user_id=10).timers
    act(state, "give_floor", FACILITATOR, T0 + 10, user_id=11)
    assert not on_timer(state, "turn_deadline", timer.token, T0 + 60).changed


def test_a_turn_limit_outside_the_bounds_is_refused() -> None:
    state = running_room(1)
    refused("invalid", state, "set_turn_limit", FACILITATOR, seconds=5)


def test_a_break_freezes_the_queue_and_the_floor() -> None:
    state = running_room(2)
    act(state, "set_turn_limit", FACILITATOR, T0, seconds=100)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    outcome = act(state, "start_break", FACILITATOR, T0 + 40, minutes=5)
    assert state.pause is not None and state.pause.until == T0 + 40 + 300
    assert state.floor is not None and state.floor.remaining == 60
    refused("on_break", state, "raise_hand", 11, T0 + 50)
    refused("on_break", state, "next_speaker", FACILITATOR, T0 + 50)
    refused("on_break", state, "yield_floor", 10, T0 + 50)
    (timer,) = outcome.timers
    resumed = on_timer(state, "break_end", timer.token, timer.at)
    assert state.pause is None
    assert state.floor.deadline == timer.at + 60
    assert [t.kind for t in resumed.timers] == ["turn_deadline"]
    act(state, "yield_floor", 10, timer.at + 10)
    assert state.balance[10].seconds == 50  # the break was not counted as floor time


def test_the_speaking_balance_counts_turns_and_time_per_person() -> None:
    state = running_room(2)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    act(state, "give_floor", FACILITATOR, T0 + 20, user_id=11)
    act(state, "give_floor", FACILITATOR, T0 + 25, user_id=10)
    act(state, "take_floor", FACILITATOR, T0 + 35)
    assert (state.balance[10].turns, state.balance[10].seconds) == (2, 30)
    assert (state.balance[11].turns, state.balance[11].seconds) == (1, 5)
