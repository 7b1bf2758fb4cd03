"""The rooms of one process among several (when ``REDIS_URL`` is set).

A meeting lives on one process: every socket of it reaches that process (nginx routes on the
meeting, docs/deploy.md), its room is in that process's memory (:class:`InMemoryRoomStore`, the
one-process store, unchanged), its emits are delivered there and its timers run there. Redis
keeps what the other processes need:

- ``<prefix>:owner:<meeting id>``: the process that holds the meeting, with an expiry of
  ``KREDS_ROOM_PROCESS_TTL_SECONDS`` that its heartbeat renews (:meth:`OwnedRoomStore.keep`). A
  process takes a meeting it does not hold with one script, :meth:`OwnedRoomStore.claim`: the key
  is set only if no live process holds the meeting, and the snapshot comes back in the same
  round trip;
- ``<prefix>:room:<meeting id>``: the room's snapshot, the JSON of :meth:`RoomState.to_dict` (who
  is here and the order of things, never anything anyone said), written by the holder after each
  change that people see, expiring a while after the meeting's closing time. The process that
  takes the meeting over next starts from it.

Snapshots are written by one background task (:meth:`OwnedRoomStore.write_loop`), outside every
room's lock and out of the way of every event: a change marks its room, and the task writes all
marked rooms in one round trip. A snapshot is written only while the owner key names this
process, so a process that gave a meeting up never overwrites its new holder's. When Redis does
not answer, the rooms stay marked and the meetings go on; the task writes them when it is back.

redis-py is imported here, and this module only when Redis is configured: after the server's
monkey-patching (``server.serve``), as it must be."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import redis

from server.metrics import count
from server.room.core.errors import RoomError
from server.room.core.state import RoomState
from server.room.live.store import InMemoryRoomStore

T = TypeVar("T")
log = logging.getLogger(__name__)

# A snapshot outlives its meeting's closing time by this much, whoever forgets to end it.
EXPIRY_MARGIN_SECONDS = 3600
MIN_EXPIRY_SECONDS = 600

# Each script's KEYS[1] is the owner key, KEYS[2] the snapshot; ARGV[1] is this process's id.
# Claim: this process holds the meeting now, unless a live process does; the snapshot, if any,
# comes back. ARGV[2]: the owner key's expiry.
CLAIM = """
local owner = redis.call('GET', KEYS[1])
if owner ~= false and owner ~= ARGV[1] then return {0, owner} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return {1, redis.call('GET', KEYS[2])}
"""
# Write the snapshot (ARGV[2], expiring in ARGV[3] seconds) while this process holds the meeting.
WRITE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
return 1
"""
# Let go: the last snapshot (ARGV[2]; '' for none) is written and the owner key removed at once.
RELEASE = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
redis.call('DEL', KEYS[1])
return 1
"""
# The meeting ended here: its snapshot and owner key go.
END = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
"""
# The heartbeat, for every meeting held (KEYS: their owner keys; ARGV[2]: the expiry): 1 still
# ours, renewed; 0 gone (Redis restarted), set again; 2 another process holds it now.
KEEP = """
local found = {}
for i, key in ipairs(KEYS) do
  local owner = redis.call('GET', key)
  if owner == ARGV[1] then
    redis.call('EXPIRE', key, ARGV[2]); found[i] = 1
  elseif owner == false then
    redis.call('SET', key, ARGV[1], 'EX', ARGV[2]); found[i] = 0
  else
    found[i] = 2
  end
end
return found
"""


def connect(url: str, *, blocking: bool = False) -> redis.Redis:
    """A client for ``url``. ``blocking`` clients (pub/sub listeners) wait without a timeout."""
    if blocking:
        return redis.Redis.from_url(url, health_check_interval=30)
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=3)


