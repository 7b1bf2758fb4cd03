"""The room's runtime: the store, the clock and the timers, and the one place where a rule's
outcome is carried out (sockets moved, records written, notices and snapshots emitted).

Order matters: admitted sockets enter the rooms first, so they get the notices and snapshot;
released sockets leave after the notices (they still hear "removed" or "meeting ended") and before
the snapshot (they no longer see the room). Database work happens after the store's lock.

One process keeps rooms in memory; with ``REDIS_URL`` every process shares them through Redis
(:mod:`server.room.store_redis`), timers fire once across processes and the cluster
(:mod:`server.room.cluster`) looks after sockets held by other processes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from server.extensions import db, socketio
from server.room import gate, rules, sockets
from server.room.cluster import Cluster, LocalCluster
from server.room.errors import RoomError
from server.room.rules import Outcome, Policy, require_policy
from server.room.rules.moderation import on_timer
from server.room.state import RoomState
from server.room.store import InMemoryRoomStore, RoomStore
from server.room.timers import BackgroundTimers, ManualTimers, SharedTimers, TimerJob, Timers
from server.room.views import Views, build

if TYPE_CHECKING:
    import redis

EXTENSION = "kreds_room"
Rule = Callable[[RoomState, float], Outcome]
# Staged database work that must share the records' transaction (given the meeting's group id).
Stage = Callable[[int], None]


class RoomRuntime:
    def __init__(
        self,
        app: Flask,
        store: RoomStore,
        clock: Callable[[], float] = time.time,
        *,
        shared: SharedRedis | None = None,
    ):
        self.store = store
        self.clock = clock
        self.redis = shared.client if shared is not None else None
        self.timers: Timers
        if app.config["ROOM_TIMERS"] == "manual":
            self.timers = ManualTimers(self.fire)
        elif shared is not None:
            self.timers = SharedTimers(
                app,
                socketio,
                shared.client,
                shared.prefix,
                lambda: self.clock(),
                self.fire,
                poll_seconds=float(app.config["ROOM_TIMER_POLL_SECONDS"]),
            )
        else:
            self.timers = BackgroundTimers(app, socketio, lambda: self.clock(), self.fire)
        self.cluster: Cluster = LocalCluster()
        if shared is not None:
            from server.room.cluster import RedisCluster

            self.cluster = RedisCluster(
                app,
                socketio,
                shared.client,
                shared.listener,
                shared.prefix,
                self.drop_dead_socket,
                ttl=float(app.config["ROOM_PROCESS_TTL_SECONDS"]),
            )
        self._started = False

    def start(self) -> None:
        """Start the background work (timer polling, heartbeats) once, on first use."""
        if not self._started:
            self._started = True
            self.timers.start()
            self.cluster.start()

    def stop(self) -> None:
        """End the background work (tests; a process that exits just stops)."""
        self.timers.stop()
        self.cluster.stop()

    def apply(
        self,
        meeting_id: int,
        rule: Rule,
        *,
        actor_id: int | None = None,
        policy: Policy | None = None,
        create: Callable[[], RoomState] | None = None,
        stage: Stage | None = None,
        rollback: bool = True,
        sid: str | None = None,
    ) -> Applied:
        """Run ``rule`` atomically (after the event's policy, in the same transaction), then
        carry out its outcome. ``rollback=False``: the rule refuses before it changes anything
        (:meth:`RoomStore.transact`). ``sid``: the socket whose event this is; when the room
        changed and that socket is in it, its new ``room_state`` comes back for the
        acknowledgement and the broadcast passes it by (one frame fewer; the sender sees the
        change with its answer)."""
        now = self.clock()

        def run(state: RoomState) -> tuple[Outcome, Views | None, int, dict[str, Any] | None]:
            if actor_id is not None and policy is not None:
                require_policy(state, actor_id, policy)
            outcome = rule(state, now)
            views = None
            sender_room = None
            if outcome.changed and not state.ended:
                state.version += 1
                views = build(state, now)
                sender = state.people.get(actor_id) if actor_id is not None else None
                if sender is not None and sender.admitted and sid in sender.sids:
                    sender_room = views.room_for(sender.facilitates)
            return outcome, views, state.group_id, sender_room

        outcome, views, group_id, sender_room = self.store.transact(
            meeting_id, run, create, rollback=rollback
        )
        skip = sid if sender_room is not None else None
        self.carry_out(meeting_id, group_id, actor_id, outcome, views, stage, skip=skip)
        return Applied(outcome, sender_room)

    def carry_out(
        self,
        meeting_id: int,
        group_id: int,
        actor_id: int | None,
        outcome: Outcome,
        views: Views | None,
        stage: Stage | None = None,
        *,
        skip: str | None = None,
    ) -> None:
        for entered in outcome.entered:
            for sid in entered.sids:
                sockets.enter(sid, meeting_id, entered.facilitates)
        self._write(meeting_id, group_id, actor_id, outcome, stage)
        for timer in outcome.timers:
            self.timers.schedule(TimerJob(timer.at, meeting_id, timer.kind, timer.token))
        for notice in outcome.notices:
            emit(notice.event, notice.data, sockets.audience(meeting_id, notice.to))
        for released in outcome.released:
            for sid in released.sids:
                sockets.leave(sid, meeting_id)
        if views is not None:
            broadcast(meeting_id, views, skip)

    def _write(
        self,
        meeting_id: int,
        group_id: int,
        actor_id: int | None,
        outcome: Outcome,
        stage: Stage | None,
    ) -> None:
        admitted = [s.user_id for s in outcome.entered if s.new]
        if not (outcome.audit or admitted or outcome.ended or stage):
            return
        try:
            if stage is not None:
                stage(group_id)
            if outcome.ended:
                gate.mark_ended(meeting_id)
            gate.commit_records(meeting_id, group_id, actor_id, outcome.audit, admitted)
        except Exception:
            db.session.rollback()
            raise

    def fire(self, job: TimerJob) -> None:
        """A timer is due: the rules decide whether it still applies."""
        with contextlib.suppress(RoomError):  # the room is gone (ended): nothing left to do
            self.apply(job.meeting_id, lambda state, now: on_timer(state, job.kind, job.token, now))

    def drop_dead_socket(self, sid: str, user_id: int, meeting_id: int) -> None:
        """A socket's process died: the same as a dropped connection (the place is kept)."""
        with contextlib.suppress(RoomError):
            self.apply(
                meeting_id, lambda state, now: rules.disconnect(state, user_id, sid, now, True)
            )

    def views(self, meeting_id: int) -> Views | None:
        state = self.store.get(meeting_id)
        return build(state, self.clock()) if state is not None else None


def emit(event: str, data: dict[str, Any], to: str, skip: str | None = None) -> None:
    socketio.emit(event, data, to=to, namespace=sockets.NAMESPACE, skip_sid=skip)


def broadcast(meeting_id: int, views: Views, skip: str | None = None) -> None:
    """Every socket in the room gets one ``room_state`` (``skip``: the sender, who has it in its
    acknowledgement), every socket in the lobby its ``lobby_state``."""
    emit("room_state", views.public, sockets.participants_room(meeting_id), skip)
    emit("room_state", views.room_for(True), sockets.facilitators_room(meeting_id), skip)
    for user_id, view in views.lobby.items():
        emit("lobby_state", view, sockets.user_room(user_id))


@dataclass(frozen=True)
class Applied:
    """A rule carried out: its outcome, and the ``room_state`` for the acting socket's answer
    (None: the room did not change, or that socket is not in it)."""

    outcome: Outcome
    room: dict[str, Any] | None = None


def runtime(start: bool = True) -> RoomRuntime:
    """The app's room runtime, its background work started (``start=False``: not yet)."""
    found = current_app.extensions[EXTENSION]
    assert isinstance(found, RoomRuntime)
    if start:
        found.start()
    return found


class SharedRedis:
    """The Redis connections the room shares with other processes (under one key prefix)."""

    def __init__(self, url: str, prefix: str) -> None:
        from server.room.store_redis import connect

        self.prefix = prefix
        self.client: redis.Redis = connect(url)
        self.listener: redis.Redis = connect(url, blocking=True)


def init_runtime(app: Flask) -> RoomRuntime:
    """Rooms in memory (one process), or in Redis when ``REDIS_URL`` is set (several)."""
    url = app.config.get("REDIS_URL")
    if url:
        from server.room.store_redis import RedisRoomStore

        shared = SharedRedis(str(url), str(app.config["REDIS_PREFIX"]))
        store: RoomStore = RedisRoomStore(shared.client, shared.prefix)
        room_runtime = RoomRuntime(app, store, shared=shared)
    else:
        room_runtime = RoomRuntime(app, InMemoryRoomStore())
    app.extensions[EXTENSION] = room_runtime
    return room_runtime
