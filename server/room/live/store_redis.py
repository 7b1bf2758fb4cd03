"""Room state in Redis, shared by every process (when ``REDIS_URL`` is set).

One key per meeting, ``<prefix>:room:<meeting_id>``, holds the room's JSON: the same JSON the
in-memory store keeps (who is here and the order of things: presence, lobby, lock, queue, floor,
round, bars, timer tokens, the facilitator-away hold), never anything anyone said. Chat, private
lines, signals and topic texts only pass through the Socket.IO message queue (pub/sub, not stored).

A change is optimistic: read the key, run the rule, then write the result with a compare-and-set
script (:data:`SWAP`), which writes only if the key still holds what was read. When another
process changed the room in between, nothing is written and the rule runs again on the new state
(rules are plain functions of the state, so running one again is safe). That is two round trips
per event, where WATCH, GET and MULTI/SET/EXEC took three; a rule that leaves the room as it was
(the same JSON) writes nothing. Every write sets an expiry (the meeting's closing time plus a
margin): a room that nobody ends still disappears.

redis-py is imported here, and this module only when Redis is configured: after the server's
monkey-patching (``server.serve``), as it must be."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis

from server.room.core.errors import RoomError
from server.room.core.state import RoomState

T = TypeVar("T")
log = logging.getLogger(__name__)

# A room outlives its meeting's closing time by this much, whoever forgets to end it.
EXPIRY_MARGIN_SECONDS = 3600
MIN_EXPIRY_SECONDS = 600
# Optimistic retries before giving up with "internal" (nothing changed). Conflicts only happen
# when several processes change the same room at the same moment; a few retries absorb that.
MAX_ATTEMPTS = 200
# KEYS[1]: the room. ARGV: what was read ('' for no key), what to write ('' to delete), expiry.
SWAP = """
local current = redis.call('GET', KEYS[1])
if current ~= (ARGV[1] ~= '' and ARGV[1] or false) then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1])
else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1
"""


def connect(url: str, *, blocking: bool = False) -> redis.Redis:
    """A client for ``url``. ``blocking`` clients (pub/sub listeners) wait without a timeout."""
    if blocking:
        return redis.Redis.from_url(url, health_check_interval=30)
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)


class RedisRoomStore:
    """Rooms shared by every process through Redis."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "kreds",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.clock = clock
        self._swap = client.register_script(SWAP)
        # Counted for the metrics (how often processes collided on a room).
        self.conflicts = 0

    def key(self, meeting_id: int) -> str:
        return f"{self.prefix}:room:{meeting_id}"

    def _expiry(self, state: RoomState) -> int:
        left = state.settings.closes_at - self.clock() + EXPIRY_MARGIN_SECONDS
        return max(MIN_EXPIRY_SECONDS, int(left))

    def transact(
        self,
        meeting_id: int,
        fn: Callable[[RoomState], T],
        create: Callable[[], RoomState] | None = None,
    ) -> T:
        key = self.key(meeting_id)
        for attempt in range(MAX_ATTEMPTS):
            stored: Any = self.client.get(key)
            if stored is not None:
                state = RoomState.from_dict(json.loads(stored))
            elif create is not None:
                state = create()
            else:
                raise RoomError("not_open")
            # If fn raises, nothing is written.
            result = fn(state)
            if state.ended:
                written = ""
            else:
                written = json.dumps(state.to_dict())
                if stored is not None and written.encode() == stored:
                    return result  # nothing changed: nothing to write
            read = stored if stored is not None else ""
            if self._swap(keys=[key], args=[read, written, self._expiry(state)]):
                return result
            self.conflicts += 1
            # Another process won the race: try again on its result, a little later each time.
            time.sleep(random.uniform(0, 0.001 * min(attempt, 20)))
        log.error("room store: gave up after %d conflicting attempts", MAX_ATTEMPTS)
        raise RoomError("internal")

    def get(self, meeting_id: int) -> RoomState | None:
        stored: Any = self.client.get(self.key(meeting_id))
        return RoomState.from_dict(json.loads(stored)) if stored is not None else None

    def drop(self, meeting_id: int) -> None:
        self.client.delete(self.key(meeting_id))

    def meeting_ids(self) -> list[int]:
        prefix = f"{self.prefix}:room:"
        found: list[int] = []
        for key in self.client.scan_iter(match=f"{prefix}*", count=500):
            text = key.decode() if isinstance(key, bytes) else str(key)
            suffix = text[len(prefix) :]
            if suffix.isdigit():
                found.append(int(suffix))
        return sorted(found)
