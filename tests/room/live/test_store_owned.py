"""The rooms of one process among several: each room lives in the memory of the process that
holds it, and its snapshot in Redis, for the process that takes it over next. Each store here
stands for a process."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules import presence
from server.room.core.state import RoomState
from server.room.live.store_owned import (
    EXPIRY_MARGIN_SECONDS,
    Claimed,
    OwnedRoomStore,
    connect,
)
from tests.faults.services import PrivateRedis
from tests.room.builders import FACILITATOR, T0, arrive, new_state, running_room
from tests.scale.redis_helpers import REDIS_URL, dump_under, keys_under
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client

pytestmark = pytest.mark.redis


def process(prefix: str, name: str, url: str = REDIS_URL) -> OwnedRoomStore:
    """A process's store: its own connection, the deployment's prefix."""
    return OwnedRoomStore(connect(url), prefix, name)


@pytest.fixture
def here(prefix: str) -> OwnedRoomStore:
    return process(prefix, "here")


def seen(change: Callable[[RoomState], Any]) -> Callable[[RoomState], None]:
    """A change people see: the runtime gives the room a new version for it."""

    def run(state: RoomState) -> None:
        change(state)
        state.version += 1

    return run


def opened(store: OwnedRoomStore, make: Callable[[], RoomState] = running_room) -> None:
    """The store's process holds meeting 7, its room made here."""
    assert store.claim(7) == Claimed()
    store.transact(7, lambda s: None, create=make)


def snapshot(client: redis.Redis, store: OwnedRoomStore) -> dict[str, Any] | None:
    found = client.get(store.key(7))
    return json.loads(found) if found is not None else None


def test_a_change_people_see_is_written_as_the_room_s_snapshot(
    here: OwnedRoomStore, redis_client: redis.Redis
) -> None:
    opened(here)
    assert here.flush() == 1
    state = here.get(7)
    assert state is not None and snapshot(redis_client, here) == state.to_dict()
    here.transact(7, seen(lambda s: act(s, "raise_hand", 10, T0)))
    assert here.flush() == 1
    assert snapshot(redis_client, here)["queue"] == [10]  # type: ignore[index]
    assert redis_client.get(here.owner_key(7)) == b"here"


def test_nothing_is_written_when_nothing_people_see_changed(
    here: OwnedRoomStore, redis_client: redis.Redis
) -> None:
    opened(here)
    here.flush()
    redis_client.expire(here.key(7), 42)  # a write would set the meeting's expiry again
    assert here.transact(7, lambda s: len(s.in_room())) == 4
    here.transact(7, lambda s: act(s, "chat", 10, T0, text="hello"))
    assert here.flush() == 0
    assert 0 < redis_client.ttl(here.key(7)) <= 42


def test_the_snapshot_is_written_again_when_redis_lost_it(
    here: OwnedRoomStore, redis_client: redis.Redis, prefix: str
) -> None:
    opened(here)
    here.transact(7, seen(lambda s: act(s, "raise_hand", 11, T0)))
    here.flush()
    for key in keys_under(redis_client, prefix):  # as after a restart of Redis
        redis_client.delete(key)
    assert here.keep() == []  # the heartbeat: still this process's meeting
    assert here.flush() == 1
    assert redis_client.get(here.owner_key(7)) == b"here"
    assert snapshot(redis_client, here)["queue"] == [11]  # type: ignore[index]


def test_a_meeting_whose_process_stopped_is_taken_over_from_its_snapshot(
    here: OwnedRoomStore, redis_client: redis.Redis, prefix: str
) -> None:
    opened(here)
    for user_id in (12, 10):
        here.transact(7, seen(lambda s, u=user_id: act(s, "raise_hand", u, T0)))  # type: ignore[misc]
    here.flush()
    there = process(prefix, "there")
    assert there.claim(7) == "here"  # alive: refused
    redis_client.delete(here.owner_key(7))  # its heartbeat stopped: the key expired

    found = there.claim(7)
    assert isinstance(found, Claimed) and found.snapshot is not None
    assert found.snapshot.queue == [12, 10]
    # The stopped process's late writes do not reach the new holder's snapshot.
    there.transact(7, lambda s: None, create=lambda: found.snapshot)  # type: ignore[return-value]
    here.transact(7, seen(lambda s: act(s, "lower_hand", 12, T0)))
    here.flush()
    assert snapshot(redis_client, here)["queue"] == [12, 10]  # type: ignore[index]
    assert here.keep() == [7]  # its heartbeat, were it back: another process holds it


