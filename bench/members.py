"""One bench meeting played by seven light Socket.IO clients (bench/client.py).

A ``Member`` is one person's socket: it connects with its log-in cookie, joins (the facilitator
enters, participants wait in the lobby until the facilitator's client admits them), and then acts
when the worker's schedule says so: chat, reactions, raised hands, "next speaker", a round. Its
handlers record what arrives. ``RoomPlay`` keeps the books of one meeting: which chat messages
were sent and accepted, who received each one how often, and when each floor change reached each
member. All seven members of a meeting live in the same worker process, so the books are plain
objects; the latencies themselves come from the send time written into each message.

All seven connect to the same server process, the one that owns the meeting
(:func:`owning_url`), as a deployment's proxy routes them by the meeting in the URL."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from bench.client import Closed, Connection, Refused
from bench.plan import App, Pace
from bench.tally import Tally

ACK_TIMEOUT = 30.0
JOIN_TIMEOUT = 60.0
CONNECT_TIMEOUT = 30.0
REACTIONS = ("hear_you", "me_too", "thank_you")
FILLER = "thank you for sharing that, it helps to hear it from someone who has been there " * 13
Key = tuple[int, int, int]  # (window, sender index, sequence)


class Books(Protocol):
    """The worker's side: the current tally, a place to keep background tasks, and the HTTP
    session every socket of the worker connects through."""

    tally: Tally

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None: ...

    @property
    def http(self) -> aiohttp.ClientSession: ...


def owning_url(meeting_id: int, urls: list[str]) -> str:
    """The server process a meeting's members connect to: one per meeting, the same one for all
    seven, chosen by the meeting alone (as a proxy's hash of the ``meeting`` query would)."""
    return urls[meeting_id % len(urls)]


@dataclass
class Probe:
    """A floor change on its way: who should get the floor, sent when, seen by whom."""

    expected: int
    after_version: int
    sent_at: float
    seen: set[int] = field(default_factory=set)


class RoomPlay:
    def __init__(
        self,
        spec: dict[str, Any],
        app: App,
        urls: list[str],
        cookies: dict[str, str],
        pace: Pace,
        books: Books,
        rng: random.Random,
    ) -> None:
        self.meeting_id = int(spec["meeting_id"])
        self.app = app
        self.pace = pace
        self.books = books
        self.rng = rng
        self.window = -1
        self.playing = False
        self.closing = False
        url = owning_url(self.meeting_id, urls)
        self.members = [
            Member(self, index, person, url, cookies.get(person["login"]))
            for index, person in enumerate(spec["people"])
        ]
        self._sent: dict[Key, float] = {}
        self._refused: set[Key] = set()
        self._received: dict[Key, list[int]] = {}
        self._probes: list[Probe] = []

    @property
    def tally(self) -> Tally:
        return self.books.tally

    # Joining ---------------------------------------------------------------------------------

    async def join(self) -> None:
        """The facilitator first, then the participants all at once (as people arrive)."""
        facilitator, *participants = self.members
        await facilitator.enter()
        await asyncio.gather(*(member.enter() for member in participants))

    async def leave(self) -> None:
        self.closing = True
        await asyncio.gather(*(member.leave() for member in self.members))

    # The window ------------------------------------------------------------------------------

    def open_window(self, window: int) -> None:
        self.window = window
        self.playing = True
        for member in self.members:
            member.consider_turn()

    def stop_playing(self) -> None:
        self.playing = False

    def close_window(self) -> None:
        """Count what each accepted message owed and what arrived; forget the window."""
        tally, size = self.tally, len(self.members)
        for key in self._sent:
            counts = self._received.get(key)
            if key in self._refused:
                if counts:
                    tally.chat_unexpected += 1
                continue
            counts = counts or [0] * size
            tally.chat_expected += size
            tally.chat_delivered += sum(1 for c in counts if c)
            tally.chat_lost += sum(1 for c in counts if c == 0)
            tally.chat_duplicated += sum(c - 1 for c in counts if c > 1)
        tally.chat_unexpected += sum(1 for key in self._received if key not in self._sent)
        for probe in self._probes:
            tally.floor_changes += 1
            tally.floor_missed += size - len(probe.seen)
        self._sent.clear()
        self._refused.clear()
        self._received.clear()
        self._probes.clear()

    # Chat books ------------------------------------------------------------------------------

    def chat_text(self, key: Key, sent_at: float) -> str:
        head = f"bench {self.meeting_id}.{key[0]}.{key[1]}.{key[2]} {sent_at:.6f} "
        return head + FILLER[: max(0, self.pace.chat_length - len(head))]

    def chat_sent(self, key: Key, sent_at: float) -> None:
        self._sent[key] = sent_at
        self.tally.chat_sent += 1

    def chat_refused(self, key: Key) -> None:
        self._refused.add(key)
        self.tally.chat_refused += 1

    def chat_arrived(self, index: int, text: str, now: float) -> None:
        parts = text.split(" ", 3)
        if len(parts) < 3 or parts[0] != "bench":
            return
        meeting, window, sender, seq = (int(n) for n in parts[1].split("."))
        if meeting != self.meeting_id:
            self.tally.chat_misrouted += 1
            return
        key = (window, sender, seq)
        if window != self.window or key not in self._sent:
            self.tally.chat_late += 1
            return
        counts = self._received.setdefault(key, [0] * len(self.members))
        counts[index] += 1
        self.tally.chat_latencies.append(now - float(parts[2]))

    # Floor books -----------------------------------------------------------------------------

    def open_probe(self, expected: int, after_version: int) -> Probe:
        probe = Probe(expected, after_version, time.time())
        self._probes.append(probe)
        return probe

    def cancel_probe(self, probe: Probe) -> None:
        if probe in self._probes:
            self._probes.remove(probe)

    def floor_seen(self, index: int, holder: int, version: int, now: float) -> None:
        for probe in self._probes:
            fresh = probe.expected == holder and version > probe.after_version
            if fresh and index not in probe.seen:
                probe.seen.add(index)
                self.tally.floor_latencies.append(now - probe.sent_at)


class Member:
    def __init__(
        self, room: RoomPlay, index: int, person: dict[str, Any], url: str, cookie: str | None
    ) -> None:
        self.room = room
        self.index = index
        self.login = str(person["login"])
        self.user_id = int(person["user_id"])
        self.facilitates = person["role"] != "participant"
        self.url = url
        self.cookie = cookie
        self.socket = Connection(self.on_event, self.on_disconnect)
        self.view: dict[str, Any] | None = None
        self.admitted = asyncio.Event()
        self.admitting: set[int] = set()
        self.turn_pending = False
        self.seq = 0
        self.joined = False

    # Connection ------------------------------------------------------------------------------

    async def enter(self) -> None:
        """Connect, join, and (a participant) wait for admission; the time is the join time."""
        started = time.time()
        tally = self.room.tally
        try:
            # A server that no longer accepts connections (eventlet's pool is full) leaves the
            # handshake waiting without end: the whole connection attempt has a time limit.
            connecting = self.socket.open(
                self.room.books.http, self.url, self.room.meeting_id, self.cookie
            )
            await asyncio.wait_for(connecting, CONNECT_TIMEOUT)
            ack = await self.call("join")
            if not ack.get("ok"):
                tally.join_failures[f"join:{ack['error']['code']}"] += 1
                return
            data = ack["data"]
            if data.get("where") == "room":
                self.admitted.set()
            await asyncio.wait_for(self.admitted.wait(), JOIN_TIMEOUT)
        except (TimeoutError, Refused, Closed, aiohttp.ClientError, OSError) as error:
            tally.join_failures[type(error).__name__] += 1
            return
        self.joined = True
        tally.members += 1
        tally.join_seconds.append(time.time() - started)

    async def leave(self) -> None:
        await self.socket.close()

    async def call(self, event: str, **fields: Any) -> dict[str, Any]:
        tally = self.room.tally
        tally.events[event] += 1
        payload = {"meeting_id": self.room.meeting_id, **fields}
        ack: Any
        try:
            answer = await self.socket.call(event, payload, ACK_TIMEOUT)
            self.received("ack")
            ack = answer[0] if answer else None
        except TimeoutError:
            ack = {"ok": False, "error": {"code": "timeout"}}
        except Closed:
            ack = {"ok": False, "error": {"code": "disconnected"}}
        if not isinstance(ack, dict):
            ack = {"ok": False, "error": {"code": "no_ack"}}
        if not ack.get("ok"):
            tally.errors[f"{event}:{ack['error']['code']}"] += 1
        elif isinstance(ack.get("data"), dict) and ack["data"].get("room"):
            # Kreds answers the sender of a change with its room_state (no frame of its own).
            self.see_room(ack["data"]["room"])
        return ack

    # What arrives ----------------------------------------------------------------------------

    def received(self, event: str) -> None:
        if self.room.playing:
            self.room.tally.frames[event] += 1

    def on_event(self, event: str, args: list[Any]) -> None:
        handler = self._handlers.get(event)
        if handler is None:
            self.received(event)
        else:
            handler(self, args[0] if args else None)

    def on_chat(self, data: dict[str, Any]) -> None:
        self.received("chat")
        self.room.chat_arrived(self.index, str(data.get("text", "")), time.time())

    def on_reaction(self, data: dict[str, Any]) -> None:
        self.received("reaction")
        if self.room.playing:
            self.room.tally.reactions_received += 1

    def on_room_state(self, state: dict[str, Any]) -> None:
        self.received("room_state")
        self.see_room(state)

    def see_room(self, state: dict[str, Any]) -> None:
        """A room_state, from its own frame or from an acknowledgement."""
        if self.view is not None and state["version"] <= self.view["version"]:
            return
        self.view = state
        floor = state.get("floor")
        if floor is not None:
            self.room.floor_seen(self.index, floor["user_id"], state["version"], time.time())
        if "facilitator" in state:
            self.admit_waiting(state["facilitator"])
        self.consider_turn()

    def on_facilitator_state(self, state: dict[str, Any]) -> None:
        """Kreds before 7 December sent the facilitators' part apart (``--server-root`` may
        measure such a checkout)."""
        self.received("facilitator_state")
        self.admit_waiting(state)

    def admit_waiting(self, facilitators: dict[str, Any]) -> None:
        """The facilitator's client admits whoever waits in the lobby, one by one."""
        for waiting in facilitators.get("lobby", []):
            user_id = int(waiting["user_id"])
            if waiting.get("connected") and user_id not in self.admitting:
                self.admitting.add(user_id)
                self.room.books.spawn(self._admit(user_id))

    async def _admit(self, user_id: int) -> None:
        ack = await self.call("admit", user_id=user_id)
        if not ack.get("ok"):
            self.admitting.discard(user_id)

    def on_admitted(self, data: Any = None) -> None:
        self.admitted.set()

    def on_disconnect(self) -> None:
        if not self.room.closing:
            self.room.tally.disconnects += 1

    # What the server's events call (the class's own methods, looked up once).
    _handlers: dict[str, Callable[[Member, Any], None]] = {
        "chat": on_chat,
        "reaction": on_reaction,
        "room_state": on_room_state,
        "facilitator_state": on_facilitator_state,
        "admitted": on_admitted,
    }

    # What a member does (the worker's schedule calls these) ----------------------------------

    async def chat(self) -> None:
        self.seq += 1
        key = (self.room.window, self.index, self.seq)
        sent_at = time.time()
        self.room.chat_sent(key, sent_at)
        ack = await self.call("chat", text=self.room.chat_text(key, sent_at))
        code = None if ack.get("ok") else ack["error"]["code"]
        if code is not None and code not in ("timeout", "disconnected", "no_ack"):
            self.room.chat_refused(key)

    async def react(self) -> None:
        self.room.tally.reactions_sent += 1
        await self.call("react", kind=self.room.rng.choice(REACTIONS))

    def _holds_floor(self) -> bool:
        floor = (self.view or {}).get("floor")
        return floor is not None and floor["user_id"] == self.user_id

    async def raise_hand(self) -> None:
        view = self.view
        if view is not None and (self.user_id in view["queue"] or self._holds_floor()):
            return
        await self.call("raise_hand")

    async def next_speaker(self) -> None:
        view = self.view
        if self.room.app == "baseline" or view is None:
            await self.call("next_speaker")  # the bare relay only answers it
            return
        if view.get("round") is not None or not view["queue"]:
            return
        probe = self.room.open_probe(int(view["queue"][0]), int(view["version"]))
        ack = await self.call("next_speaker")
        if not ack.get("ok"):
            self.room.cancel_probe(probe)

    async def start_round(self) -> None:
        if self.view is not None and self.view.get("round") is not None:
            return
        await self.call("start_round", kind="check_in")

    def consider_turn(self) -> None:
        """Whose round turn it is takes it, speaks a little, then moves on (or passes)."""
        view = self.view
        if view is None or self.turn_pending or not self.room.playing:
            return
        round_ = view.get("round")
        if round_ is None or round_["current"] != self.user_id or not self._holds_floor():
            return
        self.turn_pending = True
        self.room.books.spawn(self._take_turn(list(round_["order"])))

    async def _take_turn(self, order: list[int]) -> None:
        room = self.room
        try:
            turn = room.pace.every(room.pace.round_turn) * room.rng.uniform(0.5, 1.5)
            await asyncio.sleep(turn)
            if not room.playing:
                return
            position = order.index(self.user_id)
            probe = None
            if position + 1 < len(order):
                version = int((self.view or {}).get("version", 0))
                probe = room.open_probe(order[position + 1], version)
            passing = room.rng.random() < room.pace.pass_chance
            ack = await self.call("round_pass" if passing else "round_next")
            if not ack.get("ok") and probe is not None:
                room.cancel_probe(probe)
        finally:
            self.turn_pending = False
