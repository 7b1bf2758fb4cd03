"""Entering, the lobby, the lock, capacity, presence, reconnection and the hold (rules only)."""

from __future__ import annotations

import pytest

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules.moderation import on_timer
from server.room.core.rules.presence import Entrant, disconnect, join
from tests.room.builders import FACILITATOR, T0, arrive, new_state, running_room


def codes(error: pytest.ExceptionInfo[RoomError]) -> str:
    return error.value.code


def test_a_participant_waits_in_the_lobby_and_a_facilitator_enters_at_once() -> None:
    state = new_state()
    arrive(state, FACILITATOR, "facilitator")
    arrive(state, 10)
    assert state.people[FACILITATOR].where == "room"
    assert state.people[10].where == "lobby"


def test_the_facilitator_admits_one_person() -> None:
    state = new_state()
    arrive(state, FACILITATOR, "facilitator")
    arrive(state, 10)
    outcome = act(state, "admit", FACILITATOR, T0, user_id=10)
    assert state.people[10].where == "room"
    assert [s.user_id for s in outcome.entered if s.new] == [10]


def test_a_participant_cannot_admit_anyone() -> None:
    state = running_room(1)
    arrive(state, 11)
    with pytest.raises(RoomError) as error:
        act(state, "admit", 10, T0, user_id=11)
    assert codes(error) == "forbidden"


def test_admit_all_lets_everyone_waiting_in_up_to_the_capacity() -> None:
    state = new_state(capacity=2)
    arrive(state, FACILITATOR, "facilitator")
    arrive(state, 10)
    arrive(state, 11)
    outcome = act(state, "admit_all", FACILITATOR, T0)
    assert {p.user_id for p in state.in_room()} == {FACILITATOR, 10, 11}
    assert len(outcome.entered) == 2


def test_nobody_new_enters_a_full_group() -> None:
    state = running_room(2, capacity=2)
    with pytest.raises(RoomError) as error:
        arrive(state, 12)
    assert codes(error) == "full"


def test_declining_sends_the_person_away_with_a_message_that_is_not_kept() -> None:
    state = new_state()
    arrive(state, FACILITATOR, "facilitator")
    arrive(state, 10)
    outcome = act(state, "decline", FACILITATOR, T0, user_id=10, message="  Not today, sorry  ")
    assert 10 not in state.people
    assert outcome.notices[0].event == "declined"
    assert outcome.notices[0].data["message"] == "Not today, sorry"
    assert "Not today" not in str(state.to_dict())
    assert outcome.audit == [("room.decline", 10)]


def test_declining_someone_in_the_room_is_refused() -> None:
    state = running_room(1)
    with pytest.raises(RoomError) as error:
        act(state, "decline", FACILITATOR, T0, user_id=10, message="")
    assert codes(error) == "not_present"


def test_nobody_new_enters_a_locked_room_but_facilitators_do() -> None:
    state = running_room(1)
    act(state, "lock", FACILITATOR, T0, locked=True)
    with pytest.raises(RoomError) as error:
        arrive(state, 11)
    assert codes(error) == "locked"
    arrive(state, 2, "co_facilitator")
    assert state.people[2].where == "room"


def test_a_barred_person_cannot_come_back() -> None:
    state = running_room(1)
    act(state, "remove_from_meeting", FACILITATOR, T0, user_id=10)
    with pytest.raises(RoomError) as error:
        arrive(state, 10)
    assert codes(error) == "barred"


def test_automatic_admission_lets_participants_in_when_a_facilitator_is_there() -> None:
    state = new_state(auto_admit=True)
    arrive(state, 10)
    assert state.people[10].where == "lobby"  # no facilitator yet: the room holds
    arrive(state, FACILITATOR, "facilitator")
    assert state.people[10].where == "room"
    arrive(state, 11)
    assert state.people[11].where == "room"


