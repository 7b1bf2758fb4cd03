"""Redis killed and started again, empty, in the middle of a meeting (a Redis of the test's own):
the meeting goes on — chat still arrives, a hand can still be raised, someone new can still come
in — and nothing anyone said is in Redis afterwards.

The tests run in order and share one server and one meeting (module fixtures)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.faults.helpers import METRICS_TOKEN, FaultServer, enter
from tests.faults.services import PrivateRedis
from tests.live_people import Person
from tests.live_server import LiveServer
from tests.scale.redis_helpers import dump_under

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]
CANARY = f"CANARY-{uuid.uuid4().hex}"
# How long people may see an event fail while Redis comes back, before it counts as not going on
# (a person would press again): the clients of Redis reconnect on their next command.
RECOVERY_SECONDS = 10


@pytest.fixture(scope="module")
def server(private_redis: PrivateRedis) -> Iterator[LiveServer]:
    env = {
        "REDIS_URL": private_redis.url,
        "KREDS_METRICS_TOKEN": METRICS_TOKEN,
    }
    with FaultServer(env) as found:
        yield found


@pytest.fixture(scope="module")
def people(server: LiveServer) -> Iterator[dict[str, Person]]:
    meeting_id = server.demo_meeting_id
    found = {login: Person(server, login, meeting_id) for login in ("facilitator", "p1", "p2")}
    enter(found["facilitator"], [found["p1"], found["p2"]])
    yield found
    for person in found.values():
        with contextlib.suppress(Exception):
            person.close()


def soon(person: Person, event: str, **fields: Any) -> dict[str, Any]:
    """The event's data, sent again while it fails for at most RECOVERY_SECONDS."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        ack = person.send(event, **fields)
        if ack["ok"] or time.monotonic() > deadline:
            assert ack["ok"], (person.login, event, ack)
            return dict(ack["data"])
        time.sleep(0.5)


def chat_reaches_everyone(people: dict[str, Person], sender: str, text: str) -> None:
    message_id = soon(people[sender], "chat", text=text)["id"]
    for person in people.values():
        person.wait_for("chat", lambda m: m["id"] == message_id)


def test_the_meeting_goes_on_when_redis_is_killed_and_comes_back_empty(
    people: dict[str, Person], private_redis: PrivateRedis
) -> None:
    chat_reaches_everyone(people, "p1", f"{CANARY} before")
    before = people["facilitator"].latest_state(lambda s: len(s["people"]) == 3)
    private_redis.client().set("kreds-faults-marker", "set before the restart")
    private_redis.restart(kill=True)
    assert not private_redis.client().exists("kreds-faults-marker")  # nothing survived

    chat_reaches_everyone(people, "p2", f"{CANARY} after")
    soon(people["p1"], "raise_hand")
    for person in people.values():
        state = person.latest_state(lambda s: s["queue"] == [people["p1"].user_id])
        # The same meeting: the same three people, still in the room.
        assert sorted(p["user_id"] for p in state["people"]) == sorted(
            p["user_id"] for p in before["people"]
        )


def test_someone_new_can_still_come_in_after_the_restart(
    server: LiveServer, people: dict[str, Person]
) -> None:
    juniper = Person(server, "p3", server.demo_meeting_id)
    try:
        juniper.connect()
        juniper.accept_agreement()
        assert soon(juniper, "join")["where"] == "lobby"
        mira = people["facilitator"]
        mira.wait_for("room_state", lambda s: len(s["facilitator"]["lobby"]) == 1)
        soon(mira, "admit_all")
        juniper.wait_for("admitted")
        state = juniper.latest_state(lambda s: len(s["people"]) == 4)
        assert state["queue"] == [people["p1"].user_id]  # the hand raised after the restart
        people["p2"].ok("chat", text=f"{CANARY} to the newcomer")
        juniper.wait_for("chat", lambda m: m["text"].endswith("to the newcomer"))
    finally:
        juniper.close()


def test_nothing_said_is_in_redis_afterwards(
    server: LiveServer, people: dict[str, Person], private_redis: PrivateRedis
) -> None:
    client = private_redis.client()
    assert CANARY.encode() not in dump_under(client, None)  # every key and value
    assert requests.get(f"{server.url}/healthz", timeout=10).json()["redis"] == "ok"
    log = server.log()
    assert CANARY not in log
    assert "Traceback" not in log, log[-3000:]
