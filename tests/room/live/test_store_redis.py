"""The Redis room store: the same promises as the in-memory one, across processes (each client
here stands for a process), with an expiry as the backstop and nothing anyone said in Redis."""

from __future__ import annotations

import json
import threading
import time

import pytest
import redis

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules import presence
from server.room.core.state import RoomState
from server.room.live.store_redis import EXPIRY_MARGIN_SECONDS, RedisRoomStore
from tests.room.builders import FACILITATOR, T0, arrive, new_state, running_room
from tests.scale.redis_helpers import REDIS_URL, dump_under, keys_under
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client

pytestmark = pytest.mark.redis


@pytest.fixture
def store(redis_client: redis.Redis, prefix: str) -> RedisRoomStore:
    return RedisRoomStore(redis_client, prefix)


def test_a_refused_change_leaves_the_stored_state_untouched(store: RedisRoomStore) -> None:
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


def test_a_missing_room_is_not_open_unless_it_may_be_created(store: RedisRoomStore) -> None:
    with pytest.raises(RoomError) as error:
        store.transact(7, lambda s: None)
    assert error.value.code == "not_open"
    assert store.get(7) is None and store.meeting_ids() == []


def test_an_ended_room_leaves_no_key(
    store: RedisRoomStore, redis_client: redis.Redis, prefix: str
) -> None:
    store.transact(7, lambda s: None, create=lambda: running_room(1))
    assert store.meeting_ids() == [7]
    store.transact(7, lambda s: act(s, "end_meeting", FACILITATOR, T0))
    assert store.get(7) is None and store.meeting_ids() == []
    assert keys_under(redis_client, prefix) == []


def test_every_write_sets_an_expiry_past_the_meetings_end(
    redis_client: redis.Redis, prefix: str
) -> None:
    now = time.time()
    store = RedisRoomStore(redis_client, prefix, clock=lambda: now)

    def opened() -> RoomState:
        state = new_state()
        state.settings.closes_at = now + 7200
        return state

    store.transact(7, lambda s: None, create=opened)
    ttl = redis_client.ttl(store.key(7))
    assert 7200 + EXPIRY_MARGIN_SECONDS - 5 <= ttl <= 7200 + EXPIRY_MARGIN_SECONDS


def test_a_rule_that_changes_nothing_writes_nothing(
    store: RedisRoomStore, redis_client: redis.Redis
) -> None:
    store.transact(7, lambda s: None, create=lambda: running_room(3))
    redis_client.expire(store.key(7), 42)  # a write would set the meeting's expiry again
    assert store.transact(7, lambda s: len(s.in_room())) == 4
    assert 0 < redis_client.ttl(store.key(7)) <= 42


def test_a_change_another_process_made_meanwhile_is_kept(prefix: str) -> None:
    mine = RedisRoomStore(redis.Redis.from_url(REDIS_URL), prefix)
    other = RedisRoomStore(redis.Redis.from_url(REDIS_URL), prefix)
    mine.transact(7, lambda s: None, create=new_state)
    seen: list[int] = []

    def count(state: RoomState) -> None:
        seen.append(state.seq)
        if len(seen) == 1:  # the other process writes between this read and this write
            other.transact(7, lambda s: s.next_id("x"))
        state.next_id("y")

    mine.transact(7, count)
    state = mine.get(7)
    assert seen == [0, 1] and mine.conflicts == 1
    assert state is not None and state.seq == 2


def test_the_whole_state_round_trips(store: RedisRoomStore) -> None:
    state = running_room(3, co=True)
    act(state, "raise_hand", 11, T0)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    act(state, "propose_topic", 12, T0, text="x")
    act(state, "start_break", FACILITATOR, T0, minutes=5)
    act(state, "lock", FACILITATOR, T0, locked=True)
    act(state, "remove_from_meeting", FACILITATOR, T0, user_id=12)
    presence.disconnect(state, 11, "s11", T0)
    store.transact(7, lambda s: None, create=lambda: state)
    assert store.get(7) == state


def test_changes_from_several_processes_at_once_are_not_lost(prefix: str) -> None:
    # Each thread has its own connection, as each process would.
    stores = [RedisRoomStore(redis.Redis.from_url(REDIS_URL), prefix) for _ in range(4)]
    stores[0].transact(7, lambda s: None, create=new_state)

    def bump(store: RedisRoomStore) -> None:
        for _ in range(100):
            store.transact(7, lambda s: s.next_id("x"))

    threads = [threading.Thread(target=bump, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state = stores[0].get(7)
    assert state is not None and state.seq == 400


def test_a_hand_raised_twice_at_once_is_queued_once(prefix: str) -> None:
    stores = [RedisRoomStore(redis.Redis.from_url(REDIS_URL), prefix) for _ in range(3)]
    stores[0].transact(7, lambda s: None, create=lambda: running_room(3))
    barrier = threading.Barrier(3)
    refused: list[str] = []

    def raise_hand(store: RedisRoomStore) -> None:
        barrier.wait()
        try:
            store.transact(7, lambda s: act(s, "raise_hand", 10, T0))
        except RoomError as error:
            refused.append(error.code)

    threads = [threading.Thread(target=raise_hand, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state = stores[0].get(7)
    assert state is not None and state.queue == [10]


def test_nothing_anyone_said_is_in_redis(
    store: RedisRoomStore, redis_client: redis.Redis, prefix: str
) -> None:
    store.transact(7, lambda s: None, create=lambda: running_room(3))
    arrive_and_decline = [
        lambda s: arrive(s, 20),
        lambda s: act(s, "decline", FACILITATOR, T0, user_id=20, message="canary-decline"),
    ]
    for change in [
        lambda s: act(s, "chat", 10, T0, text="canary-chat"),
        lambda s: act(s, "private_message", 11, T0, text="canary-private"),
        lambda s: act(s, "private_reply", FACILITATOR, T0, user_id=11, text="canary-reply"),
        lambda s: act(s, "propose_topic", 12, T0, text="canary-topic"),
        lambda s: act(s, "signal", 10, T0, kind="need_break"),
        *arrive_and_decline,
    ]:
        store.transact(7, change)
    stored = dump_under(redis_client, prefix)
    assert b"canary" not in stored
    room = json.loads(redis_client.get(store.key(7)) or b"{}")
    assert room["topics"] and "text" not in room["topics"][0]
