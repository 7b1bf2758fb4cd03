"""Timers for the room (turn deadlines, break ends, reconnection grace, the room closing).

A timer carries its meeting, kind and token; when it fires, the rules check that the state still
matches the token, so a stale or duplicate timer does nothing. Background timers use Socket.IO's
own tasks and sleep, whatever the async mode. With several processes, :class:`SharedTimers` keeps
every timer in Redis: whichever process finds it due first claims it (``SET NX`` with an expiry)
and fires it, so it fires once across all processes, even when the process that set it is gone."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from flask import Flask
from flask_socketio import SocketIO

from server.metrics import count

if TYPE_CHECKING:
    import redis

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


KEEP_SECONDS = 86400


def _encode(job: TimerJob) -> str:
    return json.dumps([job.at, job.meeting_id, job.kind, job.token])


def _decode(member: Any) -> TimerJob:
    at, meeting_id, kind, token = json.loads(member)
    return TimerJob(float(at), int(meeting_id), str(kind), str(token))


class SharedTimers:
    """Timers in a Redis sorted set (``<prefix>:timers``, scored by when they are due).

    The process that sets a timer also sleeps until it is due, for precision; every process polls
    the set as a backstop (a timer whose process died still fires). Before firing, a process claims
    the timer with ``SET NX`` and an expiry: only one claim succeeds. If the claimer dies before it
    is done, the claim expires and another process fires it (harmless: rules check the token)."""

    def __init__(
        self,
        app: Flask,
        socketio: SocketIO,
        client: redis.Redis,
        prefix: str,
        clock: Callable[[], float],
        fire: Fire,
        poll_seconds: float = 1.0,
        claim_seconds: int = 60,
    ) -> None:
        self.app = app
        self.socketio = socketio
        self.client = client
        self.prefix = prefix
        self.clock = clock
        self.fire = fire
        self.poll_seconds = poll_seconds
        self.claim_seconds = claim_seconds
        self.due_key = f"{prefix}:timers"
        self._started = False
        self._running = False

    def schedule(self, job: TimerJob) -> None:
        with self.client.pipeline() as pipe:
            pipe.zadd(self.due_key, {_encode(job): job.at})
            # A backstop: the set goes a day after its latest timer (each firing removes its own).
            keep = int(max(0.0, job.at - self.clock())) + KEEP_SECONDS
            pipe.expire(self.due_key, keep, nx=True)  # the first timer: an expiry at all
            pipe.expire(self.due_key, keep, gt=True)  # later ones: only ever further away
            pipe.execute()
        self.socketio.start_background_task(self._sleep_then_run, job)

    def start(self) -> None:
        if not self._started:
            self._started = self._running = True
            self.socketio.start_background_task(self._poll)

    def stop(self) -> None:
        self._running = False

    def _sleep_then_run(self, job: TimerJob) -> None:
        delay = job.at - self.clock()
        if delay > 0:
            self.socketio.sleep(delay)
        try:
            self.claim_and_fire(job)
        except Exception as error:  # Redis unreachable: the poll will try again
            log.error("room timer %s not claimed: %s", job.kind, type(error).__name__)

    def _poll(self) -> None:
        while self._running:
            self.socketio.sleep(self.poll_seconds)
            try:
                self.run_due()
            except Exception as error:
                log.error("room timers: polling failed: %s", type(error).__name__)

    def run_due(self) -> int:
        """Claim and fire every timer that is due now; returns how many this process fired."""
        due = self.client.zrangebyscore(self.due_key, "-inf", self.clock(), start=0, num=100)
        return sum(1 for member in due if self.claim_and_fire(_decode(member)))

    def claim_and_fire(self, job: TimerJob) -> bool:
        """Fire ``job`` if this process is the first to claim it; True when it did."""
        member = _encode(job)
        digest = hashlib.sha256(member.encode()).hexdigest()[:32]
        claim = f"{self.prefix}:timer-claim:{digest}"
        if not self.client.set(claim, "1", nx=True, ex=self.claim_seconds):
            return False
        try:
            _fire_in_context(self.app, self.fire, job)
        finally:
            self.client.zrem(self.due_key, member)
        return True

    def pending(self) -> int:
        return int(self.client.zcard(self.due_key))
