"""The edges of docs/protocol.md that a client written from the document alone runs into
(issue 23), each shown as such a client meets it.

Where HTTP, the transport or the client library matters, a test talks to a real server process
over HTTP (``requests``) and Socket.IO (python-socketio, or a bare WebSocket where the test must
decide when the transport closes). That server runs with the HTTP rate limits on and the log-in
limit raised, as the document tells a test harness to. The others use Flask-SocketIO's test
client, as the room's own tests do, with the room's manual timers where the clock must move
(the reconnection grace, a turn limit)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket

from tests.conftest import Course
from tests.live_people import TIMEOUT, Person
from tests.live_server import DEMO_PASSWORD, LiveServer, form_fields
from tests.room.conftest import Clock, LiveMeeting, Sock, accept_agreement, run_timers

DOCS = Path(__file__).resolve().parents[2] / "docs"
# What docs/protocol.md ("Writing a client of your own") tells a harness with many accounts.
HARNESS_ENV = {"KREDS_RATELIMIT_ENABLED": "1", "KREDS_LOGIN_RATE_LIMIT": "1000 per minute"}
MAX_SOCKET_PAYLOAD = 64 * 1024


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    with LiveServer(env=HARNESS_ENV) as server:
        yield server


@pytest.fixture
def people(live_server: LiveServer) -> Iterator[Callable[..., Person]]:
    """``people(login)``: that demo account logged in over HTTP, its socket connected (not
    joined). Each test uses accounts of its own, so the tests share the server, not places."""
    opened: list[Person] = []

    def _person(login: str, *, connect: bool = True) -> Person:
        person = Person(live_server, login, live_server.demo_meeting_id)
        opened.append(person)
        if connect:
            person.connect()
        return person

    yield _person
    for person in opened:
        person.close()


def user_ids(state: dict[str, Any]) -> list[int]:
    return [p["user_id"] for p in state["people"]]


def admit(facilitator: Person, person: Person, name: str) -> int:
    """``person`` (waiting in the lobby as ``name``) is admitted; returns their user id, read
    from the facilitator's snapshot."""
    state = facilitator.wait_for(
        "room_state",
        lambda s: any(p["name"] == name for p in s["facilitator"]["lobby"]),
    )
    user_id = next(p["user_id"] for p in state["facilitator"]["lobby"] if p["name"] == name)
    facilitator.ok("admit", user_id=user_id)
    return int(user_id)


def enter_room(facilitator: Person, person: Person, name: str) -> int:
    """The agreement accepted (HTTP), joined and admitted; returns the person's user id."""
    person.accept_agreement()
    assert person.ok("join")["where"] == "lobby"
    user_id = admit(facilitator, person, name)
    person.wait_for("admitted")
    return user_id


