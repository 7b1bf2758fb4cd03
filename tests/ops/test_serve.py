"""``python -m server``: each async mode serves without a terminal, and an eventlet process holds
more connections than eventlet's own default of 1,024."""

from __future__ import annotations

import gc
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from server.config import Config
from server.serve import server_options
from server.tuning import (
    MIDDLE_PASS_EVERY,
    NO_AUTOMATIC_FULL_PASS,
    collect_by_the_clock,
    tune_collector,
)
from tests.live_server import LiveServer

DEFAULTS = {"GC_FREEZE_SECONDS": Config.GC_FREEZE_SECONDS, "GC_PASS_MS": Config.GC_PASS_MS}


def test_eventlet_holds_the_configured_number_of_connections():
    assert Config.MAX_CONNECTIONS == 10_000
    # The pool holds more than the sockets: refusals beyond the limit are answered.
    assert server_options("eventlet", {"MAX_CONNECTIONS": 3000}) == {"max_size": 3300}


def test_threading_is_allowed_without_a_terminal():
    assert server_options("threading", {}) == {"allow_unsafe_werkzeug": True}
    assert server_options("gevent", {}) == {}


class BackgroundTasks:
    """Stands in for Flask-SocketIO's ``start_background_task``: notes the task, runs nothing."""

    def __init__(self) -> None:
        self.started: list[Callable[[], Any]] = []

    def start_background_task(self, task: Callable[..., Any], *args: Any) -> None:
        self.started.append(lambda: task(*args))


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()


@pytest.mark.usefixtures("collector")
def test_a_freezing_process_leaves_full_passes_to_the_hourly_one():
    young, _, _ = gc.get_threshold()
    tasks = BackgroundTasks()
    tune_collector(tasks, DEFAULTS)
    # Middle passes after every second young one (short pauses), no automatic full passes.
    assert gc.get_threshold() == (young, MIDDLE_PASS_EVERY, NO_AUTOMATIC_FULL_PASS)
    # The freezes with the hourly full pass, and the young and middle passes by the clock.
    assert len(tasks.started) == 2
    assert gc.get_freeze_count() > 0  # start-up is frozen at once


@pytest.mark.usefixtures("collector")
def test_the_clock_passes_can_be_left_to_the_collector():
    tasks = BackgroundTasks()
    tune_collector(tasks, {**DEFAULTS, "GC_PASS_MS": 0})
    assert len(tasks.started) == 1


class Clock:
    """``socketio.sleep`` that notes how long and stops the loop after a few naps."""

    def __init__(self, naps: int) -> None:
        self.slept: list[float] = []
        self.naps = naps

    def sleep(self, seconds: float) -> None:
        if len(self.slept) == self.naps:
            raise StopIteration
        self.slept.append(seconds)


def test_the_clock_runs_young_passes_and_every_second_one_a_middle_one(monkeypatch):
    passes: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: passes.append(generation) or 0)
    clock = Clock(naps=6)
    with pytest.raises(StopIteration):
        collect_by_the_clock(clock, 0.025)
    assert clock.slept == [0.025] * 6
    assert MIDDLE_PASS_EVERY == 2
    assert passes == [0, 1, 0, 1, 0, 1]


@pytest.mark.usefixtures("collector")
def test_a_process_that_never_freezes_keeps_the_collector_s_full_passes():
    before = gc.get_threshold()
    tasks = BackgroundTasks()
    tune_collector(tasks, {**DEFAULTS, "GC_FREEZE_SECONDS": 0})
    assert gc.get_threshold() == before
    assert tasks.started == []


@pytest.mark.live
def test_threading_mode_serves_without_a_terminal():
    with LiveServer({"KREDS_ASYNC_MODE": "threading"}) as server:
        assert requests.get(f"{server.url}/login", timeout=5).status_code == 200


@pytest.mark.live
def test_an_eventlet_server_answers_beyond_1024_open_connections():
    idle: list[socket.socket] = []
    with LiveServer({"KREDS_MAX_CONNECTIONS": "1500"}) as server:
        try:
            for _ in range(1100):
                idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=5))
            # Each idle socket is a connection the server has accepted and holds: with eventlet's
            # default pool the next request would wait until one of them went away.
            answer = requests.get(f"{server.url}/login", timeout=10)
            assert answer.status_code == 200
        finally:
            for connection in idle:
                connection.close()
