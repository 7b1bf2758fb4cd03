"""Go-around rounds (rules only)."""

from __future__ import annotations

import random

import pytest

from server.room import rules
from server.room.errors import RoomError
from tests.room.builders import FACILITATOR, T0, running_room


def test_a_round_starts_from_the_chosen_person_and_goes_around_everyone_present() -> None:
    state = running_room(3)
    rules.start_round(state, FACILITATOR, "check_in", 11, T0)
    assert state.round is not None
    assert state.round.order == [11, 12, FACILITATOR, 10]
    assert state.floor is not None and state.floor.user_id == 11


def test_a_round_can_start_at_random() -> None:
    state = running_room(3)
    rules.start_round(state, FACILITATOR, "check_out", None, T0, rng=random.Random(4))
    assert state.round is not None
    assert sorted(state.round.order) == [FACILITATOR, 10, 11, 12]
    assert state.floor is not None and state.floor.user_id == state.round.order[0]


def test_the_current_person_or_a_facilitator_moves_the_round_on() -> None:
    state = running_room(2)
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    with pytest.raises(RoomError) as error:
        rules.round_next(state, 11, T0)
    assert error.value.code == "not_your_turn"
    rules.round_next(state, 10, T0 + 10)
    assert state.floor is not None and state.floor.user_id == 11
    rules.round_next(state, FACILITATOR, T0 + 20)
    assert state.floor.user_id == FACILITATOR


def test_passing_is_always_allowed_and_is_not_a_turn() -> None:
    state = running_room(2)
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    rules.round_pass(state, 10, T0 + 2)
    assert state.floor is not None and state.floor.user_id == 11
    assert state.balance[10].turns == 0
    assert "pass" not in str(state.to_dict()["round"])


def test_only_the_person_whose_turn_it_is_can_pass() -> None:
    state = running_room(2)
    rules.start_round(state, FACILITATOR, "custom", 10, T0)
    with pytest.raises(RoomError) as error:
        rules.round_pass(state, FACILITATOR, T0)
    assert error.value.code == "not_your_turn"


def test_the_round_ends_after_the_last_person() -> None:
    state = running_room(1)
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    rules.yield_floor(state, 10, T0 + 5)  # yielding in a round moves it on
    rules.round_pass(state, FACILITATOR, T0 + 6)
    assert state.round is None and state.floor is None


def test_during_a_round_the_queue_waits_and_the_floor_follows_the_round() -> None:
    state = running_room(2)
    rules.raise_hand(state, 11, T0)
    rules.start_round(state, FACILITATOR, "check_in", 11, T0)
    assert state.queue == [11]
    for rule in (rules.next_speaker, rules.take_floor):
        with pytest.raises(RoomError) as error:
            rule(state, FACILITATOR, T0)
        assert error.value.code == "round_active"
    rules.end_round(state, FACILITATOR, T0 + 3)
    assert state.round is None and state.floor is None and state.queue == [11]


def test_if_the_current_person_leaves_the_turn_moves_on() -> None:
    state = running_room(3)
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    rules.leave(state, 10, T0)
    assert state.round is not None and state.round.order == [11, 12, FACILITATOR]
    assert state.floor is not None and state.floor.user_id == 11
    rules.leave(state, 12, T0)
    assert state.round.order == [11, FACILITATOR] and state.round.current == 11


def test_a_round_cannot_start_while_another_runs() -> None:
    state = running_room(1)
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    with pytest.raises(RoomError) as error:
        rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    assert error.value.code == "round_active"


def test_the_round_holds_while_every_facilitator_is_away() -> None:
    state = running_room(2)
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    rules.disconnect(state, FACILITATOR, "s1", T0)
    with pytest.raises(RoomError) as error:
        rules.round_pass(state, 10, T0)
    assert error.value.code == "on_hold"
