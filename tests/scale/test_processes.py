"""One meeting in a deployment of three Kreds processes that share Redis and a database. Its
members all reach the process that holds it (as nginx routes them: on the meeting), where the
queue survives a storm of hands and chat arrives exactly once; a socket that reaches another
process brings the meeting over with everyone in it; when the holding process is killed, its
people reconnect to another, which takes the meeting over with their places and timers; a process
that finds its meeting held by another lets it go; log-out, a quick exit and a cancelled meeting
reach the meeting's process from another; nothing said is left in Redis.

The tests run in order and share one meeting (module fixtures)."""

from __future__ import annotations

import contextlib
import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
import requests
import socketio

from tests.live_people import Person
from tests.live_server import LiveServer, form_fields, logged_in
from tests.scale.deployment import SCRAPER, Deployment, shared_database
from tests.scale.redis_helpers import REDIS_URL, dump_under, keys_under, require_redis

pytestmark = [pytest.mark.live, pytest.mark.redis, pytest.mark.timeout(180)]
GRACE_SECONDS = 4
PROCESS_TTL_SECONDS = 3
CANARY = f"CANARY-{uuid.uuid4().hex}"
State = dict[str, Any]


class Member(Person):
    """A person whose socket is for the meeting (the connection's query names it, as the
    browser's does) and who can reconnect to another process, as nginx would send them."""

    def connect(self) -> None:
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        url = f"{self.server.url}?meeting={self.meeting_id}"
        self.client.connect(url, headers={"Cookie": cookie}, transports=["websocket"])

    def move_to(self, server: LiveServer) -> None:
        old = self.client
        with contextlib.suppress(Exception):
            old.eio.disconnect(abort=True)
        self.server = server
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.connect()

    def rejoin(self) -> State:
        """``join`` again, as the browser does after ``moving``: a moment later."""
        deadline = time.monotonic() + 4 * PROCESS_TTL_SECONDS + 10
        while True:
            ack = self.send("join")
            if ack["ok"]:
                return dict(ack["data"])
            assert ack["error"]["code"] == "moving", (self.login, ack)
            assert time.monotonic() < deadline, f"{self.login} never got back in"
            time.sleep(0.3)

    def wait_until_closed(self) -> None:
        deadline = time.monotonic() + 10
        while self.client.connected:
            assert time.monotonic() < deadline, f"{self.login}'s socket stayed open"
            time.sleep(0.05)


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    require_redis()
    with shared_database() as database:
        found = Deployment(
            database,
            3,
            KREDS_ROOM_RECONNECT_GRACE_SECONDS=str(GRACE_SECONDS),
            KREDS_ROOM_PROCESS_TTL_SECONDS=str(PROCESS_TTL_SECONDS),
        ).start()
        try:
            yield found
        finally:
            found.close()


NAMES = {
    "Mira": "facilitator",
    "Jonas": "cofacilitator",
    "Birch": "p1",
    "Heron": "p2",
    "Juniper": "p3",
    "Linden": "p4",
    "Sparrow": "p5",
    "Willow": "p6",
}


@pytest.fixture(scope="module")
def people(deployment: Deployment) -> Iterator[dict[str, Member]]:
    """Everyone but Jonas, at the first process: the one that holds the meeting."""
    meeting_id, first = deployment.meeting_id, deployment.servers[0]
    found = {login: Member(first, login, meeting_id) for login in NAMES.values() if login[0] != "c"}
    yield found
    for person in found.values():
        with contextlib.suppress(Exception):
            person.close()


@pytest.fixture(scope="module")
def jonas(deployment: Deployment) -> Iterator[Member]:
    """The co-facilitator, who reaches the second process."""
    found = Member(deployment.servers[1], "cofacilitator", deployment.meeting_id)
    yield found
    with contextlib.suppress(Exception):
        found.close()


def latest(person: Person) -> State:
    states = person.events("room_state")
    return max(states, key=lambda s: s["version"]) if states else {"version": -1}


