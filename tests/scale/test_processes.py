"""One meeting served by three Kreds processes that share Redis and a database, its members spread
across them: the queue survives a storm of hands, floor and round changes agree everywhere, chat
arrives exactly once, a killed process's people reconnect elsewhere and keep their places, a timer
fires once, and nothing said is left in Redis.

The tests run in order and share one meeting (module fixtures)."""

from __future__ import annotations

import contextlib
import random
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
from tests.live_server import LiveServer, form_fields
from tests.scale.deployment import SCRAPER, Deployment, shared_database
from tests.scale.redis_helpers import REDIS_URL, dump_under, keys_under, require_redis

pytestmark = [pytest.mark.live, pytest.mark.redis, pytest.mark.timeout(120)]
GRACE_SECONDS = 4
PROCESS_TTL_SECONDS = 3
CANARY = f"CANARY-{uuid.uuid4().hex}"
State = dict[str, Any]


class Member(Person):
    """A person whose browser can reconnect to another process."""

    def move_to(self, server: LiveServer) -> None:
        old = self.client
        with contextlib.suppress(Exception):
            old.eio.disconnect(abort=True)
        self.server = server
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", self._record)
        self.connect()


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    require_redis()
    with shared_database() as database:
        found = Deployment(
            database,
            3,
            KREDS_ROOM_RECONNECT_GRACE_SECONDS=str(GRACE_SECONDS),
            KREDS_ROOM_PROCESS_TTL_SECONDS=str(PROCESS_TTL_SECONDS),
            KREDS_ROOM_TIMER_POLL_SECONDS="0.2",
        ).start()
        try:
            yield found
        finally:
            found.close()


# Who is served by which process: A, B, C.
SPREAD = {
    "facilitator": 0,
    "p3": 0,
    "p1": 1,
    "p4": 1,
    "p2": 2,
    "p5": 2,
    "p6": 2,
}


@pytest.fixture(scope="module")
def people(deployment: Deployment) -> Iterator[dict[str, Member]]:
    meeting_id = deployment.meeting_id
    found = {login: Member(deployment.servers[n], login, meeting_id) for login, n in SPREAD.items()}
    yield found
    for person in found.values():
        with contextlib.suppress(Exception):
            person.close()


def latest(person: Person) -> State:
    states = person.events("room_state")
    return max(states, key=lambda s: s["version"]) if states else {"version": -1}


def agreed(people: dict[str, Member], test: Callable[[State], bool] = lambda s: True) -> State:
    """Wait until every member's newest snapshot is the same version and passes ``test``."""
    deadline = time.monotonic() + 10
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


