"""A member whose browser stops reading (a raw WebSocket whose receive buffer is never emptied)
while two meetings chat as fast as the room allows and she is sent one WebRTC offer after
another: everyone else still gets every message, the server keeps answering, and the stuck socket
is closed once it owes too much — its person keeping their place, as after any dropped
connection — instead of its backlog growing for as long as the connection lasts."""

from __future__ import annotations

import contextlib
import math
import threading
import time
import uuid

import pytest
import requests

from server.socket_limits import MAX_BACKLOG
from tests.faults.helpers import FaultServer, StuckMember, enter, scrape
from tests.live_people import Person

pytestmark = [pytest.mark.live, pytest.mark.timeout(150)]
CANARY = f"CANARY-{uuid.uuid4().hex}"
LONG_TEXT = "x" * 950  # chat takes up to 1,000 characters
# Messages each member sends: the first 20 at once, then one a second (the room's budget per
# person, server/room/core/rule.py), so about ten seconds of chat everywhere.
MESSAGES_EACH = 30
# A browser's offer of about 30 kB (an SDP may have 32 kB), sent to the member who stopped
# reading: what the server owes her grows fastest this way (signalling has a larger budget).
OFFER = {"type": "offer", "sdp": "v=0\r\n" + ("a=" + "x" * 100 + "\r\n") * 290}
OFFERS = 4 * MAX_BACKLOG // len(OFFER["sdp"])
# Generous: the machine is shared and slow. Every message must arrive within it.
DELIVERY_SECONDS = 30


class Reader:
    """A member who reads: when each chat message arrived (by id)."""

    def __init__(self, person: Person) -> None:
        self.person = person
        self.arrived: dict[str, float] = {}
        person.client.on("chat", self._chat)

    def _chat(self, message: dict[str, object]) -> None:
        self.arrived[str(message["id"])] = time.monotonic()


Sent = dict[tuple[int, str], float]  # (meeting, message id) -> when it was sent


def chat_a_lot(sender: Person, sent: Sent, failures: list[object]) -> None:
    """``MESSAGES_EACH`` messages, as fast as the room lets this person send."""
    n = 0
    while n < MESSAGES_EACH:
        at = time.monotonic()
        ack = sender.send("chat", text=f"{CANARY} {n} {LONG_TEXT}")
        if ack["ok"]:
            sent[(sender.meeting_id, ack["data"]["id"])] = at
            n += 1
        elif ack["error"]["code"] == "rate_limited":
            time.sleep(ack["error"]["retry_after"])
        else:
            failures.append(ack)
            return


def offer_again_and_again(sender: Person, to_user_id: int, offered: list[str]) -> None:
    """Offers to someone, until the room says she is not there any more."""
    for _ in range(OFFERS):
        ack = sender.send("rtc_signal", to_user_id=to_user_id, description=OFFER)
        offered.append("ok" if ack["ok"] else ack["error"]["code"])
        if not ack["ok"]:
            return


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


def test_a_member_who_stops_reading_slows_nobody_and_is_let_go_with_their_place_kept(
    one_process: FaultServer,
) -> None:
    server = one_process
    here, there = server.demo_meeting_id, server.second_meeting_id
    people = [
        Person(server, "facilitator", here),
        Person(server, "p1", here),
        Person(server, "p2", here),
        Person(server, "cofacilitator", there),
        Person(server, "p4", there),
    ]
    mira, birch, heron, jonas, linden = people
    juniper = Person(server, "p3", here)
    stuck: StuckMember | None = None
    try:
        enter(mira, [birch, heron])
        enter(jonas, [linden])
        readers = {id(p): Reader(p) for p in people}

        # Juniper joins over a plain WebSocket, is let in, and from then on reads nothing.
        juniper.accept_agreement()
        stuck = StuckMember(juniper)
        joined = stuck.call("join", {"meeting_id": here})
        assert joined["ok"] and joined["data"]["where"] == "lobby", joined
        juniper_id = joined["data"]["user_id"]
        mira.wait_for("room_state", lambda s: len(s["facilitator"]["lobby"]) == 1)
        mira.ok("admit_all")
        stuck.wait_for("admitted")
        mira.latest_state(lambda s: len(s["people"]) == 4)

        before = scrape(server)
        sent: Sent = {}
        failures: list[object] = []
        offered: list[str] = []
        threads = [threading.Thread(target=chat_a_lot, args=(p, sent, failures)) for p in people]
        threads.append(
            threading.Thread(target=offer_again_and_again, args=(birch, juniper_id, offered))
        )
        for thread in threads:
            thread.start()
        health: list[int] = []
        while any(thread.is_alive() for thread in threads):
            health.append(requests.get(f"{server.url}/healthz", timeout=10).status_code)
            time.sleep(0.5)
        for thread in threads:
            thread.join()
        assert failures == []
        assert health and set(health) == {200}  # the server answered all along
        # Birch's offers went through until Juniper was let go, long before all were sent.
        assert offered[-1] == "not_present" and len(offered) < OFFERS, offered

        # Every message reaches every member of its meeting (its sender too).
        deadline = time.monotonic() + DELIVERY_SECONDS
        latencies: list[float] = []
        for person in people:
            arrived = readers[id(person)].arrived
            expected = {m for meeting, m in sent if meeting == person.meeting_id}
            while not expected <= arrived.keys() and time.monotonic() < deadline:
                time.sleep(0.1)
            missing = expected - arrived.keys()
            assert not missing, f"{person.login} lacks {len(missing)} of {len(expected)} messages"
            latencies += [arrived[m] - sent[(person.meeting_id, m)] for m in expected]
        p50, p95 = (percentile(latencies, f) * 1000 for f in (0.5, 0.95))
        print(
            f"\n{len(sent)} messages, {len(latencies)} deliveries: p50 {p50:.0f} ms, "
            f"p95 {p95:.0f} ms, max {max(latencies) * 1000:.0f} ms"
        )

        # The stuck socket was closed for what it owed, once; Juniper keeps her place.
        after = scrape(server)
        assert (
            after.get("kreds_sockets_too_slow_total", 0)
            == before.get("kreds_sockets_too_slow_total", 0) + 1
        )
        state = mira.latest_state(
            lambda s: any(p["user_id"] == juniper_id and not p["connected"] for p in s["people"])
        )
        assert juniper_id in [p["user_id"] for p in state["people"]]
        # The server let go of the connection too, not only of the socket on it.
        assert stuck.server_let_go()
        # Her browser connects again and is back in the room, without waiting in the lobby.
        juniper.connect()
        assert juniper.ok("join")["where"] == "room"
        log = server.log()
        assert CANARY not in log
        assert "Traceback" not in log, log[-3000:]
    finally:
        if stuck is not None:
            stuck.close()
        for person in [*people, juniper]:
            with contextlib.suppress(Exception):
                person.close()