def agreed(people: dict[str, Member], test: Callable[[State], bool] = lambda s: True) -> State:
    """Wait until every member's newest snapshot is the same version and passes ``test``."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        states = [latest(p) for p in people.values()]
        if len({s["version"] for s in states}) == 1 and test(states[0]):
            assert all(s == states[0] or _same(s, states[0]) for s in states)
            return states[0]
        time.sleep(0.05)
    raise AssertionError(
        "the members never agreed: "
        + ", ".join(f"{login} v{latest(p)['version']}" for login, p in people.items())
    )


def _same(a: State, b: State) -> bool:
    # The same version seen by everyone: the same room (server_time and the part that only a
    # facilitator's room_state carries aside).
    def public(state: State) -> State:
        return {k: v for k, v in state.items() if k not in ("server_time", "facilitator")}

    return public(a) == public(b)


def ids(people: dict[str, Member], *logins: str) -> list[int]:
    return [people[login].user_id for login in logins]


def _metric(deployment: Deployment, server: LiveServer, name: str) -> float:
    return deployment.metrics(server).get(name, 0.0)


def test_the_members_of_a_meeting_reach_its_process_and_enter_one_room(
    people: dict[str, Member], deployment: Deployment
) -> None:
    mira = people["facilitator"]
    for person in people.values():
        person.connect()
        if person is not mira:
            person.accept_agreement()
    assert mira.ok("join")["where"] == "room"
    for login, person in people.items():
        if person is not mira:
            assert person.ok("join")["where"] == "lobby", login
    mira.wait_for("room_state", lambda s: len(s["facilitator"]["lobby"]) == 6)
    mira.ok("admit_all")
    for person in people.values():
        if person is not mira:
            person.wait_for("admitted")
    state = agreed(people, lambda s: len(s["people"]) == 7)
    for entry in state["people"]:
        people[NAMES[entry["name"]]].user_id = entry["user_id"]
    held = [_metric(deployment, s, "kreds_rooms_live") for s in deployment.servers]
    assert held == [1, 0, 0]


def test_a_storm_of_hands_ends_in_one_queue_order_everywhere(people: dict[str, Member]) -> None:
    participants = [p for login, p in people.items() if login != "facilitator"]
    finals: dict[int, bool] = {}
    failures: list[Any] = []
    start = threading.Barrier(len(participants))

    def storm(person: Member, seed: int) -> None:
        chance = random.Random(seed)
        start.wait()
        raised = False
        for _ in range(16):
            raised = chance.random() < 0.55
            ack = person.send("raise_hand" if raised else "lower_hand")
            if not ack["ok"]:
                failures.append((person.login, ack))
        finals[person.user_id] = raised

    threads = [threading.Thread(target=storm, args=(p, n)) for n, p in enumerate(participants)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    expected = {user_id for user_id, raised in finals.items() if raised}
    state = agreed(people, lambda s: set(s["queue"]) == expected)
    assert len(state["queue"]) == len(expected)  # no duplicates, no lost hands

    # A calm, known order on top, seen the same everywhere.
    people["facilitator"].ok("clear_queue")
    for login in ("p5", "p1", "p3", "p2"):
        people[login].ok("raise_hand")
    state = agreed(people, lambda s: len(s["queue"]) == 4)
    assert state["queue"] == ids(people, "p5", "p1", "p3", "p2")


def test_each_chat_message_arrives_once_at_each_member(people: dict[str, Member]) -> None:
    sent = [
        person.ok("chat", text=f"{CANARY} from {login}")["id"] for login, person in people.items()
    ]
    assert len(set(sent)) == len(sent)
    for person in people.values():
        for message_id in sent:
            person.wait_for("chat", lambda m, i=message_id: m["id"] == i)  # type: ignore[misc]
    time.sleep(0.5)  # anything duplicated would be here by now
    for login, person in people.items():
        counts = Counter(m["id"] for m in person.events("chat"))
        assert counts == dict.fromkeys(sent, 1), login


def test_a_socket_that_reaches_another_process_brings_the_meeting_over_with_everyone(
    people: dict[str, Member], jonas: Member, deployment: Deployment
) -> None:
    first, second = deployment.servers[:2]
    mira, heron = people["facilitator"], people["p2"]
    mira.ok("give_floor", user_id=heron.user_id)
    before = agreed(people, lambda s: s["floor"] is not None)
    queue = ids(people, "p5", "p1", "p3")  # Heron's hand was answered

    jonas.connect()  # as after nginx sent the meeting to the second process
    assert jonas.ok("join")["where"] == "room"
    for person in people.values():  # the first process let go and closed their sockets
        person.wait_until_closed()
    for person in people.values():  # their browsers reconnect, through nginx, to the second
        person.move_to(second)
        assert person.rejoin()["where"] == "room", person.login
    everyone = {**people, "cofacilitator": jonas}
    state = agreed(everyone, lambda s: len(s["people"]) == 8 and s["version"] > before["version"])
    jonas.user_id = next(p["user_id"] for p in state["people"] if p["name"] == "Jonas")
    assert state["queue"] == queue and state["floor"]["user_id"] == heron.user_id
    assert all(p["connected"] for p in state["people"])  # nobody lost
    assert _metric(deployment, first, "kreds_room_handovers_total") == 1
    assert _metric(deployment, second, "kreds_room_takeovers_total") == 1
    held = [_metric(deployment, s, "kreds_rooms_live") for s in deployment.servers]
    assert held == [0, 1, 0]


def test_when_the_meeting_s_process_is_killed_another_takes_it_over_with_everyone_s_place(
    people: dict[str, Member], jonas: Member, deployment: Deployment
) -> None:
    mira, willow = people["facilitator"], people["p6"]
    everyone = {**people, "cofacilitator": jonas}
    mira.ok("start_round", kind="check_in", first_user_id=people["p4"].user_id)
    people["p4"].ok("round_next")
    willow.ok("raise_hand")
    before = agreed(everyone, lambda s: s["round"] is not None and willow.user_id in s["queue"])
    turn = before["round"]["current"]
    assert before["floor"]["user_id"] == turn and turn != willow.user_id
    queue = ids(people, "p5", "p1", "p3", "p6")

    deployment.servers[1].kill()  # it held the meeting, and every socket of it
    third = deployment.servers[2]
    back = {login: p for login, p in everyone.items() if p is not willow}
    for person in back.values():  # nginx sends the meeting to another process now
        person.move_to(third)
        assert person.rejoin()["where"] == "room", person.login
    state = agreed(back, lambda s: s["version"] > before["version"])
    assert state["round"]["current"] == turn and state["round"]["order"] == before["round"]["order"]
    assert state["floor"]["user_id"] == turn
    assert state["queue"] == queue  # Willow, who is not back, keeps her place for now
    assert _metric(deployment, third, "kreds_room_takeovers_total") == 1

    # Willow does not come back: her place is kept for the grace, then freed by its timer, on
    # the process that took the meeting over.
    state = agreed(back, lambda s: willow.user_id not in [p["user_id"] for p in s["people"]])
    assert state["queue"] == queue[:3] and state["round"]["current"] == turn
    assert willow.user_id not in state["round"]["order"]


def test_a_process_that_finds_its_meeting_held_by_another_lets_it_go(
    people: dict[str, Member], jonas: Member, deployment: Deployment
) -> None:
    """As after Redis restarted and another process took the meeting meanwhile: at its next
    heartbeat the process forgets the meeting and closes its sockets; they come back to the
    meeting wherever it is (here that other process stopped too, and the meeting is taken over
    again from its snapshot)."""
    third = deployment.servers[2]
    everyone = {**people, "cofacilitator": jonas}
    del everyone["p6"]  # Willow is gone
    before = agreed(everyone)
    client = redis.Redis.from_url(REDIS_URL)
    owner = f"{deployment.prefix}:owner:{deployment.meeting_id}"
    client.set(owner, "another-process", ex=PROCESS_TTL_SECONDS)
    for person in everyone.values():
        person.wait_until_closed()
    for person in everyone.values():
        person.move_to(third)
        assert person.rejoin()["where"] == "room", person.login
    state = agreed(everyone, lambda s: s["version"] > before["version"])
    assert state["queue"] == before["queue"] and state["round"] == before["round"]
    assert state["floor"]["user_id"] == before["floor"]["user_id"]
    assert _metric(deployment, third, "kreds_room_takeovers_total") == 2


def test_logging_out_on_another_process_closes_the_socket_on_the_meeting_s_process(
    jonas: Member, deployment: Deployment
) -> None:
    first = deployment.servers[0]
    page = jonas.http.get(f"{first.url}/account", timeout=5)
    token = form_fields(page.text)["csrf_token"]
    jonas.http.post(f"{first.url}/logout", data={"csrf_token": token}, timeout=5)
    jonas.wait_until_closed()


def test_a_quick_exit_on_another_process_tells_the_facilitators_on_the_meeting_s_process(
    people: dict[str, Member], deployment: Deployment
) -> None:
    mira, birch = people["facilitator"], people["p1"]
    first = deployment.servers[0]
    page = birch.http.get(f"{first.url}/", timeout=5).text
    token = re.search(r'data-quick-exit-token="([^"]+)"', page)
    assert token is not None
    beacon = birch.http.post(f"{first.url}/leave-quickly", data={"token": token.group(1)})
    assert beacon.status_code == 204
    signal = mira.wait_for("private_signal", lambda s: s["kind"] == "left_quickly")
    assert signal["from"]["user_id"] == birch.user_id
    birch.wait_until_closed()
    state = mira.latest_state(lambda s: birch.user_id not in [p["user_id"] for p in s["people"]])
    assert birch.user_id not in state["queue"]


def test_cancelling_the_meeting_on_a_process_that_does_not_hold_it_ends_it_for_everyone(
    people: dict[str, Member], deployment: Deployment
) -> None:
    first = deployment.servers[0]
    first.flask("create-admin", "--login", "root", "--display-name", "Root", "--password", "x" * 16)
    admin = logged_in(first.url, "root", "x" * 16)
    token = form_fields(admin.get(f"{first.url}/account", timeout=5).text)["csrf_token"]
    answer = admin.post(
        f"{first.url}/admin/meetings/{deployment.meeting_id}/cancel",
        data={"csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302
    for login, person in people.items():
        if login not in ("p1", "p6"):  # they left
            assert person.wait_for("meeting_ended")["reason"] == "closed", login


def test_after_the_meeting_nothing_of_it_is_in_redis(
    people: dict[str, Member], deployment: Deployment
) -> None:
    client = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + 5
    while [k for k in keys_under(client, deployment.prefix) if b":room:" in k or b":owner:" in k]:
        assert time.monotonic() < deadline, keys_under(client, deployment.prefix)
        time.sleep(0.05)
    assert CANARY.encode() not in dump_under(client, deployment.prefix)
    assert CANARY.encode() not in dump_under(client, None)  # nor anywhere else in Redis
    for server in (deployment.servers[0], deployment.servers[2]):
        log = server.log()
        assert CANARY not in log
        assert "Traceback" not in log, log[-3000:]


def test_health_and_metrics_tell_no_personal_data(deployment: Deployment) -> None:
    for server in (deployment.servers[0], deployment.servers[2]):
        health = requests.get(f"{server.url}/healthz", timeout=5)
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        assert requests.get(f"{server.url}/metrics", timeout=5).status_code == 404
        text = requests.get(f"{server.url}/metrics", headers=SCRAPER, timeout=5).text
        for private in ("Birch", "Mira", "Willow", "127.0.0.1", CANARY, "user_id", "meeting:"):
            assert private not in text
        samples = deployment.metrics(server)
        assert samples["kreds_processes_live"] == 2
    assert deployment.metrics(deployment.servers[0])['kreds_room_events_total{event="chat"}'] > 0
