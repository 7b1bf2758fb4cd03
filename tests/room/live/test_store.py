"""The room store: one owner of live state, atomic per meeting; what it hands out is a copy."""

from __future__ import annotations

import json
import threading

import pytest

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.state import RoomState
from server.room.live.store import InMemoryRoomStore
from tests.room.builders import FACILITATOR, T0, new_state, running_room


def test_a_refusal_leaves_the_room_as_it_was_and_the_room_goes_on() -> None:
    # Rules refuse before they change anything (tests/room/core/test_refuse_first.py), so the
    # store keeps no copy to put back.
    store = InMemoryRoomStore()
    store.transact(7, lambda s: None, create=lambda: running_room(2))
    before = store.get(7)

    def refused(state: RoomState) -> None:
        raise RoomError("forbidden")

    with pytest.raises(RoomError):
        store.transact(7, refused)
    after = store.get(7)
    assert before is not None and after is not None
    assert after.to_dict() == before.to_dict()
    store.transact(7, lambda s: s.next_id("x"))
    assert store.get(7).seq == before.seq + 1  # type: ignore[union-attr]


def test_a_room_whose_first_change_fails_is_not_kept() -> None:
    store = InMemoryRoomStore()

    def refused(state: RoomState) -> None:
        raise RoomError("locked")

    with pytest.raises(RoomError):
        store.transact(7, refused, create=lambda: running_room(1))
    assert store.get(7) is None and store.meeting_ids() == []


def test_what_the_store_hands_out_to_read_is_a_copy() -> None:
    store = InMemoryRoomStore()
    store.transact(7, lambda s: None, create=lambda: running_room(2))
    copy = store.get(7)
    assert copy is not None
    copy.queue.append(10)
    copy.locked = True
    fresh = store.get(7)
    assert fresh is not None and fresh.queue == [] and not fresh.locked


def test_a_missing_room_is_not_open_unless_it_may_be_created() -> None:
    store = InMemoryRoomStore()
    with pytest.raises(RoomError) as error:
        store.transact(7, lambda s: None)
    assert error.value.code == "not_open"
    assert store.get(7) is None


def test_an_ended_room_is_dropped() -> None:
    store = InMemoryRoomStore()
    store.transact(7, lambda s: None, create=lambda: running_room(1))
    store.transact(7, lambda s: act(s, "end_meeting", FACILITATOR, T0))
    assert store.get(7) is None and store.meeting_ids() == []


def test_the_state_round_trips_through_json() -> None:
    state = running_room(3, co=True)
    act(state, "raise_hand", 11, T0)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    act(state, "propose_topic", 12, T0, text="x")
    act(state, "start_break", FACILITATOR, T0, minutes=5)
    act(state, "remove_from_meeting", FACILITATOR, T0, user_id=12)
    data = json.loads(json.dumps(state.to_dict()))
    assert RoomState.from_dict(data) == state


def test_changes_from_many_threads_are_not_lost() -> None:
    store = InMemoryRoomStore()
    store.transact(7, lambda s: None, create=new_state)

    def bump() -> None:
        for _ in range(200):
            store.transact(7, lambda s: s.next_id("x"))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state = store.get(7)
    assert state is not None and state.seq == 800
