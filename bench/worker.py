"""A load-generator process: one asyncio loop holding the sockets of many bench meetings.

The controller sends commands over a pipe and waits for each answer:

- ``add``: join these meetings of ``target`` (log-in cookies given) → the join tally;
- ``play``: act on the schedule of ``target``'s meetings from ``start`` to ``end`` (wall clock),
  wait ``drain`` seconds for late deliveries, count → the window's tally;
- ``close``: disconnect everyone and stop.

A worker holds the meetings of every target of the run at once (Kreds and the bare relay are
measured in turn, step by step): each target is a ``Side`` with its own meetings and books, and
only the side that plays acts. The others stay connected and quiet.

The schedule is open-loop: each action starts at its planned time whether or not earlier ones
were answered, so a slow server cannot slow the load down and hide its own latency."""

from __future__ import annotations

import asyncio
import gc
import heapq
import random
import time
from collections.abc import Callable, Coroutine
from multiprocessing.connection import Connection
from typing import Any

import aiohttp
import uvloop

from bench.members import Member, RoomPlay
from bench.plan import App, Pace
from bench.servers import raise_open_files_limit
from bench.tally import Tally

Action = Callable[[], Coroutine[Any, Any, None]]
LAG_TICK = 0.1


class Side:
    """One target's meetings in this worker and their books (the ``Books`` of its rooms).

    The tally runs from one answer to the next: what happens while the side is quiet (a socket
    that drops while the other target plays) is in its next answer, not lost."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.rooms: list[RoomPlay] = []
        self.tally = Tally()

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        self.worker.spawn(work)

    @property
    def http(self) -> aiohttp.ClientSession:
        return self.worker.http

    def report(self, kind: str) -> dict[str, Any]:
        answer = {"kind": kind, "tally": self.tally.to_wire()}
        self.tally = Tally()
        return answer


class Worker:
    def __init__(self, conn: Connection, number: int, pace: Pace, join_concurrency: int) -> None:
        self.conn = conn
        self.number = number
        self.pace = pace
        self.join_concurrency = join_concurrency
        self.rng = random.Random(number)
        self.sides: dict[str, Side] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._http: aiohttp.ClientSession | None = None

    @property
    def http(self) -> aiohttp.ClientSession:
        """One HTTP session for every socket of this worker: no pool limit (each WebSocket
        holds its connection for the run) and no cookie jar (each member sends its own)."""
        if self._http is None:
            self._http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),
                cookie_jar=aiohttp.DummyCookieJar(),
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=30),
            )
        return self._http

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def side(self, target: str) -> Side:
        return self.sides.setdefault(target, Side(self))

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            command: dict[str, Any] = await loop.run_in_executor(None, self.conn.recv)
            kind = command["kind"]
            if kind == "add":
                side = self.side(command["target"])
                answer = await self.add(
                    side, command["meetings"], command["app"], command["urls"], command["cookies"]
                )
            elif kind == "play":
                side = self.side(command["target"])
                answer = await self.play(
                    side,
                    command["window"],
                    command["start"],
                    command["end"],
                    command["drain"],
                    command.get("share", 1.0),
                )
            elif kind == "close":
                await self.close()
                self.conn.send({"kind": "closed"})
                return
            else:
                answer = {"error": f"unknown command {kind!r}"}
            self.conn.send(answer)

    async def add(
        self,
        side: Side,
        meetings: list[dict[str, Any]],
        app: App,
        urls: list[str],
        cookies: dict[str, str],
    ) -> dict[str, Any]:
        gate = asyncio.Semaphore(self.join_concurrency)

        async def join(spec: dict[str, Any]) -> None:
            room = RoomPlay(spec, app, urls, cookies, self.pace, side, self.rng)
            side.rooms.append(room)
            async with gate:
                await room.join()

        await asyncio.gather(*(join(spec) for spec in meetings))
        # The clients just made live until the run ends: out of the collector's full passes with
        # them, which at a few thousand clients pause this loop for over 100 ms and would count
        # as the server's latency (the server does the same, server/serve.py).
        gc.freeze()
        return side.report("added")

    def _schedule(
        self, rooms: list[RoomPlay], start: float, end: float, share: float
    ) -> list[tuple[float, int, Action]]:
        """Every action of the window, in time order: each person's chat and reactions, the
        participants' hands, the facilitator's "next speaker", and a round in some meetings
        (``share``: the part of the step's window this is, so that a step in two parts starts as
        many rounds as a step in one)."""
        pace, rng = self.pace, self.rng
        planned: list[tuple[float, int, Action]] = []

        def every(seconds: float, action: Action) -> None:
            interval = pace.every(seconds)
            at = start + rng.uniform(0, interval)
            while at < end:
                planned.append((at, len(planned), action))
                at += interval

        for room in rooms:
            for member in room.members:
                if not member.joined:
                    continue
                every(pace.chat_every, member.chat)
                every(pace.react_every, member.react)
                if member.facilitates:
                    every(pace.next_speaker_every, member.next_speaker)
                else:
                    every(pace.hand_every, member.raise_hand)
            facilitator: Member = room.members[0]
            if facilitator.joined and rng.random() < pace.round_chance * share:
                at = start + rng.uniform(0, (end - start) / 3)
                planned.append((at, len(planned), facilitator.start_round))
        heapq.heapify(planned)
        return planned

    async def _watch_lag(self, tally: Tally, until: float) -> None:
        """How late this loop wakes up: a busy load generator inflates every latency."""
        while time.time() < until:
            before = time.monotonic()
            await asyncio.sleep(LAG_TICK)
            tally.loop_lag.append(max(0.0, time.monotonic() - before - LAG_TICK))

    async def play(
        self, side: Side, window: int, start: float, end: float, drain: float, share: float
    ) -> dict[str, Any]:
        rooms = side.rooms
        side.tally.members = sum(1 for room in rooms for m in room.members if m.joined)
        planned = self._schedule(rooms, start, end, share)
        await asyncio.sleep(max(0.0, start - time.time()))
        # This loop's own collector is off while the window plays and drains: its passes paused
        # the loop for 3-9 ms (youngest generation), 12-27 ms (middle) and 37-57 ms (full) a few
        # times a window at 2,000 members, Kreds' windows and the relay's alike, and every
        # delivery to this worker's members waited, counted as the server's latency. What piled
        # up is collected after the count, before the next window.
        gc.disable()
        try:
            await self._play_window(side, window, end, drain, planned)
        finally:
            gc.enable()
        gc.collect()
        gc.freeze()
        return side.report("played")

    async def _play_window(
        self,
        side: Side,
        window: int,
        end: float,
        drain: float,
        planned: list[tuple[float, int, Action]],
    ) -> None:
        rooms = side.rooms
        for room in rooms:
            room.open_window(window)
        lag = asyncio.get_running_loop().create_task(self._watch_lag(side.tally, end))
        while planned:
            at, _, action = heapq.heappop(planned)
            delay = at - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self.spawn(action())
        await asyncio.sleep(max(0.0, end - time.time()))
        for room in rooms:
            room.stop_playing()
        await lag
        await asyncio.sleep(drain)
        for room in rooms:
            room.close_window()

    async def close(self) -> None:
        gate = asyncio.Semaphore(50)

        async def leave(room: RoomPlay) -> None:
            async with gate:
                await room.leave()

        rooms = [room for side in self.sides.values() for room in side.rooms]
        await asyncio.gather(*(leave(room) for room in rooms), return_exceptions=True)
        if self._http is not None:
            await self._http.close()


def run_worker(conn: Connection, number: int, pace: Pace, join_concurrency: int) -> None:
    """The process's entry point (multiprocessing, spawn)."""
    raise_open_files_limit()
    # libuv's loop: its sockets, timers and polling in C take a fifth to a third less of the load's
    # CPU than asyncio's own loop for the same frames (docs/benchmarks.md, "The load").
    uvloop.run(Worker(conn, number, pace, join_concurrency).serve())