def test_a_meeting_held_by_a_live_process_is_refused_elsewhere(
    here: OwnedRoomStore, prefix: str
) -> None:
    opened(here)
    there = process(prefix, "there")
    assert there.claim(7) == "here"
    for create in (None, running_room):
        with pytest.raises(RoomError) as error:
            there.transact(7, lambda s: None, create=create)
        assert error.value.code == "moving"
    assert there.meeting_ids() == [] and here.meeting_ids() == [7]


def test_letting_go_writes_the_last_snapshot_and_frees_the_meeting(
    here: OwnedRoomStore, redis_client: redis.Redis, prefix: str
) -> None:
    opened(here)
    here.transact(7, seen(lambda s: act(s, "raise_hand", 11, T0)))  # not written yet
    assert here.release(7)
    assert redis_client.get(here.owner_key(7)) is None
    with pytest.raises(RoomError) as error:
        here.transact(7, seen(lambda s: act(s, "raise_hand", 10, T0)))
    assert error.value.code == "moving" and here.meeting_ids() == []
    found = process(prefix, "there").claim(7)
    assert isinstance(found, Claimed) and found.snapshot is not None
    assert found.snapshot.queue == [11]


def test_a_claim_that_made_no_room_is_given_up(
    here: OwnedRoomStore, redis_client: redis.Redis
) -> None:
    def locked() -> RoomState:
        state = running_room(1)
        state.locked = True
        return state

    assert here.claim(7) == Claimed()

    def enter(state: RoomState) -> None:
        arrive(state, 20)

    with pytest.raises(RoomError, match="locked"):
        here.transact(7, enter, create=locked)
    assert not here.holds(7) and redis_client.get(here.owner_key(7)) is None
    # Taking a room over, with none to take: no claim is left either.
    assert here.claim(8, create=False) == Claimed()
    assert not here.holds(8) and redis_client.get(here.owner_key(8)) is None


def test_an_ended_room_leaves_no_key(
    here: OwnedRoomStore, redis_client: redis.Redis, prefix: str
) -> None:
    opened(here)
    here.flush()
    here.transact(7, lambda s: act(s, "end_meeting", FACILITATOR, T0))
    assert here.get(7) is None and here.meeting_ids() == [] and not here.holds(7)
    here.flush()
    assert keys_under(redis_client, prefix) == []


def test_every_snapshot_expires_a_while_after_the_meeting(
    redis_client: redis.Redis, prefix: str
) -> None:
    now = time.time()
    store = OwnedRoomStore(connect(REDIS_URL), prefix, "here", clock=lambda: now)

    def closing_in_two_hours() -> RoomState:
        state = new_state()
        state.settings.closes_at = now + 7200
        return state

    opened(store, closing_in_two_hours)
    store.flush()
    ttl = redis_client.ttl(store.key(7))
    assert 7200 + EXPIRY_MARGIN_SECONDS - 5 <= ttl <= 7200 + EXPIRY_MARGIN_SECONDS
    assert 0 < redis_client.ttl(store.owner_key(7)) <= 15


def test_a_refused_change_leaves_the_room_as_it_was(here: OwnedRoomStore) -> None:
    opened(here, lambda: running_room(2))
    before = here.get(7)

    def half_done(state: RoomState) -> None:
        raise RoomError("forbidden")

    with pytest.raises(RoomError):
        here.transact(7, half_done)
    after = here.get(7)
    assert before is not None and after is not None and after.to_dict() == before.to_dict()
    assert here.holds(7)


