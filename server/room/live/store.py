"""The one owner of live room state, behind an interface.

``transact(meeting_id, fn)`` runs ``fn(state)`` atomically for one meeting and returns its result;
if ``fn`` raises, the stored state is unchanged. What ``fn`` returns holds no part of the state
(new lists and dictionaries: the store goes on changing the state it was given).

Every rule refuses before it changes anything (:mod:`server.room.core.rule`), so the store keeps
each room as live objects and a change works on the room itself, with a lock per meeting
(``threading.Lock`` is green under eventlet's patching) and no copy to put back.

A room lives in the memory of one process. With several processes (Redis), :mod:`.store_owned`
keeps this store for the rooms the process holds and adds what the others need: who holds which
meeting, and a snapshot of each room to take it over from. Nothing else in the code keeps room
state."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

from server.room.core.errors import RoomError
from server.room.core.state import RoomState

T = TypeVar("T")


class RoomStore(Protocol):
    def transact(
        self,
        meeting_id: int,
        fn: Callable[[RoomState], T],
        create: Callable[[], RoomState] | None = None,
    ) -> T:
        """Run ``fn`` on the meeting's state (made by ``create`` if there is none; without
        ``create`` a missing room is ``not_open``). An ended state is dropped afterwards. ``fn``
        raises only before it changes anything."""
        ...

    def get(self, meeting_id: int) -> RoomState | None:
        """A copy of the state, to read."""
        ...

    def drop(self, meeting_id: int) -> RoomState | None:
        """Forget the room here; returns it as it was (None: it was not here)."""
        ...

    def meeting_ids(self) -> list[int]: ...


def _thaw(stored: bytes) -> RoomState:
    state = pickle.loads(stored)
    assert isinstance(state, RoomState)
    return state


def _freeze(state: RoomState) -> bytes:
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


class InMemoryRoomStore:
    """Rooms of one process."""

    def __init__(self) -> None:
        self._rooms: dict[int, RoomState] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, meeting_id: int) -> threading.Lock:
        lock = self._locks.get(meeting_id)
        if lock is None:  # a new lock only for a new room, not one per transaction
            with self._guard:
                lock = self._locks.setdefault(meeting_id, threading.Lock())
        return lock

    def transact(
        self,
        meeting_id: int,
        fn: Callable[[RoomState], T],
        create: Callable[[], RoomState] | None = None,
    ) -> T:
        with self._lock(meeting_id):
            state = self._rooms.get(meeting_id)
            if state is None:
                if create is None:
                    raise RoomError("not_open")
                state = create()  # kept only if fn goes through
            result = fn(state)
            if state.ended:
                self._rooms.pop(meeting_id, None)
            else:
                self._rooms[meeting_id] = state
            return result

    def get(self, meeting_id: int) -> RoomState | None:
        with self._lock(meeting_id):
            state = self._rooms.get(meeting_id)
            return _thaw(_freeze(state)) if state is not None else None

    def holds(self, meeting_id: int) -> bool:
        return meeting_id in self._rooms

    def drop(self, meeting_id: int) -> RoomState | None:
        # Under the room's lock: a change under way finishes first, and none comes after.
        with self._lock(meeting_id):
            return self._rooms.pop(meeting_id, None)

    def meeting_ids(self) -> list[int]:
        with self._guard:
            return list(self._rooms)
