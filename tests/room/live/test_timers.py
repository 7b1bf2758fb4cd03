"""Background timers: they sleep until due, fire once in an app context, and never crash."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from flask import Flask, current_app

from server.extensions import socketio
from server.room.live.timers import BackgroundTimers, ManualTimers, TimerJob


def test_a_background_timer_fires_once_when_due(app: Flask) -> None:
    fired: list[tuple[TimerJob, str]] = []
    done = threading.Event()

    def fire(job: TimerJob) -> None:
        fired.append((job, current_app.name))
        done.set()

    timers = BackgroundTimers(app, socketio, time.time, fire)
    job = TimerJob(time.time() + 0.05, 1, "break_end", "b1")
    timers.schedule(job)
    assert done.wait(5)
    assert fired == [(job, app.name)]


def test_a_failing_timer_is_logged_without_its_details(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    done = threading.Event()

    def fire(job: TimerJob) -> None:
        done.set()
        raise ValueError("details that could be private")

    timers = BackgroundTimers(app, socketio, time.time, fire)
    with caplog.at_level(logging.ERROR):
        timers.schedule(TimerJob(time.time(), 1, "turn_deadline", "f1"))
        assert done.wait(5)
        time.sleep(0.1)
    assert "room timer turn_deadline failed: ValueError" in caplog.text
    assert "private" not in caplog.text


def test_manual_timers_fire_in_order_only_when_due() -> None:
    fired: list[str] = []
    timers = ManualTimers(lambda job: fired.append(job.token))
    timers.schedule(TimerJob(20, 1, "break_end", "late"))
    timers.schedule(TimerJob(10, 1, "break_end", "early"))
    assert timers.run_due(5) == 0
    assert timers.run_due(20) == 2
    assert fired == ["early", "late"]