def test_the_whole_state_goes_to_the_next_process(here: OwnedRoomStore, prefix: str) -> None:
    state = running_room(3, co=True)
    act(state, "raise_hand", 11, T0)
    act(state, "start_round", FACILITATOR, T0, kind="check_in", first_user_id=10)
    act(state, "propose_topic", 12, T0, text="x")
    act(state, "start_break", FACILITATOR, T0, minutes=5)
    act(state, "lock", FACILITATOR, T0, locked=True)
    act(state, "remove_from_meeting", FACILITATOR, T0, user_id=12)
    presence.disconnect(state, 11, "s11", T0)
    opened(here, lambda: state)
    assert here.release(7)
    found = process(prefix, "there").claim(7)
    assert isinstance(found, Claimed) and found.snapshot == state


def test_snapshots_keep_up_with_changes_from_many_tasks(
    here: OwnedRoomStore, redis_client: redis.Redis
) -> None:
    opened(here, new_state)
    writer = threading.Thread(target=here.write_loop, args=(time.sleep,))
    writer.start()

    def bump() -> None:
        for _ in range(100):
            here.transact(7, seen(lambda s: s.next_id("x")))

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deadline = time.monotonic() + 5
    while (snapshot(redis_client, here) or {}).get("seq") != 400:
        assert time.monotonic() < deadline, "the last change was never written"
        time.sleep(0.02)
    here.stop()
    writer.join(5)
    assert snapshot(redis_client, here)["version"] == here.get(7).version == 400  # type: ignore[index,union-attr]


def test_nothing_anyone_said_is_in_redis(
    here: OwnedRoomStore, redis_client: redis.Redis, prefix: str
) -> None:
    opened(here, lambda: running_room(3))
    for change in [
        lambda s: act(s, "chat", 10, T0, text="canary-chat"),
        lambda s: act(s, "private_message", 11, T0, text="canary-private"),
        lambda s: act(s, "private_reply", FACILITATOR, T0, user_id=11, text="canary-reply"),
        lambda s: act(s, "propose_topic", 12, T0, text="canary-topic"),
        lambda s: act(s, "signal", 10, T0, kind="need_break"),
        lambda s: arrive(s, 20),
        lambda s: act(s, "decline", FACILITATOR, T0, user_id=20, message="canary-decline"),
    ]:
        here.transact(7, seen(change))
        here.flush()
    assert b"canary" not in dump_under(redis_client, prefix)
    room = snapshot(redis_client, here) or {}
    assert room["topics"] and "text" not in room["topics"][0]


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A Redis of the test's own, which it stops and starts again (empty)."""
    found = PrivateRedis().start()
    yield found
    found.close()


@pytest.mark.timeout(60)
def test_a_meeting_goes_on_while_redis_is_away_and_is_written_when_it_is_back(
    private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    store = process("kreds", "here", private_redis.url)
    opened(store)
    writer = threading.Thread(target=store.write_loop, args=(lambda seconds: time.sleep(0.1),))
    writer.start()
    try:
        private_redis.stop(kill=True)
        with caplog.at_level(logging.ERROR):
            store.transact(7, seen(lambda s: act(s, "raise_hand", 10, T0)))
            store.transact(7, seen(lambda s: act(s, "raise_hand", 12, T0)))
            deadline = time.monotonic() + 10
            while "room snapshots not written: ConnectionError" not in caplog.text:
                assert time.monotonic() < deadline, caplog.text
                time.sleep(0.05)
        assert store.get(7).queue == [10, 12]  # type: ignore[union-attr]

        private_redis.start()  # empty: Redis keeps nothing on disk
        assert store.keep() == []  # the next heartbeat
        client = redis.Redis.from_url(private_redis.url)
        deadline = time.monotonic() + 10
        while (snapshot(client, store) or {}).get("queue") != [10, 12]:
            assert time.monotonic() < deadline, "the snapshot was not written again"
            time.sleep(0.05)
        assert client.get(store.owner_key(7)) == b"here"
    finally:
        store.stop()
        writer.join(5)