class BareSocket:
    """Socket.IO spoken over a bare WebSocket: the test decides when the transport closes."""

    def __init__(self, server: LiveServer, person: Person) -> None:
        cookie = "; ".join(f"{c.name}={c.value}" for c in person.http.cookies)
        self.ws = websocket.create_connection(
            server.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
            header=[f"Cookie: {cookie}"],
            origin=server.url,
            timeout=TIMEOUT,
        )
        opening = self.ws.recv()
        assert opening.startswith("0{"), opening
        self.handshake = json.loads(opening[1:])  # Engine.IO's open packet
        self.next_id = 1

    def connect(self) -> None:
        self.ws.send("40")  # Socket.IO CONNECT to "/"
        assert self.ws.recv().startswith("40{")

    def call(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        ack_id = self.next_id
        self.next_id += 1
        self.ws.send(f"42{ack_id}" + json.dumps([event, data]))
        while True:
            frame = self.ws.recv()
            if frame == "2":  # Engine.IO ping
                self.ws.send("3")
            elif frame.startswith(f"43{ack_id}["):
                return dict(json.loads(frame[len(f"43{ack_id}") :])[0])

    def close_transport(self) -> None:
        """Close the WebSocket without Socket.IO's DISCONNECT packet: what the server sees when
        a client's disconnect closes the transport before that packet was written."""
        self.ws.close()


# 1. The agreement is accepted with one HTTP form post; then `join` succeeds.


@pytest.mark.live
@pytest.mark.timeout(60)
def test_a_client_accepts_the_agreement_over_http_then_joins(
    people: Callable[..., Person], live_server: LiveServer
) -> None:
    birch = people("p1")
    refused = birch.send("join")
    assert refused["error"]["code"] == "ack_required"
    agreement = refused["error"]["agreement"]
    assert agreement["text"] and agreement["version"] >= 1

    url = f"{live_server.url}/meetings/{live_server.demo_meeting_id}"
    form = form_fields(birch.http.get(url, timeout=TIMEOUT).text)
    assert form["version"] == str(agreement["version"]) and form["csrf_token"]

    # Without the CSRF token, or for another version than the current one, nothing is recorded.
    no_token = {"version": form["version"], "accept": "y"}
    assert birch.http.post(url, data=no_token, timeout=TIMEOUT).status_code == 400
    old_version = {"csrf_token": form["csrf_token"], "version": "0", "accept": "y"}
    assert birch.http.post(url, data=old_version, timeout=TIMEOUT).status_code == 200
    assert birch.send("join")["error"]["code"] == "ack_required"

    fields = {"csrf_token": form["csrf_token"], "version": str(agreement["version"]), "accept": "y"}
    accepted = birch.http.post(url, data=fields, allow_redirects=False, timeout=TIMEOUT)
    assert accepted.status_code == 302
    assert accepted.headers["Location"].endswith(f"/meetings/{live_server.demo_meeting_id}/room")
    # The same socket joins now.
    assert birch.ok("join")["where"] == "lobby"


# 2. `join` says which person the socket is.


def test_join_answers_with_the_user_id_of_the_person_the_socket_is(
    connect: Callable[..., Sock], course: Course
) -> None:
    mira = course.facilitator
    answer = connect(mira).send("join")["data"]
    assert answer["where"] == "room" and answer["user_id"] == mira.id
    assert mira.id in user_ids(answer["room"])

    birch = course.participants[0]
    accept_agreement(birch, course.meeting)
    answer = connect(birch).send("join")["data"]
    assert answer["where"] == "lobby" and answer["user_id"] == birch.id


# 3. `round.current` is a user id.


def test_round_current_is_the_user_id_of_the_person_whose_turn_it_is(
    meeting: LiveMeeting,
) -> None:
    first = meeting.participants[1]
    started = meeting.facilitator.send("start_round", kind="check_in", first_user_id=first.user.id)
    round_ = started["data"]["room"]["round"]
    assert sorted(round_["order"]) == sorted(s.user.id for s in meeting.everyone)
    assert round_["order"][0] == first.user.id
    assert round_["current"] == first.user.id  # a user id (as an index it would be 0)
    assert started["data"]["room"]["floor"]["user_id"] == first.user.id

    assert first.send("round_next")["ok"]
    state = meeting.participants[0].last("room_state")
    assert state["round"]["order"] == round_["order"]
    assert state["round"]["current"] == round_["order"][1]
    assert state["floor"]["user_id"] == round_["order"][1]
    assert state["floor"]["via"] == "round"


# 4. `leave` before disconnecting gives the place up at once; a transport that closes first
# keeps it for the grace.


@pytest.mark.live
@pytest.mark.timeout(60)
def test_leave_then_disconnect_frees_the_place_at_once(people: Callable[..., Person]) -> None:
    mira, juniper = people("facilitator"), people("p3")
    mira.ok("join")
    juniper_id = enter_room(mira, juniper, "Juniper")
    mira.latest_state(lambda s: juniper_id in user_ids(s))

    juniper.ok("leave")
    juniper.client.disconnect()

    # Well within the 60 s grace: the snapshot of the leave itself no longer lists Juniper.
    state = mira.latest_state(lambda s: juniper_id not in user_ids(s))
    assert juniper_id not in [p["user_id"] for p in state["facilitator"]["lobby"]]


@pytest.mark.live
@pytest.mark.timeout(60)
def test_a_transport_that_closes_before_the_disconnect_packet_keeps_the_place(
    people: Callable[..., Person], live_server: LiveServer
) -> None:
    mira, linden = people("facilitator"), people("p4", connect=False)
    mira.ok("join")
    linden.accept_agreement()
    bare = BareSocket(live_server, linden)
    bare.connect()
    assert bare.call("join", {"meeting_id": live_server.demo_meeting_id})["ok"]
    linden_id = admit(mira, linden, "Linden")

    bare.close_transport()

    state = mira.latest_state(
        lambda s: any(p["user_id"] == linden_id and not p["connected"] for p in s["people"])
    )
    assert linden_id in user_ids(state)  # kept (not connected) until the grace ends


# 5. docs/client.md names only events the protocol has.


def _documented_client_events() -> set[str]:
    text = (DOCS / "protocol.md").read_text(encoding="utf-8")
    part = text.split("## Client → server events\n", 1)[1].split("\n## ", 1)[0]
    return {chunk.split("\n", 1)[0].strip().strip("`") for chunk in part.split("\n### ")[1:]}


def test_the_client_guide_sends_only_events_the_protocol_has(
    connect: Callable[..., Sock], course: Course
) -> None:
    guide = (DOCS / "client.md").read_text(encoding="utf-8")
    sent = re.findall(r'(?:emitWithAck|request)\(\s*\w+,\s*"([^"]+)"', guide)
    assert sent, "docs/client.md shows how a request is sent"
    assert set(sent) <= _documented_client_events()
    assert not re.findall(r'"[a-z]+:[a-z]+"', guide)  # no "area:verb" names

    # The name the guide used to show is answered as what it is.
    sock = connect(course.facilitator)
    assert sock.send("join")["ok"]
    assert sock.raw("hand:raise", {"meeting_id": sock.meeting_id})["error"]["code"] == (
        "unknown_event"
    )
    assert sock.send("raise_hand")["ok"]


# 6. A packet over the limit gets no answer, and the connection closes.


@pytest.mark.live
@pytest.mark.timeout(60)
def test_a_packet_over_the_limit_gets_no_answer_and_the_connection_closes(
    people: Callable[..., Person], live_server: LiveServer
) -> None:
    sparrow = people("p5")
    handshake = BareSocket(live_server, sparrow)
    assert handshake.handshake["maxPayload"] == MAX_SOCKET_PAYLOAD
    handshake.ws.close()
    sparrow.accept_agreement()
    sparrow.ok("join")
    meeting_id = live_server.demo_meeting_id

    # Under the limit, a payload too large for its fields is answered.
    answer = sparrow.send("chat", text="x" * (MAX_SOCKET_PAYLOAD - 4096))
    assert answer["error"]["code"] == "invalid" and answer["error"]["fields"] == ["text"]

    closed = threading.Event()
    sparrow.client.on("disconnect", lambda *reason: closed.set())
    answers: list[Any] = []
    sparrow.client.emit(
        "chat",
        {"meeting_id": meeting_id, "text": "x" * (MAX_SOCKET_PAYLOAD + 1024)},
        callback=lambda *ack: answers.append(ack),
    )
    assert closed.wait(TIMEOUT), "the server should close the connection"
    assert not sparrow.client.connected
    assert answers == []


# 7. After `removed` and `meeting_ended` the socket stays open; the client decides.


@pytest.mark.live
@pytest.mark.timeout(60)
def test_after_removed_the_socket_stays_open_and_join_answers_barred(
    people: Callable[..., Person],
) -> None:
    mira, willow = people("facilitator"), people("p6")
    mira.ok("join")
    willow_id = enter_room(mira, willow, "Willow")

    mira.ok("remove_from_meeting", user_id=willow_id)
    assert willow.wait_for("removed")["scope"] == "meeting"

    # The same socket still answers: it is in no meeting, and this one bars it.
    assert willow.send("raise_hand")["error"]["code"] == "not_joined"
    assert willow.send("join")["error"]["code"] == "barred"
    assert willow.client.connected


def test_after_meeting_ended_the_socket_stays_open_and_join_answers_not_open(
    meeting: LiveMeeting,
) -> None:
    birch = meeting.participants[0]
    assert meeting.facilitator.send("end_meeting")["ok"]
    assert birch.last("meeting_ended")["reason"] == "ended"
    assert birch.events("room_state") == []  # no snapshot follows the end
    assert birch.connected
    assert birch.send("raise_hand")["error"]["code"] == "not_joined"
    assert birch.send("join")["error"]["code"] == "not_open"
    assert birch.connected


# 8. Joining after the reconnection grace is entering anew: a participant waits in the lobby.


def test_a_participant_who_rejoins_after_the_grace_waits_in_the_lobby(
    meeting: LiveMeeting, connect: Callable[..., Sock], room: Any, clock: Clock
) -> None:
    birch, heron = meeting.participants[0], meeting.participants[1]
    assert birch.send("raise_hand")["ok"]
    birch.drop()
    heron.drop()
    meeting.co.drop()

    # Heron is back within the grace: the same place, in the room.
    clock.advance(30)
    assert connect(heron.user).send("join")["data"]["where"] == "room"

    clock.advance(31)  # past the 60 s grace of the others
    run_timers(room, clock)
    state = meeting.facilitator.last("room_state")
    assert birch.user.id not in user_ids(state) and state["queue"] == []

    again = connect(birch.user).send("join")["data"]
    assert again["where"] == "lobby"
    waiting = meeting.facilitator.last("room_state")["facilitator"]["lobby"]
    assert [p["user_id"] for p in waiting] == [birch.user.id]
    # A facilitator enters the room at once, as always.
    assert connect(meeting.co.user).send("join")["data"]["where"] == "room"


# 9. `leave` is for anyone who joined: waiting in the lobby or admitted (policy `joined`).


def test_leave_works_from_the_lobby_and_from_the_room(
    enter: Callable[..., Sock], connect: Callable[..., Sock], course: Course
) -> None:
    mira = enter(course.facilitator)
    waiting = enter(course.participants[0])
    admitted = enter(course.participants[1])
    assert mira.send("admit", user_id=admitted.user.id)["ok"]

    assert waiting.send("leave")["ok"]
    assert admitted.send("leave")["ok"]
    state = mira.last("room_state")
    assert admitted.user.id not in user_ids(state)
    assert state["facilitator"]["lobby"] == []
    never_joined = connect(course.participants[2])
    assert never_joined.send("leave")["error"]["code"] == "not_joined"


# 10. Notices come first, then the snapshot of the same change.


def test_time_up_comes_before_the_room_state_that_marks_it(
    meeting: LiveMeeting, room: Any, clock: Clock
) -> None:
    speaker, listener = meeting.participants[0], meeting.participants[1]
    assert meeting.facilitator.send("set_turn_limit", seconds=15)["ok"]
    assert meeting.facilitator.send("give_floor", user_id=speaker.user.id)["ok"]
    listener.forget()

    clock.advance(16)
    run_timers(room, clock)

    listener.events("time_up")  # everything received so far, in order
    assert [event for event, _ in listener.seen] == ["time_up", "room_state"]
    (_, notice), (_, state) = listener.seen
    assert notice["user_id"] == speaker.user.id
    assert state["floor"]["user_id"] == speaker.user.id and state["floor"]["time_up"] is True


# 11. A test server with a raised log-in limit lets a harness log many accounts in.


@pytest.mark.live
@pytest.mark.timeout(60)
def test_a_raised_log_in_limit_lets_a_harness_log_in_more_than_ten_times_a_minute(
    live_server: LiveServer,
) -> None:
    # Every POST to /login counts (an empty password too, which is quick: nothing to hash).
    # The default limit, 10 per minute from one address, answers the eleventh with 429, and
    # then refuses a right password as well.
    harness = requests.Session()
    url = f"{live_server.url}/login"
    token = form_fields(harness.get(url, timeout=TIMEOUT).text)["csrf_token"]
    attempt = {"csrf_token": token, "login": "p1", "password": ""}
    statuses = [harness.post(url, data=attempt, timeout=TIMEOUT).status_code for _ in range(11)]
    assert statuses == [200] * 11

    answer = harness.post(
        url, data={**attempt, "password": DEMO_PASSWORD}, allow_redirects=False, timeout=TIMEOUT
    )
    assert answer.status_code == 302 and harness.cookies.get("session")
