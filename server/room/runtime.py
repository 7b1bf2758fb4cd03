"""The room's runtime: the store, the clock and the timers, and the one place where a rule's
outcome is carried out (sockets moved, records written, notices and snapshots emitted).

Order matters: admitted sockets enter the rooms first, so they get the notices and snapshot;
released sockets leave after the notices (they still hear "removed" or "meeting ended") and before
the snapshot (they no longer see the room). Database work happens after the store's lock."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from server.extensions import db, socketio
from server.room import gate, sockets
from server.room.errors import RoomError
from server.room.rules import Outcome, Policy, require_policy
from server.room.rules.moderation import on_timer
from server.room.state import RoomState
from server.room.store import InMemoryRoomStore, RoomStore
from server.room.timers import BackgroundTimers, ManualTimers, TimerJob, Timers
from server.room.views import Views, build

EXTENSION = "kreds_room"
Rule = Callable[[RoomState, float], Outcome]
# Staged database work that must share the records' transaction (given the meeting's group id).
Stage = Callable[[int], None]


class RoomRuntime:
    def __init__(self, app: Flask, store: RoomStore, clock: Callable[[], float] = time.time):
        self.store = store
        self.clock = clock
        self.timers: Timers
        if app.config["ROOM_TIMERS"] == "manual":
            self.timers = ManualTimers(self.fire)
        else:
            self.timers = BackgroundTimers(app, socketio, lambda: self.clock(), self.fire)

    def apply(
        self,
        meeting_id: int,
        rule: Rule,
        *,
        actor_id: int | None = None,
        policy: Policy | None = None,
        create: Callable[[], RoomState] | None = None,
        stage: Stage | None = None,
    ) -> Outcome:
        """Run ``rule`` atomically (after the event's policy, in the same transaction), then
        carry out its outcome."""
        now = self.clock()

        def run(state: RoomState) -> tuple[Outcome, Views | None, int]:
            if actor_id is not None and policy is not None:
                require_policy(state, actor_id, policy)
            outcome = rule(state, now)
            views = None
            if outcome.changed and not state.ended:
                state.version += 1
                views = build(state, now)
            return outcome, views, state.group_id

        outcome, views, group_id = self.store.transact(meeting_id, run, create)
        self.carry_out(meeting_id, group_id, actor_id, outcome, views, stage)
        return outcome

    def carry_out(
        self,
        meeting_id: int,
        group_id: int,
        actor_id: int | None,
        outcome: Outcome,
        views: Views | None,
        stage: Stage | None = None,
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
            broadcast(meeting_id, views)

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

    def views(self, meeting_id: int) -> Views | None:
        state = self.store.get(meeting_id)
        return build(state, self.clock()) if state is not None else None


def emit(event: str, data: dict[str, Any], to: str) -> None:
    socketio.emit(event, data, to=to, namespace=sockets.NAMESPACE)


def broadcast(meeting_id: int, views: Views) -> None:
    emit("room_state", views.public, sockets.meeting_room(meeting_id))
    emit("facilitator_state", views.facilitators, sockets.facilitators_room(meeting_id))
    for user_id, view in views.lobby.items():
        emit("lobby_state", view, sockets.user_room(user_id))


def runtime() -> RoomRuntime:
    found = current_app.extensions[EXTENSION]
    assert isinstance(found, RoomRuntime)
    return found


def init_runtime(app: Flask) -> RoomRuntime:
    # A shared (Redis) store comes with issue 7; one process keeps rooms in memory.
    room_runtime = RoomRuntime(app, InMemoryRoomStore())
    app.extensions[EXTENSION] = room_runtime
    return room_runtime
