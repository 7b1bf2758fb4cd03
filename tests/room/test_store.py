"""The room store: one owner of live state, atomic per meeting; what it hands out is a copy."""

from __future__ import annotations

import json
import threading

import pytest

from server.room import rules
from server.room.errors import RoomError
from server.room.state import RoomState
from server.room.store import InMemoryRoomStore
from tests.room.builders import FACILITATOR, T0, new_state, running_room


def test_a_refused_change_leaves_the_stored_state_untouched() -> None:
    store = InMemoryRoomStore()
    store.transact(7, lambda s: None, create=lambda: running_room(2))
    before = store.get(7)

    def half_done(state: RoomState) -> None:
        state.queue.append(10)
        raise RoomError("forbidden")

    with pytest.raises(RoomError):
        store.transact(7, half_done)
    after = store.get(7)
    assert before is not None and after is not None
    assert after.to_dict() == before.to_dict()


def test_a_change_that_fails_unexpectedly_leaves_the_stored_state_untouched() -> None:
    store = InMemoryRoomStore()
    store.transact(7, lambda s: None, create=lambda: running_room(2))
    before = store.get(7)

    def broken(state: RoomState) -> None:
        state.people.clear()
        state.locked = True
        raise ValueError("a bug")

    with pytest.raises(ValueError):
        store.transact(7, broken)
    after = store.get(7)
    assert before is not None and after is not None
    assert after.to_dict() == before.to_dict()
    store.transact(7, lambda s: s.next_id("x"))  # and the room goes on
    assert store.get(7).seq == before.seq + 1  # type: ignore[union-attr]


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
    store.transact(7, lambda s: rules.end_meeting(s, FACILITATOR, T0))
    assert store.get(7) is None and store.meeting_ids() == []


def test_the_state_round_trips_through_json() -> None:
    state = running_room(3, co=True)
    rules.raise_hand(state, 11, T0)
    rules.start_round(state, FACILITATOR, "check_in", 10, T0)
    rules.propose_topic(state, 12, "x", T0)
    rules.start_break(state, FACILITATOR, 5, T0)
    rules.remove(state, FACILITATOR, 12, "meeting", T0)
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


def test_without_rollback_the_store_takes_the_rule_at_its_word() -> None:
    """``rollback=False`` is for rules that refuse before they change anything
    (tests/room/test_rules_check_first.py): no copy is kept, so a late failure is not undone."""
    store = InMemoryRoomStore()
    store.transact(7, lambda s: None, create=lambda: running_room(2))

    def refuses_late(state: RoomState) -> None:
        state.next_id("m")
        raise RoomError("forbidden")

    with pytest.raises(RoomError):
        store.transact(7, refuses_late, rollback=False)
    assert store.get(7).seq == running_room(2).seq + 1  # type: ignore[union-attr]
    with pytest.raises(RoomError):
        store.transact(7, refuses_late)
    assert store.get(7).seq == running_room(2).seq + 1  # type: ignore[union-attr]
