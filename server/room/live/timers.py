"""Timers for the room (turn deadlines, break ends, reconnection grace, the room closing).

A timer carries its meeting, kind and token; when it fires, the rules check that the state still
matches the token, so a stale or duplicate timer does nothing. Background timers use Socket.IO's
own tasks and sleep, whatever the async mode. A meeting's timers run on the process that holds
it, with its room; a process that takes a meeting over sets them again from the room's state
(:func:`server.room.core.rules.takeover.pending_timers`), so none needs to be kept anywhere
else."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from flask import Flask
from flask_socketio import SocketIO

from server.metrics import count

log = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class TimerJob:
    at: float
    meeting_id: int
    kind: str
    token: str


Fire = Callable[[TimerJob], None]


class Timers(Protocol):
    def schedule(self, job: TimerJob) -> None: ...

    def start(self) -> None:
        """Start whatever runs in the background (once)."""
        ...

    def stop(self) -> None: ...


class BackgroundTimers:
    """Each timer is a background task that sleeps until it is due, then fires in an app context."""

    def __init__(self, app: Flask, socketio: SocketIO, clock: Callable[[], float], fire: Fire):
        self.app = app
        self.socketio = socketio
        self.clock = clock
        self.fire = fire

    def schedule(self, job: TimerJob) -> None:
        self.socketio.start_background_task(self._run, job)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def _run(self, job: TimerJob) -> None:
        delay = job.at - self.clock()
        if delay > 0:
            self.socketio.sleep(delay)
        _fire_in_context(self.app, self.fire, job)


def _fire_in_context(app: Flask, fire: Fire, job: TimerJob) -> None:
    try:
        with app.app_context():
            count("kreds_room_timers_total", kind=job.kind)
            fire(job)
    except Exception as error:  # a timer must never take the server down
        log.error("room timer %s failed: %s", job.kind, type(error).__name__)


class ManualTimers:
    """Timers that wait for the test to fire them (``run_due(now)``)."""

    def __init__(self, fire: Fire) -> None:
        self.fire = fire
        self.pending: list[TimerJob] = []

    def schedule(self, job: TimerJob) -> None:
        self.pending.append(job)
        self.pending.sort()

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def run_due(self, now: float) -> int:
        """Fire every timer due by ``now`` (in order); returns how many fired."""
        fired = 0
        while self.pending and self.pending[0].at <= now:
            self.fire(self.pending.pop(0))
            fired += 1
        return fired
