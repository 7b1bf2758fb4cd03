"""What one chat message costs the room store, in CPU, without sockets or an async mode.

``python -m bench.store`` runs the chat rule through each store on a room of seven (a facilitator
and six participants, three hands raised) and prints the time per message, wall clock and CPU,
with what a snapshot costs (its JSON in and out) beside them. The owned store (several processes:
the meeting held in this process's memory, its snapshot written to Redis in the background)
needs the Redis at ``--redis-url``; its keys go under a prefix of their own and are removed
afterwards. A chat message is most of a meeting's events (docs/benchmarks.md)."""

from __future__ import annotations

import argparse
import json
import time
import uuid
from collections.abc import Callable

from server.room.core import rules
from server.room.core.rule import act
from server.room.core.rules.presence import Entrant
from server.room.core.state import RoomState, Settings
from server.room.live.store import InMemoryRoomStore, RoomStore

MEETING = 7
FACILITATOR = 1
PARTICIPANTS = range(10, 16)


def room(now: float) -> RoomState:
    """A meeting of seven in the room, three of them waiting to speak."""
    state = RoomState(
        meeting_id=MEETING,
        group_id=1,
        settings=Settings(capacity=6, auto_admit=False, closes_at=now + 7200),
    )
    rules.presence.join(state, Entrant(FACILITATOR, "Facilitator", "facilitator"), "s1", now)
    for user_id in PARTICIPANTS:
        entrant = Entrant(user_id, f"P{user_id}", "participant")
        rules.presence.join(state, entrant, f"s{user_id}", now)
        act(state, "admit", FACILITATOR, now, user_id=user_id)
    for user_id in list(PARTICIPANTS)[:3]:
        act(state, "raise_hand", user_id, now)
    return state


def timed(label: str, work: Callable[[], object], count: int) -> str:
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(count):
        work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return f"{label:<34} {wall / count * 1e6:8.1f} µs wall {cpu / count * 1e6:8.1f} µs CPU"


def chats(store: RoomStore, now: float) -> Callable[[], object]:
    """Each call is one chat message, from the participants in turn (within the rate limit)."""
    sent = [0]

    def chat() -> object:
        sent[0] += 1
        at = now + 2.0 * sent[0]
        sender = PARTICIPANTS[sent[0] % len(PARTICIPANTS)]
        return store.transact(MEETING, lambda s: act(s, "chat", sender, at, text="hello"))

    return chat


def measure(count: int, redis_url: str | None) -> list[str]:
    now = time.time()
    state = room(now)
    stored = json.dumps(state.to_dict())
    lines = [
        f"one chat message through the store, a room of 7, {count:,} times",
        timed("JSON in (loads, from_dict)", lambda: RoomState.from_dict(json.loads(stored)), count),
        timed("JSON out (to_dict, dumps)", lambda: json.dumps(state.to_dict()), count),
    ]
    memory = InMemoryRoomStore()
    memory.transact(MEETING, lambda s: None, create=lambda: room(now))
    lines.append(timed("in-memory store (one process)", chats(memory, now), count))
    if redis_url:
        from server.room.live.store_owned import OwnedRoomStore, connect

        client = connect(redis_url)
        shared = OwnedRoomStore(client, f"bench-store-{uuid.uuid4().hex[:8]}")
        try:
            shared.claim(MEETING)
            shared.transact(MEETING, lambda s: None, create=lambda: room(now))
            lines.append(timed("owned store (several processes)", chats(shared, now), count))
            lines.append(timed("· of it one Redis GET", lambda: client.get("absent"), count))
        finally:
            shared.drop(MEETING)
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.store", description=__doc__)
    parser.add_argument("--count", type=int, default=3000, help="chat messages per store")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--no-redis", action="store_true", help="the in-memory store only")
    args = parser.parse_args(argv)
    print("\n".join(measure(args.count, None if args.no_redis else args.redis_url)))


if __name__ == "__main__":
    main()
