"""Which process holds which socket, when several processes serve one deployment.

Socket.IO's Redis manager already carries emits and room changes (``enter_room``/``leave_room``)
to the process that holds a socket. What it does not do is done here:

- a socket released by another process (removed, declined, the meeting ended) forgets its meeting
  on its own process (``release``), through a control message on ``<prefix>:control``;
- ``disconnect_user``: every process ends its own sockets of that person, or only those whose login
  session ended (``ended_only``; and whenever a process
  starts listening to the control channel, again after a cut, it checks the sessions of all its
  sockets: a message sent while it was not listening is lost);
- a process that dies leaves its sockets in the rooms' state. Each process keeps a heartbeat
  (``<prefix>:process:<id>``, with an expiry) and the list of its sockets that joined a meeting
  (``<prefix>:process:<id>:sockets``: socket id -> person and meeting ids). When a heartbeat has
  expired, one live process claims the dead one (``SET NX``) and treats its sockets as dropped
  connections: their people keep their places for the reconnection grace, as when a network drops,
  and their clients reconnect to another process.

With one process (no Redis), :class:`LocalCluster` has nothing to do. Control messages hold ids
only; nothing anyone said passes here. The cluster acts on this process's sockets through
:class:`LocalSockets` (the connections, :mod:`.connections`, given to it with :meth:`attach`)."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from flask import Flask
from flask_socketio import SocketIO

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)
# (socket id, person id, meeting id) of a socket whose process died.
DeadSocket = Callable[[str, int, int], None]


class LocalSockets(Protocol):
    """What the cluster does to this process's own sockets."""

    def connected(self, sid: str) -> bool: ...

    def unbind(self, sid: str, meeting_id: int) -> None: ...

    def disconnect_local(self, user_id: int, ended_only: bool = False) -> None: ...

    def end_ended_sessions(self) -> int: ...


class Cluster(Protocol):
    process_id: str

    def attach(self, local: LocalSockets) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def remember(self, sid: str, user_id: int, meeting_id: int | None) -> None:
        """This process's socket ``sid`` joined ``meeting_id`` (None: no meeting now)."""
        ...

    def release(self, sid: str, meeting_id: int) -> None:
        """A socket of another process leaves ``meeting_id``: it forgets the meeting there."""
        ...

    def disconnect_user(self, user_id: int, ended_only: bool = False) -> None:
        """Every other process ends its sockets of this person (or those of ended sessions)."""
        ...

    def live_processes(self) -> float | None: ...


class LocalCluster:
    """One process holds every socket."""

    process_id = "local"

    def attach(self, local: LocalSockets) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def remember(self, sid: str, user_id: int, meeting_id: int | None) -> None:
        pass

    def release(self, sid: str, meeting_id: int) -> None:
        pass  # not a socket of this process: with one process, it is gone already

    def disconnect_user(self, user_id: int, ended_only: bool = False) -> None:
        pass  # no other process

    def live_processes(self) -> float | None:
        return None


