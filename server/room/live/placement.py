"""Which process holds a meeting, when several serve one deployment.

Every socket of a meeting reaches the process that nginx hashes the meeting to (docs/deploy.md).
That process holds the meeting; when someone joins it there and another process holds it, the
meeting comes over (:meth:`SharedPlacement.take`):

- **takeover**: no live process holds it (its process stopped, and its owner key expired): this
  process claims it and starts from its snapshot, each socket the snapshot names counting as a
  dropped connection (:func:`server.room.core.rules.takeover.take_over`: places kept, timers set
  again here);
- **handover**: a live process holds it (nginx routes the meeting elsewhere now: a process came
  back, or was added). This process asks it, on the control channel, to let go; that process
  writes the snapshot, removes its owner key and closes its sockets of the meeting
  (:meth:`SharedPlacement.hand_over`), whose browsers reconnect — through nginx, here — and this
  process takes the meeting over as above. When the holder has not let go within
  :data:`HANDOVER_SECONDS`, the join is refused with ``moving`` and the browser joins again a
  moment later.

Only a socket whose connection named the meeting (its query's ``meeting``, which nginx routes on)
asks for a handover: another cannot pull a meeting to the process it happens to reach.

A process whose heartbeat finds another process named in the owner key of a meeting it holds
(Redis restarted, and another process took the meeting meanwhile) forgets the meeting and closes
its sockets of it. With one process (no Redis), :class:`LocalPlacement` holds every meeting."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol

from flask import Flask

from server.metrics import count
from server.room.core.errors import RoomError
from server.room.core.state import RoomState
from server.room.live.cluster import Cluster
from server.room.live.connections import Connections
from server.room.live.store_owned import OwnedRoomStore

log = logging.getLogger(__name__)
# How long a join waits for the process that holds the meeting to let it go.
HANDOVER_SECONDS = 2.0
HANDOVER_POLL_SECONDS = 0.05
# Take a room over from its snapshot (the runtime runs the takeover as a system event).
Adopt = Callable[[int, RoomState], object]


class Placement(Protocol):
    def take(self, meeting_id: int, may_ask: bool = True) -> None:
        """Hold the meeting here before someone joins it here, or refuse with ``moving``."""
        ...

    def reach(self, meeting_id: int) -> bool:
        """For something from outside the room (an HTTP request): True when the meeting is held
        here now (taken over if no live process held it); False when another process holds it
        (the caller sends it the request)."""
        ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class LocalPlacement:
    """One process holds every meeting."""

    def take(self, meeting_id: int, may_ask: bool = True) -> None:
        pass

    def reach(self, meeting_id: int) -> bool:
        return True

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


class SharedPlacement:
    """Meetings held by one of several processes sharing Redis."""

    def __init__(
        self,
        app: Flask,
        store: OwnedRoomStore,
        cluster: Cluster,
        connections: Connections,
        adopt: Adopt,
        *,
        start_task: Callable[..., object],
        sleep: Callable[[float], object],
    ) -> None:
        self.app = app
        self.store = store
        self.cluster = cluster
        self.connections = connections
        self.adopt = adopt
        self.start_task = start_task
        self.sleep = sleep
        # One claim at a time: a second join of a meeting being taken over waits for the room.
        self._claiming = threading.Lock()
        cluster.on("hand_over", lambda message: self.hand_over(int(message["meeting_id"])))

    def start(self) -> None:
        self.start_task(self._write_snapshots)

    def stop(self) -> None:
        self.store.stop()

    def _write_snapshots(self) -> None:
        with self.app.app_context():  # for the metrics
            self.store.write_loop(self.sleep)

    # Bringing a meeting here.
    def take(self, meeting_id: int, may_ask: bool = True) -> None:
        if self.store.holds(meeting_id):
            return
        deadline = time.monotonic() + HANDOVER_SECONDS
        asked = False
        while self._claim(meeting_id) is not None:
            if not may_ask or time.monotonic() >= deadline:
                raise RoomError("moving")
            if not asked:
                self.cluster.publish("hand_over", meeting_id=meeting_id)
                asked = True
            self.sleep(HANDOVER_POLL_SECONDS)

    def reach(self, meeting_id: int) -> bool:
        return self.store.holds(meeting_id) or self._claim(meeting_id, create=False) is None

    def _claim(self, meeting_id: int, create: bool = True) -> str | None:
        """Claim the meeting, taking its room over if one was left; None when it is held here
        now, else the process that holds it."""
        with self._claiming:
            found = self.store.claim(meeting_id, create)
            if isinstance(found, str):
                return found
            if found.snapshot is not None:
                count("kreds_room_takeovers_total")
                log.info("room: a meeting was taken over from its snapshot")
                self.adopt(meeting_id, found.snapshot)
        return None

    # Letting a meeting go.
    def hand_over(self, meeting_id: int) -> None:
        """Another process asks for this meeting (its browsers reach that one now): the room is
        let go with its last snapshot, and this process's sockets of it are closed so that their
        browsers connect again, to the new holder."""
        if self.store.release(meeting_id):
            count("kreds_room_handovers_total")
            log.info("room: a meeting was handed over to another process")
        self.connections.send_away(meeting_id)

    def beat(self) -> None:
        """Each heartbeat: the owner keys of the meetings held here are renewed; a meeting that
        another process holds now is forgotten here, and its sockets here are closed."""
        for meeting_id in self.store.keep():
            log.warning("room: another process took over a meeting held here; it is let go")
            self.store.forget(meeting_id)
            self.connections.send_away(meeting_id)
