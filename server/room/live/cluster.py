"""What crosses between processes, when several serve one deployment: a heartbeat for each, and
a control channel.

A meeting lives on one process (:mod:`.store_owned`): its sockets, its room, its emits and its
timers are all there. What is left to cross is small, and goes on ``<prefix>:control`` (Redis
pub/sub, ids only, nothing anyone said), each message naming an operation that the runtime
registered with :meth:`RedisCluster.on`:

- ``disconnect_user``: every process closes its sockets of that person (log-out, removal,
  deactivation), or only those whose login session ended (``ended_only``). A message sent while a
  process was not listening is lost, so whenever a process starts listening (again, after a cut)
  it checks the sessions of all its sockets (``when_listening``);
- ``hand_over``: the process that holds a meeting lets it go to the one that asks (its browsers
  reach that one now);
- ``close_meeting``, ``left_quickly``: what an HTTP request on any process asks of a meeting held
  by another.

The heartbeat (``<prefix>:process:<id>``, expiring after ``KREDS_ROOM_PROCESS_TTL_SECONDS``) counts
the live processes for the metrics, and runs the runtime's ``every_beat`` (renewing the owner keys
of the meetings held). With one process (no Redis), :class:`LocalCluster` has nothing to do."""

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
Handler = Callable[[dict[str, Any]], None]


class Cluster(Protocol):
    process_id: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def on(self, op: str, handler: Handler) -> None:
        """Run ``handler(message)`` (in an app context) for each ``op`` from another process."""
        ...

    def publish(self, op: str, **fields: int | str | bool) -> None:
        """Send ``op`` to every other process (ids and flags only)."""
        ...

    def live_processes(self) -> float | None: ...


class LocalCluster:
    """One process holds every meeting: there is nobody to tell."""

    process_id = "local"

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def on(self, op: str, handler: Handler) -> None:
        pass

    def publish(self, op: str, **fields: int | str | bool) -> None:
        pass

    def live_processes(self) -> float | None:
        return None


class RedisCluster:
    """Processes that share Redis: heartbeats and control messages."""

    def __init__(
        self,
        app: Flask,
        socketio: SocketIO,
        client: redis.Redis,
        listener: redis.Redis,
        prefix: str,
        ttl: float = 15.0,
        *,
        every_beat: Callable[[], object] | None = None,
        when_listening: Callable[[], int] | None = None,
    ) -> None:
        self.app = app
        self.socketio = socketio
        self.client = client
        self.listener = listener
        self.prefix = prefix
        self.ttl = max(1.0, ttl)
        self.every_beat = every_beat
        self.when_listening = when_listening
        self.process_id = uuid.uuid4().hex[:12]
        self.channel = f"{prefix}:control"
        self._handlers: dict[str, Handler] = {}
        self._started = False
        self._running = False

    def _alive_key(self, process_id: str) -> str:
        return f"{self.prefix}:process:{process_id}"

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

    # Control messages.
    def on(self, op: str, handler: Handler) -> None:
        self._handlers[op] = handler

    def publish(self, op: str, **fields: int | str | bool) -> None:
        message = {"op": op, **fields, "from": self.process_id}
        self.client.publish(self.channel, json.dumps(message))

    def handle(self, message: dict[str, Any]) -> None:
        """Carry out a control message from another process."""
        if message.get("from") == self.process_id:
            return
        handler = self._handlers.get(str(message.get("op")))
        if handler is not None:
            handler(message)

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
                        # listening is lost, redis-py's own reconnections included.
                        self.catch_up()
                    elif kind == "message":
                        self._run(json.loads(raw["data"]))
                pubsub.close()
            except Exception as error:
                log.error("room control channel: %s; listening again", type(error).__name__)
                self.socketio.sleep(1)

    def _run(self, message: dict[str, Any]) -> None:
        try:
            with self.app.app_context():
                self.handle(message)
        except Exception as error:  # one message that fails does not stop the listening
            log.error("room control %s failed: %s", message.get("op"), type(error).__name__)

    def catch_up(self) -> int:
        """Whatever this process missed while its control channel was not listening (its
        sockets whose sessions ended meanwhile are closed); returns how many sockets closed."""
        if self.when_listening is None:
            return 0
        try:
            with self.app.app_context():
                ended = self.when_listening()
        except Exception as error:  # the database is away: the next subscription tries again
            log.error("room control channel: sockets not checked: %s", type(error).__name__)
            return 0
        if ended:
            log.info("room control channel: %d sockets of ended sessions closed", ended)
        return ended

    # Heartbeats.
    def beat(self) -> None:
        with self.client.pipeline() as pipe:
            pipe.set(self._alive_key(self.process_id), "1", ex=int(self.ttl + 0.999))
            pipe.sadd(self._processes_key, self.process_id)
            # A day after the last process of a deployment stopped, the list is gone too.
            pipe.expire(self._processes_key, 86400)
            pipe.execute()
        members = self._members()
        gone = [m for m, alive in zip(members, self._alive(members), strict=True) if not alive]
        if gone:
            self.client.srem(self._processes_key, *gone)
        if self.every_beat is not None:
            with self.app.app_context():
                self.every_beat()

    def _heartbeat_loop(self) -> None:
        while self._running:
            self.socketio.sleep(self.ttl / 3)
            if not self._running:
                break
            try:
                self.beat()
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
