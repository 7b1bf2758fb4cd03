"""A whole meeting against the real server: seven python-socketio clients (the facilitator and six
participants of the demo group) go through the agreement, the lobby, a round with a pass, the
queue, chat, a removal and the end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
import websocket

from tests.live_people import Person
from tests.live_server import DEMO_PASSWORD, LiveServer, form_fields, logged_in
from tests.live_server import live_server as live_server  # the fixture

pytestmark = [pytest.mark.live, pytest.mark.timeout(90)]


@pytest.fixture
def people(live_server: LiveServer) -> Iterator[dict[str, Person]]:
    meeting_id = live_server.demo_meeting_id
    logins = ["facilitator", "p1", "p2", "p3", "p4", "p5", "p6"]
    found = {login: Person(live_server, login, meeting_id) for login in logins}
    yield found
    for person in found.values():
        person.close()


def test_a_socket_needs_a_logged_in_session_from_the_same_origin(live_server: LiveServer) -> None:
    anonymous = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        anonymous.connect(live_server.url, transports=["websocket"], wait_timeout=5)
    session = logged_in(live_server.url, "p1", DEMO_PASSWORD)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    foreign = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        foreign.connect(
            live_server.url,
            headers={"Cookie": cookie, "Origin": "https://elsewhere.example"},
            transports=["polling"],
            wait_timeout=5,
        )
    same_origin = socketio.Client(reconnection=False)
    same_origin.connect(
        live_server.url,
        headers={"Cookie": cookie, "Origin": live_server.url},
        transports=["polling"],
        wait_timeout=5,
    )
    assert same_origin.connected
    same_origin.disconnect()


def connect_error(url: str, cookie: str | None) -> tuple[Any, str]:
    """What a python-socketio client, and a bare WebSocket speaking Socket.IO, are told when the
    server refuses their connection (with this Cookie header, or none)."""
    refusals: list[Any] = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", lambda data=None: refusals.append(data))
    headers = {"Cookie": cookie} if cookie else {}
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(url, headers=headers, transports=["websocket"], wait_timeout=5)
    client.disconnect()
    ws = websocket.create_connection(
        url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket",
        header=[f"Cookie: {cookie}"] if cookie else [],
        origin=url,
        timeout=5,
    )
    try:
        assert ws.recv().startswith("0{")  # Engine.IO's handshake
        ws.send("40")  # connect to the namespace
        frame = ws.recv()
    finally:
        ws.close()
    return (refusals[0] if refusals else None), frame


def test_a_refused_socket_is_told_not_logged_in(live_server: LiveServer) -> None:
    """The documented connect error, for a client without a session and for one replaying the
    cookie of a session that was logged out (not python-socketio's "Connection refused by
    server")."""
    refused = {"message": "not_logged_in"}
    assert connect_error(live_server.url, None) == (refused, '44{"message":"not_logged_in"}')

    session = logged_in(live_server.url, "cofacilitator", DEMO_PASSWORD)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    before = socketio.Client(reconnection=False)
    before.connect(live_server.url, headers={"Cookie": cookie}, transports=["websocket"])
    assert before.connected
    before.disconnect()
    page = session.get(f"{live_server.url}/account", timeout=5)
    token = form_fields(page.text)["csrf_token"]
    session.post(f"{live_server.url}/logout", data={"csrf_token": token}, timeout=5)
    assert connect_error(live_server.url, cookie) == (refused, '44{"message":"not_logged_in"}')


def test_seven_people_hold_a_whole_meeting(
    people: dict[str, Person], live_server: LiveServer
) -> None:
    started = time.monotonic()
    mira = people["facilitator"]
    participants = [people[f"p{n}"] for n in range(1, 7)]
    birch, heron, juniper, linden, sparrow, willow = participants

    # The agreement: without it, no entry; accepted on the meeting's page (HTTP, CSRF on).
    for person in people.values():
        person.connect()
    ack = willow.send("join")
    assert ack["error"]["code"] == "ack_required" and "agreement" in ack["error"]
    for person in participants:
        person.accept_agreement()

    # The facilitator enters; participants wait in the lobby until admitted.
    assert mira.ok("join")["where"] == "room"
    for person in participants:
        assert person.ok("join")["where"] == "lobby"
    waiting = mira.wait_for("room_state", lambda s: len(s["facilitator"]["lobby"]) == 6)
    lobby = waiting["facilitator"]["lobby"]
    for person in participants:
        assert person.wait_for("lobby_state")["status"] == "waiting"
        assert person.events("room_state") == []
    mira.ok("admit", user_id=lobby[0]["user_id"])
    mira.ok("admit_all")
    for person in participants:
        person.wait_for("admitted")
    state = mira.latest_state(lambda s: len(s["people"]) == 7)
    by_name = {p["name"]: p["user_id"] for p in state["people"]}
    for person, name in zip(
        participants, ["Birch", "Heron", "Juniper", "Linden", "Sparrow", "Willow"], strict=True
    ):
        person.user_id = by_name[name]
    mira.user_id = by_name["Mira"]
    by_id = {p.user_id: p for p in people.values()}

    # A check-in round from Birch; Heron passes; everyone takes their turn.
    mira.ok("start_round", kind="check_in", first_user_id=birch.user_id)
    round_ = mira.latest_state(lambda s: s["round"] is not None)["round"]
    assert round_["current"] == birch.user_id and len(round_["order"]) == 7
    for user_id in round_["order"]:
        person = by_id[user_id]
        person.latest_state(lambda s, u=user_id: s["floor"] and s["floor"]["user_id"] == u)  # type: ignore[misc]
        person.ok("round_pass" if person is heron else "round_next")
    mira.latest_state(lambda s: s["round"] is None and s["floor"] is None)

    # The queue: two hands, next speaker, yield, next speaker.
    juniper.ok("raise_hand")
    linden.ok("raise_hand")
    assert birch.latest_state(lambda s: len(s["queue"]) == 2)["queue"] == [
        juniper.user_id,
        linden.user_id,
    ]
    assert participants[0].send("next_speaker")["error"]["code"] == "forbidden"
    mira.ok("next_speaker")
    juniper.latest_state(lambda s: s["floor"] and s["floor"]["user_id"] == juniper.user_id)
    juniper.ok("yield_floor")
    mira.ok("next_speaker")
    state = willow.latest_state(lambda s: s["floor"] and s["floor"]["user_id"] == linden.user_id)
    assert state["queue"] == []

    # Chat arrives once at each member, with the server's id.
    message_id = heron.ok("chat", text="Thank you all for listening.")["id"]
    for person in people.values():
        person.wait_for("chat", lambda m: m["id"] == message_id)
    time.sleep(0.3)
    for person in people.values():
        assert [m["id"] for m in person.events("chat")] == [message_id], person.login

    # A removal: Sparrow is out of this meeting and cannot come back.
    mira.ok("remove_from_meeting", user_id=sparrow.user_id)
    assert sparrow.wait_for("removed")["scope"] == "meeting"
    assert sparrow.send("join")["error"]["code"] == "barred"
    state = birch.latest_state(lambda s: sparrow.user_id not in [p["user_id"] for p in s["people"]])
    assert len(state["people"]) == 6

    # The end, for everyone still there.
    mira.ok("end_meeting")
    for person in people.values():
        if person is not sparrow:
            assert person.wait_for("meeting_ended")["reason"] == "ended"
    assert birch.send("join")["error"]["code"] == "not_open"
    assert time.monotonic() - started < 30

    # The server's output holds no content, no addresses and no failures.
    output = [line for line in live_server.log().splitlines() if "is serving on" not in line]
    assert not [line for line in output if "Thank you all" in line or "127.0.0.1" in line]
    assert not [line for line in output if "failed" in line or "Traceback" in line]
