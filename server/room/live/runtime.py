"""The room's runtime: the store, the clock, the timers, the cluster and the connections, and the
one place where a rule's outcome is carried out (sockets moved, records written, notices and
snapshots emitted).

Two paths lead into a room: :meth:`RoomRuntime.on_event`, a person's event (the sender's new
``room_state`` comes back for its acknowledgement), and :meth:`RoomRuntime.on_system`, what
happens without a sender (a timer, a dropped socket, a meeting cancelled from outside).

Order matters: admitted sockets enter the rooms first, so they get the notices and snapshot;
released sockets leave after the notices (they still hear "removed" or "meeting ended") and before
the snapshot (they no longer see the room). Notices go before the snapshot of the same change.
Database work happens after the store's lock.

One process holds every meeting in memory. With ``REDIS_URL``, each meeting is held by one of
several processes (:mod:`.store_owned`), the one its sockets reach: :mod:`.placement` brings a
meeting to this process when someone joins it here, and what an HTTP request asks of a meeting
held by another process goes to it through the cluster (:mod:`.cluster`)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app

from server.extensions import db, socketio
from server.room.core.errors import RoomError
from server.room.core.outcome import Outcome
from server.room.core.rule import act
from server.room.core.rules import moderation, presence, takeover
from server.room.core.state import RoomState
from server.room.core.views import Views, build
from server.room.live import database
from server.room.live.cluster import Cluster, LocalCluster, RedisCluster
from server.room.live.connections import Connections
from server.room.live.placement import LocalPlacement, Placement, SharedPlacement
from server.room.live.store import InMemoryRoomStore, RoomStore
from server.room.live.store_owned import OwnedRoomStore, connect
from server.room.live.timers import BackgroundTimers, ManualTimers, TimerJob, Timers

if TYPE_CHECKING:
    import redis

EXTENSION = "kreds_room"
Rule = Callable[[RoomState, float], Outcome]


@dataclass(frozen=True)
class Sender:
    """Who sent an event, from which socket."""

    user_id: int
    sid: str


@dataclass(frozen=True)
class Applied:
    """A rule carried out: its outcome, and the ``room_state`` for the sending socket's answer
    (None: the room did not change, or that socket is not in it)."""

    outcome: Outcome
    room: dict[str, Any] | None = None


class RoomRuntime:
    def __init__(
        self,
        app: Flask,
        clock: Callable[[], float] = time.time,
        *,
        shared: SharedRedis | None = None,
    ):
        self.clock = clock
        # Redis (None: one process), for the health check.
        self.redis = shared.client if shared is not None else None
        self.timers: Timers
        if app.config["ROOM_TIMERS"] == "manual":
            self.timers = ManualTimers(self.fire)
        else:
            self.timers = BackgroundTimers(app, socketio, lambda: self.clock(), self.fire)
        self.connections = Connections(socketio)
        self.store: RoomStore = InMemoryRoomStore()
        self.cluster: Cluster = LocalCluster()
        self.placement: Placement = LocalPlacement()
        if shared is not None:
            self._share(app, shared)
        self._started = False

    def _share(self, app: Flask, shared: SharedRedis) -> None:
        """Several processes: meetings held by one of them each, control messages between them."""
        ttl = float(app.config["ROOM_PROCESS_TTL_SECONDS"])
        cluster = RedisCluster(
            app,
            socketio,
            shared.client,
            shared.listener,
            shared.prefix,
            ttl,
            when_listening=self.connections.end_ended_sessions,
        )
        store = OwnedRoomStore(shared.client, shared.prefix, cluster.process_id, ttl)
        placement = SharedPlacement(
            app,
            store,
            cluster,
            self.connections,
            self._take_over,
            start_task=socketio.start_background_task,
            sleep=socketio.sleep,
        )
        cluster.every_beat = placement.beat
        cluster.on("disconnect_user", self._disconnect_user_here)
        cluster.on("close_meeting", lambda message: self._close_here(int(message["meeting_id"])))
        cluster.on("left_quickly", lambda message: self._left_quickly_here(int(message["user_id"])))
        self.store, self.cluster, self.placement = store, cluster, placement

    def start(self) -> None:
        """Start the background work (heartbeats, snapshots) once, on first use."""
        if not self._started:
            self._started = True
            self.timers.start()
            self.cluster.start()
            self.placement.start()

    def stop(self) -> None:
        """End the background work (tests; a process that exits just stops)."""
        self.timers.stop()
        self.cluster.stop()
        self.placement.stop()

    # The two paths.
    def on_event(
        self,
        meeting_id: int,
        sender: Sender,
        rule: Rule,
        new_room: Callable[[], RoomState] | None = None,
    ) -> Applied:
        """A person's event: run ``rule`` atomically on the meeting's state (made by ``new_room``
        when the room is not open yet), then carry out its outcome. When the room changed and
        the sending socket is in it, its new ``room_state`` comes back for the acknowledgement
        and the broadcast passes it by (one frame fewer; the sender sees the change with its
        answer)."""
        now = self.clock()

        def run(state: RoomState) -> tuple[Outcome, Views | None, int, dict[str, Any] | None]:
            outcome = rule(state, now)
            views = self._changed(state, outcome, now)
            person = state.people.get(sender.user_id)
            room = None
            if views is not None and person and person.admitted and sender.sid in person.sids:
                room = views.room_for(person.facilitates)
            return outcome, views, state.group_id, room

        outcome, views, group_id, room = self.store.transact(meeting_id, run, new_room)
        try:
            self._carry_out(meeting_id, group_id, sender.user_id, outcome, views, sender.sid)
        except Exception:
            # The room changed and the broadcast may not have happened: the sender still gets
            # its new room_state with the refusal.
            if room is not None:
                self.connections.emit("room_state", room, sender.sid)
            raise
        return Applied(outcome, room)

    def on_system(
        self, meeting_id: int, rule: Rule, new_room: Callable[[], RoomState] | None = None
    ) -> Outcome:
        """What happens without a sender: a timer, a dropped socket, a meeting cancelled, a room
        taken over (``new_room``: its snapshot)."""
        now = self.clock()

        def run(state: RoomState) -> tuple[Outcome, Views | None, int]:
            outcome = rule(state, now)
            return outcome, self._changed(state, outcome, now), state.group_id

        outcome, views, group_id = self.store.transact(meeting_id, run, new_room)
        self._carry_out(meeting_id, group_id, None, outcome, views)
        return outcome

    @staticmethod
    def _changed(state: RoomState, outcome: Outcome, now: float) -> Views | None:
        """The new snapshots when what people see changed."""
        if not outcome.changed or state.ended:
            return None
        state.version += 1
        return build(state, now)

    def _carry_out(
        self,
        meeting_id: int,
        group_id: int,
        actor_id: int | None,
        outcome: Outcome,
        views: Views | None,
        skip: str | None = None,
    ) -> None:
        connections = self.connections
        for entered in outcome.entered:
            for sid in entered.sids:
                connections.enter(sid, meeting_id, entered.facilitates)
        self._write(meeting_id, group_id, actor_id, outcome)
        for timer in outcome.timers:
            self.timers.schedule(TimerJob(timer.at, meeting_id, timer.kind, timer.token))
        for notice in outcome.notices:
            connections.notify(meeting_id, notice)
        for released in outcome.released:
            for sid in released.sids:
                connections.leave(sid, meeting_id)
        if views is not None:
            connections.broadcast(meeting_id, views, skip)

    def _write(
        self, meeting_id: int, group_id: int, actor_id: int | None, outcome: Outcome
    ) -> None:
        admitted = [s.user_id for s in outcome.entered if s.new]
        if not (outcome.audit or admitted or outcome.ended or outcome.memberships_removed):
            return
        try:
            database.remove_memberships(group_id, outcome.memberships_removed)
            if outcome.ended:
                database.mark_ended(meeting_id)
            database.commit_records(meeting_id, group_id, actor_id, outcome.audit, admitted)
        except Exception:
            db.session.rollback()
            raise

    # What happens without a sender.
    def fire(self, job: TimerJob) -> None:
        """A timer is due: the rules decide whether it still applies."""
        with contextlib.suppress(RoomError):  # the room is gone (ended, or let go): nothing to do
            self.on_system(
                job.meeting_id,
                lambda state, now: moderation.on_timer(state, job.kind, job.token, now),
            )

    def socket_gone(self, sid: str, keep_place: bool) -> None:
        """This socket leaves its meeting: it dropped (``keep_place``: for the reconnection
        grace), or disconnected on purpose."""
        connections = self.connections
        meeting_id, person = connections.meeting_of(sid), connections.who(sid)
        if not meeting_id or person is None:
            return
        connections.leave(sid, meeting_id)
        user_id = person.user_id
        with contextlib.suppress(RoomError):  # the room is gone already
            self.on_system(
                meeting_id,
                lambda state, now: presence.disconnect(state, user_id, sid, now, keep_place),
            )

    def _take_over(self, meeting_id: int, snapshot: RoomState) -> None:
        """The room comes here from the snapshot its previous process left."""
        self.on_system(meeting_id, takeover.take_over, new_room=lambda: snapshot)

    # What the rest of Kreds asks of live rooms (HTTP requests, on any process).
    def close(self, meeting_id: int) -> None:
        """End a live room from outside it (its meeting was cancelled), on the process that
        holds it."""
        if self.placement.reach(meeting_id):
            self._close_here(meeting_id)
        else:
            self.cluster.publish("close_meeting", meeting_id=meeting_id)

    def _close_here(self, meeting_id: int) -> None:
        with contextlib.suppress(RoomError):  # not live, or not here
            self.on_system(meeting_id, lambda state, now: moderation.close(state, now))

    def left_quickly(self, user_id: int) -> None:
        """Someone pressed "Leave quickly": they leave every room they are in, and its
        facilitators are told, as the page's own ``leave {quick: true}`` does. Whichever of the
        two is carried out first does it; the other finds them gone."""
        self._left_quickly_here(user_id)
        self.cluster.publish("left_quickly", user_id=user_id)

    def _left_quickly_here(self, user_id: int) -> None:
        for meeting_id in self.store.meeting_ids():
            with contextlib.suppress(RoomError):  # not in this room (any more)
                self.on_system(
                    meeting_id, lambda state, now: act(state, "leave", user_id, now, quick=True)
                )

    def disconnect_user(self, user_id: int, ended_only: bool = False) -> None:
        """End a person's sockets on every process, or only those whose login session ended."""
        self.connections.disconnect_local(user_id, ended_only)
        self.cluster.publish("disconnect_user", user_id=user_id, ended_only=ended_only)

    def _disconnect_user_here(self, message: dict[str, Any]) -> None:
        self.connections.disconnect_local(int(message["user_id"]), bool(message["ended_only"]))

    def views(self, meeting_id: int) -> Views | None:
        state = self.store.get(meeting_id)
        return build(state, self.clock()) if state is not None else None


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
        self.prefix = prefix
        self.client: redis.Redis = connect(url)
        self.listener: redis.Redis = connect(url, blocking=True)


def init_runtime(app: Flask) -> RoomRuntime:
    """Every meeting in this process (one process), or each held by one of several processes
    that share Redis when ``REDIS_URL`` is set."""
    url = app.config.get("REDIS_URL")
    shared = SharedRedis(str(url), str(app.config["REDIS_PREFIX"])) if url else None
    room_runtime = RoomRuntime(app, shared=shared)
    app.extensions[EXTENSION] = room_runtime
    return room_runtime
