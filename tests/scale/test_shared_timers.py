"""Timers in Redis fire once across processes, even when the process that set them is gone."""

from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace

import pytest
import redis
from flask import Flask

from server.extensions import socketio
from server.room.live.timers import SharedTimers, TimerJob
from tests.scale.redis_helpers import REDIS_URL
from tests.scale.redis_helpers import prefix as prefix  # the fixtures
from tests.scale.redis_helpers import redis_client as redis_client

pytestmark = pytest.mark.redis


def process(app: Flask, prefix: str, fired: list[tuple[str, TimerJob]], name: str) -> SharedTimers:
    """The timers of one process: its own Redis connection, a shared prefix."""

    def fire(job: TimerJob) -> None:
        fired.append((name, job))

    client = redis.Redis.from_url(REDIS_URL)
    return SharedTimers(app, socketio, client, prefix, time.time, fire, poll_seconds=0.05)


def test_a_due_timer_fires_once_however_many_processes_race_for_it(app: Flask, prefix: str) -> None:
    fired: list[tuple[str, TimerJob]] = []
    processes = [process(app, prefix, fired, f"p{n}") for n in range(5)]
    job = TimerJob(time.time() - 1, 7, "break_end", "b1")
    processes[0].client.zadd(processes[0].due_key, {'[0, 0, "x", "y"]': 1e12})  # not due
    processes[0].client.zadd(processes[0].due_key, {_member(job): job.at})
    barrier = threading.Barrier(len(processes))

    def race(timers: SharedTimers) -> None:
        barrier.wait()
        timers.run_due()

    threads = [threading.Thread(target=race, args=(t,)) for t in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [j for _, j in fired] == [job]
    assert processes[0].pending() == 1  # only the timer that is not due yet


def test_a_timer_set_by_a_process_that_died_fires_on_another(app: Flask, prefix: str) -> None:
    fired: list[tuple[str, TimerJob]] = []
    gone, alive = process(app, prefix, fired, "gone"), process(app, prefix, fired, "alive")
    job = TimerJob(time.time() + 0.2, 7, "reconnect_grace", "11:1000.0")
    # What schedule() writes, without the sleeping task: that process is gone.
    gone.client.zadd(gone.due_key, {_member(job): job.at})
    assert alive.run_due() == 0
    alive.start()
    deadline = time.monotonic() + 5
    while not fired and time.monotonic() < deadline:
        time.sleep(0.05)
    alive.stop()
    assert fired == [("alive", job)]
    assert alive.pending() == 0


def test_the_process_that_set_a_timer_fires_it_when_due(app: Flask, prefix: str) -> None:
    fired: list[tuple[str, TimerJob]] = []
    mine, other = process(app, prefix, fired, "mine"), process(app, prefix, fired, "other")
    job = TimerJob(time.time() + 0.1, 7, "turn_deadline", "f3")
    mine.schedule(job)
    time.sleep(0.4)
    assert other.run_due() == 0
    assert fired == [("mine", job)]


def test_a_failing_timer_is_logged_without_details_and_not_fired_again(
    app: Flask, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    def fire(job: TimerJob) -> None:
        raise ValueError("details that could be private")

    timers = SharedTimers(app, socketio, redis.Redis.from_url(REDIS_URL), prefix, time.time, fire)
    job = TimerJob(time.time() - 1, 7, "break_end", "b2")
    timers.client.zadd(timers.due_key, {_member(job): job.at})
    with caplog.at_level(logging.ERROR):
        assert timers.run_due() == 1
    assert "room timer break_end failed: ValueError" in caplog.text
    assert "private" not in caplog.text
    assert timers.pending() == 0 and timers.run_due() == 0


def _member(job: TimerJob) -> str:
    from server.room.live.timers import _encode

    return _encode(job)


def test_the_timer_set_expires_a_day_after_its_latest_timer(app: Flask, prefix: str) -> None:
    timers = process(app, prefix, [], "p")
    timers.socketio = SimpleNamespace(start_background_task=lambda *args: None)  # type: ignore[assignment]
    now = time.time()
    timers.schedule(TimerJob(now + 3600, 7, "meeting_close", "close"))
    timers.schedule(TimerJob(now + 60, 8, "break_end", "b1"))
    ttl = timers.client.ttl(timers.due_key)
    assert 3600 + 86400 - 5 <= ttl <= 3600 + 86400
