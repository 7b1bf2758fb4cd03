"""Go-around rounds (rules only)."""

from __future__ import annotations

import pytest

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules.presence import disconnect
from tests.room.builders import FACILITATOR, T0, running_room


def test_a_round_starts_from_the_chosen_person_and_goes_around_everyone_present() -> None:
    state = running_room(3)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=11)
    assert state.round is not None
    assert state.round.order == [11, 12, FACILITATOR, 10]
    assert state.floor is not None and state.floor.user_id == 11


def test_a_round_can_start_at_random() -> None:
    state = running_room(3)
    act(state, "start_round", FACILITATOR, T0, kind="check_out")
    assert state.round is not None
    present = [FACILITATOR, 10, 11, 12]
    start = present.index(state.round.order[0])
    assert state.round.order == present[start:] + present[:start]
    assert state.floor is not None and state.floor.user_id == state.round.order[0]


def test_the_current_person_or_a_facilitator_moves_the_round_on() -> None:
    state = running_room(2)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    with pytest.raises(RoomError) as error:
        act(state, "round_next", 11, T0)
    assert error.value.code == "not_your_turn"
    act(state, "round_next", 10, T0 + 10)
    assert state.floor is not None and state.floor.user_id == 11
    act(state, "round_next", FACILITATOR, T0 + 20)
    assert state.floor.user_id == FACILITATOR


def test_passing_is_always_allowed_and_is_not_a_turn() -> None:
    state = running_room(2)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    act(state, "round_pass", 10, T0 + 2)
    assert state.floor is not None and state.floor.user_id == 11
    assert state.balance[10].turns == 0
    assert "pass" not in str(state.to_dict()["round"])


def test_only_the_person_whose_turn_it_is_can_pass() -> None:
    state = running_room(2)
    act(state, "start_round", FACILITATOR, T0, kind="custom", first_user_id=10)
    with pytest.raises(RoomError) as error:
        act(state, "round_pass", FACILITATOR, T0)
    assert error.value.code == "not_your_turn"


def test_the_round_ends_after_the_last_person() -> None:
    state = running_room(1)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    act(state, "yield_floor", 10, T0 + 5)  # yielding in a round moves it on
    act(state, "round_pass", FACILITATOR, T0 + 6)
    assert state.round is None and state.floor is None


def test_during_a_round_the_queue_waits_and_the_floor_follows_the_round() -> None:
    state = running_room(2)
    act(state, "raise_hand", 11, T0)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=11)
    assert state.queue == [11]
    for event in ("next_speaker", "take_floor"):
        with pytest.raises(RoomError) as error:
            act(state, event, FACILITATOR, T0)
        assert error.value.code == "round_active"
    act(state, "end_round", FACILITATOR, T0 + 3)
    assert state.round is None and state.floor is None and state.queue == [11]


def test_if_the_current_person_leaves_the_turn_moves_on() -> None:
    state = running_room(3)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    act(state, "leave", 10, T0)
    assert state.round is not None and state.round.order == [11, 12, FACILITATOR]
    assert state.floor is not None and state.floor.user_id == 11
    act(state, "leave", 12, T0)
    assert state.round.order == [11, FACILITATOR] and state.round.current == 11


def test_a_round_cannot_start_while_another_runs() -> None:
    state = running_room(1)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    with pytest.raises(RoomError) as error:
        act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    assert error.value.code == "round_active"


def test_the_round_holds_while_every_facilitator_is_away() -> None:
    state = running_room(2)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    disconnect(state, FACILITATOR, "s1", T0)
    with pytest.raises(RoomError) as error:
        act(state, "round_pass", 10, T0)
    assert error.value.code == "on_hold"
