"""The one owner of live room state, behind an interface.

``transact(meeting_id, fn)`` runs ``fn(state)`` atomically for one meeting and returns its result;
if ``fn`` raises, the stored state is unchanged. ``fn`` may run more than once (the Redis store runs
it again when another process changed the room first), so it changes nothing but the state it is
given. The in-memory store keeps each room as a JSON string (as the Redis store does,
:mod:`server.room.store_redis`), with a lock per meeting; ``threading.Lock`` is green under
eventlet's patching. Nothing else in the code keeps room state."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

from server.room.errors import RoomError
from server.room.state import RoomState

T = TypeVar("T")


class RoomStore(Protocol):
    def transact(
        self,
        meeting_id: int,
        fn: Callable[[RoomState], T],
        create: Callable[[], RoomState] | None = None,
    ) -> T:
        """Run ``fn`` on the meeting's state (made by ``create`` if there is none; without
        ``create`` a missing room is ``not_open``). An ended state is dropped afterwards."""
        ...

    def get(self, meeting_id: int) -> RoomState | None:
        """A copy of the state, to read."""
        ...

    def drop(self, meeting_id: int) -> None: ...

    def meeting_ids(self) -> list[int]: ...


class InMemoryRoomStore:
    """Rooms of one process."""

    def __init__(self) -> None:
        self._rooms: dict[int, str] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, meeting_id: int) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(meeting_id, threading.Lock())

    def transact(
        self,
        meeting_id: int,
        fn: Callable[[RoomState], T],
        create: Callable[[], RoomState] | None = None,
    ) -> T:
        with self._lock(meeting_id):
            stored = self._rooms.get(meeting_id)
            if stored is not None:
                state = RoomState.from_dict(json.loads(stored))
            elif create is not None:
                state = create()
            else:
                raise RoomError("not_open")
            # fn works on a copy: if it raises, the stored form is untouched.
            result = fn(state)
            if state.ended:
                self._rooms.pop(meeting_id, None)
            else:
                self._rooms[meeting_id] = json.dumps(state.to_dict())
            return result

    def get(self, meeting_id: int) -> RoomState | None:
        with self._lock(meeting_id):
            stored = self._rooms.get(meeting_id)
            return RoomState.from_dict(json.loads(stored)) if stored is not None else None

    def drop(self, meeting_id: int) -> None:
        with self._lock(meeting_id):
            self._rooms.pop(meeting_id, None)
        with self._guard:
            self._locks.pop(meeting_id, None)

    def meeting_ids(self) -> list[int]:
        with self._guard:
            return list(self._rooms)
