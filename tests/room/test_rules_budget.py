"""Each person's budget of room changes (server/room/rules/budget.py), in plain Python: what costs,
what does not, refilling, facilitators' larger budget, and the budget kept in either store."""

from __future__ import annotations

import json

import pytest
import redis

from server.room import rules
from server.room.errors import RoomError
from server.room.rules import Outcome
from server.room.state import RoomState
from server.room.store import InMemoryRoomStore
from server.room.store_redis import RedisRoomStore
from tests.room.builders import FACILITATOR, T0, running_room
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client

BIRCH = 10


def toggle(state: RoomState, user_id: int, now: float) -> Outcome:
    """Raise the hand if it is down, lower it if it is up: a change every time."""
    rule = rules.lower_hand if user_id in state.queue else rules.raise_hand
    return rules.budgeted(user_id, lambda s, n: rule(s, user_id, n))(state, now)


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
    done, error = changes_until_refused(state, FACILITATOR, T0)
    assert done == 60 and error.code == "rate_limited"


def test_a_refused_event_runs_no_rule_and_changes_nothing() -> None:
    state = running_room()
    changes_until_refused(state, BIRCH, T0)
    before = state.to_dict()
    ran: list[bool] = []

    def rule(s: RoomState, now: float) -> Outcome:
        ran.append(True)
        return Outcome()

    with pytest.raises(RoomError):
        rules.budgeted(BIRCH, rule)(state, T0)
    assert ran == [] and state.to_dict() == before


def test_what_changes_nothing_or_is_refused_costs_nothing() -> None:
    state = running_room()
    rules.budgeted(BIRCH, lambda s, now: rules.raise_hand(s, BIRCH, now))(state, T0)
    for _ in range(100):  # the hand is up already: nothing changes, nothing is sent
        rules.budgeted(BIRCH, lambda s, now: rules.raise_hand(s, BIRCH, now))(state, T0)
    for _ in range(100):  # only a facilitator may: refused
        with pytest.raises(RoomError, match="forbidden"):
            rules.budgeted(BIRCH, lambda s, now: rules.next_speaker(s, BIRCH, now))(state, T0)
    assert state.budgets[BIRCH].used == 1


def test_a_relay_costs_like_a_change() -> None:
    state = running_room()
    for _ in range(8):
        rules.budgeted(BIRCH, lambda s, now: rules.react(s, BIRCH, "me_too", now))(state, T0)
    assert state.budgets[BIRCH].used == 8


def test_the_budget_survives_leaving_and_the_json_of_a_shared_store() -> None:
    state = running_room()
    changes_until_refused(state, BIRCH, T0)
    rules.leave(state, BIRCH, T0)
    again = RoomState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert again.budgets == state.budgets
    with pytest.raises(RoomError, match="rate_limited"):
        rules.budgeted(BIRCH, lambda s, now: Outcome())(again, T0)


def test_a_state_stored_before_budgets_existed_still_reads() -> None:
    stored = running_room().to_dict()
    del stored["budgets"]
    assert RoomState.from_dict(json.loads(json.dumps(stored))).budgets == {}


def run_flood(store: InMemoryRoomStore | RedisRoomStore) -> int:
    store.transact(7, lambda s: None, create=running_room)
    done = 0
    for _ in range(30):
        try:
            store.transact(7, lambda s: toggle(s, BIRCH, T0), rollback=False)
            done += 1
        except RoomError as error:
            assert error.code == "rate_limited"
    return done


def test_the_in_memory_store_keeps_the_budget() -> None:
    assert run_flood(InMemoryRoomStore()) == 20


@pytest.mark.redis
def test_the_redis_store_keeps_the_budget(redis_client: redis.Redis, prefix: str) -> None:
    assert run_flood(RedisRoomStore(redis_client, prefix)) == 20