def test_members_on_three_processes_enter_one_room(
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
        by_name = {"Mira": "facilitator", "Birch": "p1", "Heron": "p2"}
        by_name |= {"Juniper": "p3", "Linden": "p4", "Sparrow": "p5", "Willow": "p6"}
        people[by_name[entry["name"]]].user_id = entry["user_id"]


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
    order = [people[login] for login in ("p5", "p1", "p3", "p2")]
    for person in order:
        person.ok("raise_hand")
    state = agreed(people, lambda s: len(s["queue"]) == 4)
    assert state["queue"] == [p.user_id for p in order]


def test_floor_and_round_changes_agree_everywhere(people: dict[str, Member]) -> None:
    mira = people["facilitator"]
    mira.ok("next_speaker")  # Sparrow's hand is answered: she leaves the queue
    sparrow = people["p5"]
    state = agreed(people, lambda s: s["floor"] is not None)
    assert state["floor"]["user_id"] == sparrow.user_id
    sparrow.ok("yield_floor")
    agreed(people, lambda s: s["floor"] is None)

    mira.ok("start_round", kind="check_in", first_user_id=people["p4"].user_id)
    state = agreed(people, lambda s: s["round"] is not None)
    by_id = {p.user_id: p for p in people.values()}
    order = state["round"]["order"]
    assert len(order) == 7 and order[0] == people["p4"].user_id
    for position, user_id in enumerate(order):
        state = agreed(people, lambda s, u=user_id: s["round"] and s["round"]["current"] == u)  # type: ignore[misc]
        assert state["floor"]["user_id"] == user_id
        # Each turn is handed on from the speaker's own process.
        by_id[user_id].ok("round_pass" if position % 3 == 1 else "round_next")
    state = agreed(people, lambda s: s["round"] is None)
    assert state["floor"] is None
    assert state["queue"] == [people[login].user_id for login in ("p1", "p3", "p2")]


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


def _timers_fired(deployment: Deployment, kind: str) -> float:
    key = f'kreds_room_timers_total{{kind="{kind}"}}'
    return sum(deployment.metrics(s).get(key, 0.0) for s in deployment.servers[:2])


def test_a_killed_process_s_people_reconnect_elsewhere_and_keep_their_places(
    people: dict[str, Member], deployment: Deployment
) -> None:
    mira, heron, sparrow, willow = people["facilitator"], people["p2"], people["p5"], people["p6"]
    mira.ok("give_floor", user_id=heron.user_id)
    sparrow.ok("raise_hand")
    willow.ok("raise_hand")
    before = agreed(people, lambda s: len(s["queue"]) == 4)
    queue = before["queue"]
    assert before["floor"]["user_id"] == heron.user_id
    assert queue == [people[p].user_id for p in ("p1", "p3", "p5", "p6")]
    graces = _timers_fired(deployment, "reconnect_grace")

    deployment.servers[2].kill()  # Heron, Sparrow and Willow were served by it
    heron.move_to(deployment.servers[0])
    sparrow.move_to(deployment.servers[1])
    assert heron.ok("join")["where"] == "room"
    assert sparrow.ok("join")["where"] == "room"
    others = {login: p for login, p in people.items() if p is not willow}
    state = agreed(others, lambda s: s["version"] > before["version"])
    assert state["floor"]["user_id"] == heron.user_id  # still speaking
    assert state["queue"] == queue  # Sparrow third, Willow last: places kept

    # Willow does not come back: once the process counts as gone, her place is kept for the
    # grace, then released; that timer fires once, on one of the two processes left.
    state = agreed(others, lambda s: willow.user_id not in s["queue"])
    assert willow.user_id not in [p["user_id"] for p in state["people"]]
    assert state["queue"] == queue[:3] and state["floor"]["user_id"] == heron.user_id
    time.sleep(1)  # every process has polled the timers several times since
    assert _timers_fired(deployment, "reconnect_grace") == graces + 1


def test_logging_out_on_one_process_closes_the_sockets_on_another(
    deployment: Deployment,
) -> None:
    first, second = deployment.servers[:2]
    jonas = Member(second, "cofacilitator", deployment.meeting_id)
    try:
        jonas.connect()
        assert jonas.ok("join")["where"] == "room"
        page = jonas.http.get(f"{first.url}/account", timeout=5)
        token = form_fields(page.text)["csrf_token"]
        jonas.http.post(f"{first.url}/logout", data={"csrf_token": token}, timeout=5)
        deadline = time.monotonic() + 5
        while jonas.client.connected and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not jonas.client.connected, "the socket on the other process stayed open"
    finally:
        jonas.close()


def test_after_the_meeting_no_chat_canary_is_in_redis(
    people: dict[str, Member], deployment: Deployment
) -> None:
    mira = people["facilitator"]
    mira.ok("end_meeting")
    for login, person in people.items():
        if login != "p6":
            assert person.wait_for("meeting_ended")["reason"] == "ended"
    client = redis.Redis.from_url(REDIS_URL)
    assert CANARY.encode() not in dump_under(client, deployment.prefix)
    assert CANARY.encode() not in dump_under(client, None)  # nor anywhere else in Redis
    assert not [k for k in keys_under(client, deployment.prefix) if b":room:" in k]
    for server in deployment.servers[:2]:
        log = server.log()
        assert CANARY not in log
        assert "Traceback" not in log, log[-3000:]


def test_health_and_metrics_tell_no_personal_data(deployment: Deployment) -> None:
    for server in deployment.servers[:2]:
        health = requests.get(f"{server.url}/healthz", timeout=5)
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        assert requests.get(f"{server.url}/metrics", timeout=5).status_code == 404
        text = requests.get(f"{server.url}/metrics", headers=SCRAPER, timeout=5).text
        for private in ("Birch", "Mira", "Willow", "127.0.0.1", CANARY, "user_id", "meeting:"):
            assert private not in text
        samples = deployment.metrics(server)
        assert samples["kreds_processes_live"] == 2
        assert samples['kreds_room_events_total{event="raise_hand"}'] > 0