@dataclass(frozen=True)
class Claimed:
    """This process holds the meeting now. ``snapshot``: the room its previous holder left, to
    take over (None: the room was here already, or there is none yet)."""

    snapshot: RoomState | None = None


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class OwnedRoomStore:
    """The rooms this process holds, in its memory, with their owner keys and snapshots."""

    def __init__(
        self,
        client: redis.Redis,
        prefix: str = "kreds",
        process_id: str = "",
        ttl: float = 15.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.process_id = process_id or f"store-{id(self):x}"
        self.ttl = max(1, int(ttl + 0.999))
        self.clock = clock
        self.rooms = InMemoryRoomStore()
        # The meetings whose owner key names this process (their rooms are here, or about to be).
        self._held: set[int] = set()
        # Rooms whose snapshot is to be written; meetings that ended here (changed under _marks).
        self._dirty: set[int] = set()
        self._ended: set[int] = set()
        self._marks = threading.Lock()
        self._wake = threading.Event()
        self._running = False
        self._claim = client.register_script(CLAIM)
        self._write = client.register_script(WRITE)
        self._release = client.register_script(RELEASE)
        self._end = client.register_script(END)
        self._keep = client.register_script(KEEP)

    def owner_key(self, meeting_id: int) -> str:
        return f"{self.prefix}:owner:{meeting_id}"

    def key(self, meeting_id: int) -> str:
        return f"{self.prefix}:room:{meeting_id}"

    def _keys(self, meeting_id: int) -> list[str]:
        return [self.owner_key(meeting_id), self.key(meeting_id)]

    def _expiry(self, state: RoomState) -> int:
        left = state.settings.closes_at - self.clock() + EXPIRY_MARGIN_SECONDS
        return max(MIN_EXPIRY_SECONDS, int(left))

    # The store (server.room.live.store.RoomStore), for the meetings held here.
    def holds(self, meeting_id: int) -> bool:
        return meeting_id in self._held

    def transact(
        self,
        meeting_id: int,
        fn: Callable[[RoomState], T],
        create: Callable[[], RoomState] | None = None,
    ) -> T:
        """As the in-memory store, for a meeting this process holds (``moving`` otherwise: it
        was handed over, or another process holds it). A change people see (a new version)
        marks the room for its snapshot; a room made by ``create`` too."""
        if meeting_id not in self._held:
            raise RoomError("moving")
        made: list[bool] = []

        def make() -> RoomState:
            assert create is not None
            made.append(True)
            return create()

        def run(state: RoomState) -> T:
            version = state.version
            result = fn(state)
            if state.ended:
                self._held.discard(meeting_id)
                self._mark(self._ended, meeting_id)
            elif made or state.version != version:
                self._mark(self._dirty, meeting_id)
            return result

        try:
            result = self.rooms.transact(meeting_id, run, make if create is not None else None)
        except Exception as error:
            if meeting_id not in self._held and isinstance(error, RoomError):
                raise RoomError("moving") from None  # let go while this change waited
            if not self.rooms.holds(meeting_id):  # claimed, but no room came of it
                with contextlib.suppress(redis.RedisError):  # else the claim expires
                    self.give_up(meeting_id)
            raise
        if self._dirty or self._ended:
            self._wake.set()
        return result

    def _mark(self, marked: set[int], meeting_id: int) -> None:
        with self._marks:
            marked.add(meeting_id)

    def get(self, meeting_id: int) -> RoomState | None:
        return self.rooms.get(meeting_id)

    def drop(self, meeting_id: int) -> RoomState | None:
        """Forget the room here and in Redis (its snapshot and owner key, if this process holds
        it)."""
        self._held.discard(meeting_id)
        self._dirty.discard(meeting_id)
        state = self.rooms.drop(meeting_id)
        self._end(keys=self._keys(meeting_id), args=[self.process_id])
        return state

    def meeting_ids(self) -> list[int]:
        return self.rooms.meeting_ids()

    # Holding meetings.
    def claim(self, meeting_id: int, create: bool = True) -> Claimed | str:
        """Hold the meeting here, unless a live process holds it: then its id comes back. A
        snapshot left by a process that stopped (or let go) comes with the claim, to take over.
        ``create=False``: only to take a room over; with no snapshot, the claim is given up."""
        if meeting_id in self._held:
            return Claimed()
        taken, found = self._claim(keys=self._keys(meeting_id), args=[self.process_id, self.ttl])
        if not taken:
            return _text(found)
        self._held.add(meeting_id)
        if found is None:
            if not create:
                self.give_up(meeting_id)
            return Claimed()
        return Claimed(RoomState.from_dict(json.loads(found)))

    def give_up(self, meeting_id: int) -> None:
        """Remove this process's claim on a meeting whose room is not here."""
        self._held.discard(meeting_id)
        self._release(keys=self._keys(meeting_id), args=[self.process_id, "", 0])

    def release(self, meeting_id: int) -> bool:
        """Let the meeting go, for another process to take it over: the last snapshot is written
        and the owner key removed in one step, and the room is forgotten here. False: the room
        was not here (an owner key naming this process is removed all the same)."""
        self._held.discard(meeting_id)  # changes that come now answer "moving"
        state = self.rooms.drop(meeting_id)  # one under way finishes first
        self._dirty.discard(meeting_id)
        data = json.dumps(state.to_dict()) if state is not None else ""
        expiry = self._expiry(state) if state is not None else 0
        try:
            self._release(keys=self._keys(meeting_id), args=[self.process_id, data, expiry])
        except Exception:
            if state is not None:  # Redis did not answer: the meeting stays here
                self._held.add(meeting_id)
                self.rooms.transact(meeting_id, lambda s: None, create=lambda: state)
            raise
        return state is not None

    def forget(self, meeting_id: int) -> None:
        """Another process holds the meeting now: its room here is stale, and goes."""
        self._held.discard(meeting_id)
        self._dirty.discard(meeting_id)
        self.rooms.drop(meeting_id)

    def keep(self) -> list[int]:
        """Renew the owner key of every meeting held here (each heartbeat). A key that was gone
        (Redis restarted, or this process stalled past its expiry) is set again, and the room's
        snapshot written again. Returns the meetings another process holds now, which this
        process must forget (:meth:`forget`)."""
        held = sorted(self._held)
        if not held:
            return []
        found = self._keep(keys=[self.owner_key(m) for m in held], args=[self.process_id, self.ttl])
        lost: list[int] = []
        for meeting_id, status in zip(held, found, strict=True):
            if status == 2:
                lost.append(meeting_id)
            elif status == 0:
                if meeting_id in self._held:
                    self._mark(self._dirty, meeting_id)
                else:  # let go meanwhile: the key just set is not this process's to keep
                    self.give_up(meeting_id)
        if self._dirty:
            self._wake.set()
        return lost

    # Snapshots.
    def flush(self) -> int:
        """Write the snapshot of every marked room, and remove those of rooms that ended, in one
        round trip; returns how many snapshots were written. When Redis does not answer, the
        rooms stay marked and the error is raised."""
        with self._marks:
            dirty, self._dirty = self._dirty, set()
            ended, self._ended = self._ended, set()
        writes: list[tuple[int, str, int]] = []
        for meeting_id in sorted(dirty):
            if meeting_id not in self._held:
                continue
            try:
                data, expiry = self.rooms.transact(
                    meeting_id, lambda s: (json.dumps(s.to_dict()), self._expiry(s))
                )
            except RoomError:  # ended or let go meanwhile
                continue
            writes.append((meeting_id, data, expiry))
        if not (writes or ended):
            return 0
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for meeting_id, data, expiry in writes:
                    args: list[str | int] = [self.process_id, data, expiry]
                    self._write(keys=self._keys(meeting_id), args=args, client=pipe)
                for meeting_id in ended:
                    self._end(keys=self._keys(meeting_id), args=[self.process_id], client=pipe)
                pipe.execute()
        except Exception:
            with self._marks:
                self._dirty |= {m for m, _, _ in writes}
                self._ended |= ended
            raise
        return len(writes)

    def write_loop(self, pause: Callable[[float], object]) -> None:
        """Write snapshots as rooms change, until :meth:`stop` (a background task)."""
        self._running = True
        while self._running:
            self._wake.wait(1.0)
            self._wake.clear()
            if not (self._dirty or self._ended) or not self._running:
                continue
            try:
                self.flush()
            except Exception as error:
                # The meetings go on; their snapshots are written once Redis answers again.
                log.error("room snapshots not written: %s", type(error).__name__)
                count("kreds_room_snapshot_failures_total")
                pause(1.0)

    def stop(self) -> None:
        self._running = False
        self._wake.set()
