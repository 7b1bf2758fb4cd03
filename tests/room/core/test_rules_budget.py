"""Each person's budget of room changes (server/room/core/rule.py: ``perform`` pays for every
budgeted event before its rule runs), in plain Python: what costs, what does not, refilling,
facilitators' larger budget, and the budget kept in either store."""

from __future__ import annotations

import json

import pytest
import redis

from server.room.core.errors import RoomError
from server.room.core.outcome import Outcome
from server.room.core.payloads import Payload
from server.room.core.rule import RuleSpec, act, perform
from server.room.core.state import Person, RoomState
from server.room.live.store import InMemoryRoomStore
from server.room.live.store_owned import Claimed, OwnedRoomStore
from tests.room.builders import FACILITATOR, T0, arrive, running_room
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client

BIRCH = 10


def toggle(state: RoomState, user_id: int, now: float) -> Outcome:
    """Raise the hand if it is down, lower it if it is up: a change every time."""
    event = "lower_hand" if user_id in state.queue else "raise_hand"
    return act(state, event, user_id, now)


def changes_until_refused(state: RoomState, user_id: int, now: float) -> tuple[int, RoomError]:
    for done in range(1000):
        try:
            toggle(state, user_id, now)
        except RoomError as error:
            return done, error
    raise AssertionError("never refused")


def test_a_participant_has_twenty_changes_at_once_then_waits() -> None:
    state = running_room()
    done, error = changes_until_refused(state, BIRCH, T0)
    assert done == 20
    assert error.code == "rate_limited" and error.details["retry_after"] == 1
    with pytest.raises(RoomError):
        toggle(state, BIRCH, T0 + 0.5)
    toggle(state, BIRCH, T0 + 1)  # refilled at one change a second
    done, _ = changes_until_refused(state, BIRCH, T0 + 21)
    assert done == 20


def test_facilitators_have_three_times_as_many() -> None:
    state = running_room()
    # Admitting the three participants when the room opened (at T0) cost three.
    done, error = changes_until_refused(state, FACILITATOR, T0 + 60)
    assert done == 60 and error.code == "rate_limited"


def test_a_refused_event_runs_no_rule_and_changes_nothing() -> None:
    state = running_room()
    changes_until_refused(state, BIRCH, T0)
    before = state.to_dict()
    ran: list[bool] = []

    def rule(s: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
        ran.append(True)
        return Outcome()

    spec = RuleSpec("a_change", "admitted", Payload, rule)
    with pytest.raises(RoomError):
        perform(spec, state, BIRCH, Payload(meeting_id=state.meeting_id), T0)
    assert ran == [] and state.to_dict() == before


def test_what_changes_nothing_or_is_refused_costs_nothing() -> None:
    state = running_room()
    act(state, "raise_hand", BIRCH, T0)
    for _ in range(100):  # the hand is up already: nothing changes, nothing is sent
        act(state, "raise_hand", BIRCH, T0)
    for _ in range(100):  # only a facilitator may: refused
        with pytest.raises(RoomError, match="forbidden"):
            act(state, "next_speaker", BIRCH, T0)
    assert state.budgets[BIRCH].used == 1


def test_a_relay_costs_like_a_change() -> None:
    state = running_room()
    for _ in range(8):
        act(state, "react", BIRCH, T0, kind="me_too")
    assert state.budgets[BIRCH].used == 8


def test_the_budget_survives_leaving_and_the_json_of_a_shared_store() -> None:
    state = running_room()
    changes_until_refused(state, BIRCH, T0)
    act(state, "leave", BIRCH, T0)
    again = RoomState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again.budgets == state.budgets
    arrive(again, BIRCH)  # back, and let in again
    act(again, "admit", FACILITATOR, T0, user_id=BIRCH)
    with pytest.raises(RoomError, match="rate_limited"):
        toggle(again, BIRCH, T0)


def test_a_state_stored_before_budgets_existed_still_reads() -> None:
    stored = running_room().to_dict()
    del stored["budgets"]
    assert RoomState.from_dict(json.loads(json.dumps(stored))).budgets == {}


def run_flood(store: InMemoryRoomStore | OwnedRoomStore) -> int:
    store.transact(7, lambda s: None, create=running_room)
    done = 0
    for _ in range(30):
        try:
            store.transact(7, lambda s: toggle(s, BIRCH, T0))
            done += 1
        except RoomError as error:
            assert error.code == "rate_limited"
    return done


def test_the_in_memory_store_keeps_the_budget() -> None:
    assert run_flood(InMemoryRoomStore()) == 20


@pytest.mark.redis
def test_the_budget_goes_with_the_room_to_another_process(
    redis_client: redis.Redis, prefix: str
) -> None:
    first = OwnedRoomStore(redis_client, prefix, "first")
    first.claim(7)
    assert run_flood(first) == 20
    assert first.release(7)
    found = OwnedRoomStore(redis_client, prefix, "second").claim(7)
    assert isinstance(found, Claimed) and found.snapshot is not None
    with pytest.raises(RoomError, match="rate_limited"):
        toggle(found.snapshot, BIRCH, T0)