class RedisCluster:
    """Processes that share Redis: heartbeats, socket lists, control messages, the reaper."""

    def __init__(
        self,
        app: Flask,
        socketio: SocketIO,
        client: redis.Redis,
        listener: redis.Redis,
        prefix: str,
        on_dead_socket: DeadSocket,
        ttl: float = 15.0,
    ) -> None:
        self.app = app
        self.socketio = socketio
        self.client = client
        self.listener = listener
        self.prefix = prefix
        self.on_dead_socket = on_dead_socket
        self.ttl = max(1.0, ttl)
        self.process_id = uuid.uuid4().hex[:12]
        self.channel = f"{prefix}:control"
        self._started = False
        self._running = False
        self.local: LocalSockets | None = None

    def attach(self, local: LocalSockets) -> None:
        self.local = local

    # Keys.
    def _alive_key(self, process_id: str) -> str:
        return f"{self.prefix}:process:{process_id}"

    def _sockets_key(self, process_id: str) -> str:
        return f"{self.prefix}:process:{process_id}:sockets"

    @property
    def _processes_key(self) -> str:
        return f"{self.prefix}:processes"

    def start(self) -> None:
        if self._started:
            return
        self._started = self._running = True
        try:
            self.beat()
        except Exception as error:  # Redis is down: the heartbeat loop keeps trying
            log.error("room heartbeat failed: %s", type(error).__name__)
        self.socketio.start_background_task(self._heartbeat_loop)
        self.socketio.start_background_task(self._listen_loop)

    def stop(self) -> None:
        """End the background loops (within a second)."""
        self._running = False

    # This process's sockets.
    def remember(self, sid: str, user_id: int, meeting_id: int | None) -> None:
        key = self._sockets_key(self.process_id)
        if meeting_id is None:
            self.client.hdel(key, sid)
        else:
            self.client.hset(key, sid, json.dumps([user_id, meeting_id]))

    # Control messages.
    def release(self, sid: str, meeting_id: int) -> None:
        self._publish({"op": "release", "sid": sid, "meeting_id": meeting_id})

    def disconnect_user(self, user_id: int, ended_only: bool = False) -> None:
        self._publish({"op": "disconnect_user", "user_id": user_id, "ended_only": ended_only})

    def _publish(self, message: dict[str, Any]) -> None:
        self.client.publish(self.channel, json.dumps({**message, "from": self.process_id}))

    def handle(self, message: dict[str, Any]) -> None:
        """Carry out a control message on this process's own sockets."""
        local = self.local
        if message.get("from") == self.process_id or local is None:
            return
        op = message.get("op")
        if op == "release":
            sid, meeting_id = str(message["sid"]), int(message["meeting_id"])
            if local.connected(sid):
                local.unbind(sid, meeting_id)
        elif op == "disconnect_user":
            local.disconnect_local(int(message["user_id"]), bool(message.get("ended_only")))

    def _listen_loop(self) -> None:
        while self._running:
            try:
                pubsub = self.listener.pubsub()
                pubsub.subscribe(self.channel)
                while self._running:
                    raw = pubsub.get_message(timeout=1.0)
                    kind = raw.get("type") if raw is not None else None
                    if kind == "subscribe":
                        # Listening (again): whatever was sent while this process was not
                        # listening is lost, redis-py's own reconnections included. Sockets keep
                        # who they connected as (server.room.identity): check them now.
                        self.catch_up()
                    elif kind == "message":
                        with self.app.app_context():
                            self.handle(json.loads(raw["data"]))
                pubsub.close()
            except Exception as error:
                log.error("room control channel: %s; listening again", type(error).__name__)
                self.socketio.sleep(1)

    def catch_up(self) -> int:
        """End this process's sockets whose sessions ended while its control channel was not
        listening (a lost ``disconnect_user``); returns how many."""
        if self.local is None:
            return 0
        try:
            with self.app.app_context():
                ended = self.local.end_ended_sessions()
        except Exception as error:  # the database is away: the next subscription tries again
            log.error("room control channel: sockets not checked: %s", type(error).__name__)
            return 0
        if ended:
            log.info("room control channel: %d sockets of ended sessions closed", ended)
        return ended

    # Heartbeats and the reaper.
    def beat(self) -> None:
        with self.client.pipeline() as pipe:
            pipe.set(self._alive_key(self.process_id), "1", ex=int(self.ttl + 0.999))
            pipe.sadd(self._processes_key, self.process_id)
            # These outlive the heartbeat, so that the reaper still finds them; a day after the
            # last process of a deployment stopped, they are gone too.
            pipe.expire(self._processes_key, 86400)
            pipe.expire(self._sockets_key(self.process_id), 86400)
            pipe.execute()

    def _heartbeat_loop(self) -> None:
        while self._running:
            self.socketio.sleep(self.ttl / 3)
            if not self._running:
                break
            try:
                self.beat()
                self.reap()
            except Exception as error:
                log.error("room heartbeat failed: %s", type(error).__name__)

    def _alive(self, process_ids: list[str]) -> list[bool]:
        with self.client.pipeline(transaction=False) as pipe:
            for process_id in process_ids:
                pipe.exists(self._alive_key(process_id))
            return [bool(found) for found in pipe.execute()]

    def _members(self) -> list[str]:
        return sorted(
            m.decode() if isinstance(m, bytes) else str(m)
            for m in self.client.smembers(self._processes_key)
        )

    def live_processes(self) -> float | None:
        return float(sum(self._alive(self._members())))

    def reap(self) -> int:
        """Treat the sockets of processes whose heartbeat expired as dropped; returns how many."""
        members = self._members()
        dropped = 0
        for process_id, alive in zip(members, self._alive(members), strict=True):
            if alive or process_id == self.process_id:
                continue
            claim = f"{self.prefix}:reaped:{process_id}"
            if not self.client.set(claim, "1", nx=True, ex=600):
                continue
            dropped += self._reap_one(process_id)
        return dropped

    def _reap_one(self, process_id: str) -> int:
        key = self._sockets_key(process_id)
        entries: Any = self.client.hgetall(key)
        with self.app.app_context():
            for sid, value in entries.items():
                user_id, meeting_id = json.loads(value)
                sid_text = sid.decode() if isinstance(sid, bytes) else str(sid)
                try:
                    self.on_dead_socket(sid_text, int(user_id), int(meeting_id))
                except Exception as error:
                    log.error("room reaper: a socket failed: %s", type(error).__name__)
        self.client.delete(key)
        self.client.srem(self._processes_key, process_id)
        log.info(
            "room reaper: a stopped process left %d sockets; they count as dropped", len(entries)
        )
        return len(entries)