def test_stepping_out_and_back_is_shown_as_a_status() -> None:
    state = running_room(1)
    act(state, "set_status", 10, T0, status="away")
    assert state.people[10].status == "away"
    assert not act(state, "set_status", 10, T0, status="away").changed
    act(state, "set_status", 10, T0, status="here")
    assert state.people[10].status == "here"


def test_a_dropped_person_keeps_their_place_within_the_grace() -> None:
    state = running_room(2)
    act(state, "raise_hand", 11, T0)
    act(state, "raise_hand", 10, T0)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    outcome = disconnect(state, 10, "s10", T0 + 1)
    assert [t.kind for t in outcome.timers] == ["reconnect_grace"]
    assert not state.people[10].connected
    join(state, Entrant(10, "P10", "participant"), "s10b", T0 + 30)
    assert state.people[10].connected
    assert state.floor is not None and state.floor.user_id == 10
    # The old timer fires and does nothing: the person came back.
    token = outcome.timers[0].token
    assert not on_timer(state, "reconnect_grace", token, T0 + 61).changed
    assert 10 in state.people


def test_a_reconnecting_person_gets_in_even_if_the_room_was_locked_meanwhile() -> None:
    state = running_room(1)
    disconnect(state, 10, "s10", T0)
    act(state, "lock", FACILITATOR, T0, locked=True)
    join(state, Entrant(10, "P10", "participant"), "s10b", T0 + 5)
    assert state.people[10].where == "room"


def test_after_the_grace_a_dropped_person_loses_queue_and_floor() -> None:
    state = running_room(2)
    act(state, "raise_hand", 11, T0)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    outcome = disconnect(state, 10, "s10", T0)
    disconnect(state, 11, "s11", T0)
    on_timer(state, "reconnect_grace", outcome.timers[0].token, T0 + 60)
    assert 10 not in state.people
    assert state.floor is None
    assert state.queue == [11]  # 11's own grace has not been run


def test_a_person_in_the_lobby_who_drops_keeps_their_place_there_within_the_grace() -> None:
    state = new_state()
    arrive(state, FACILITATOR, "facilitator")
    arrive(state, 10)
    arrive(state, 11)
    (grace,) = disconnect(state, 10, "s10", T0).timers
    act(state, "lock", FACILITATOR, T0, locked=True)
    join(state, Entrant(10, "P10", "participant"), "s10b", T0 + 20)
    assert state.people[10].where == "lobby" and state.people[10].connected
    (grace,) = disconnect(state, 11, "s11", T0 + 30).timers
    on_timer(state, "reconnect_grace", grace.token, grace.at)
    assert 11 not in state.people


def test_a_second_tab_closing_does_not_disconnect_the_person() -> None:
    state = running_room(1)
    join(state, Entrant(10, "P10", "participant"), "tab2", T0)
    outcome = disconnect(state, 10, "s10", T0)
    assert state.people[10].connected and not outcome.changed


def test_when_every_facilitator_drops_the_room_holds_and_the_floor_pauses() -> None:
    state = running_room(2, co=True, reconnect_grace=60)
    act(state, "give_floor", FACILITATOR, T0, user_id=10)
    disconnect(state, FACILITATOR, "s1", T0 + 1)
    assert state.holding_since is None  # the co-facilitator is still here
    disconnect(state, 2, "s2", T0 + 2)
    assert state.holding_since == T0 + 2
    assert state.floor is not None and state.floor.running_since is None
    arrive(state, 12)
    assert state.people[12].where == "lobby"
    join(state, Entrant(2, "P2", "co_facilitator"), "s2b", T0 + 10)
    assert state.holding_since is None
    assert state.floor.running_since == T0 + 10


def test_leaving_on_purpose_keeps_no_place() -> None:
    state = running_room(2)
    act(state, "raise_hand", 10, T0)
    outcome = act(state, "leave", 10, T0)
    assert 10 not in state.people and state.queue == []
    assert outcome.released[0].sids == ("s10",)
