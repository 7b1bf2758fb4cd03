"""What the fault tests share: a live server prepared quickly (with a second meeting if asked), its
metrics, people entering a meeting, and a member whose WebSocket stops reading."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests
import websocket

from tests.live_people import Person
from tests.live_server import ROOT, LiveServer
from tests.scale.deployment import METRICS_TOKEN, SCRAPER

__all__ = ["METRICS_TOKEN", "TRY_AGAIN", "FaultServer", "StuckMember", "enter", "scrape"]
# What a page says while the database does not answer (server/web.py), in two languages.
TRY_AGAIN = {
    "en": "Kreds cannot answer just now. Please try again in a moment.",
    "da": "Kreds kan ikke svare lige nu. Prøv igen om lidt.",
}


def scrape(server: LiveServer) -> dict[str, float]:
    """The process's Prometheus samples (``name{labels}`` -> value)."""
    text = requests.get(f"{server.url}/metrics", headers=SCRAPER, timeout=10).text
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def enter(facilitator: Person, others: Iterable[Person]) -> None:
    """Everyone connects and joins; the facilitator lets in whoever waits in the lobby."""
    others = list(others)
    facilitator.connect()
    joined = facilitator.ok("join")
    assert joined["where"] == "room"
    facilitator.user_id = joined["user_id"]
    waiting = []
    for person in others:
        person.connect()
        person.accept_agreement()
        joined = person.ok("join")
        person.user_id = joined["user_id"]
        if joined["where"] == "lobby":
            waiting.append(person)
    if waiting:
        facilitator.wait_for("room_state", lambda s: len(s["facilitator"]["lobby"]) == len(waiting))
        facilitator.ok("admit_all")
        for person in waiting:
            person.wait_for("admitted")
    for person in [facilitator, *others]:
        person.latest_state(lambda s: len(s["people"]) == len(others) + 1)


PREPARE = """
from datetime import timedelta

from flask_migrate import upgrade

from server import create_app
from server.cli import seed_demo
from server.extensions import db
from server.models import Group, Meeting, Membership, MembershipRole, User, utcnow

app = create_app()
with app.app_context():
    upgrade()
    group, meeting = seed_demo()
    print(f"Demo meeting {meeting.id} opens its lobby now.")
    roles = SECOND_MEETING
    if roles:
        group = Group(name="Thursday group", capacity=6, auto_admit=True)
        db.session.add(group)
        db.session.flush()
        for login, part in roles.items():
            user = db.session.scalar(db.select(User).where(User.login == login))
            role = MembershipRole(part)
            db.session.add(Membership(group_id=group.id, user_id=user.id, role=role))
        start = utcnow().replace(second=0, microsecond=0) + timedelta(minutes=5)
        meeting = Meeting(group_id=group.id, starts_at=start)
        db.session.add(meeting)
        db.session.commit()
        print(f"Second meeting {meeting.id}.")
"""


class FaultServer(LiveServer):
    """A :class:`LiveServer` prepared in one process rather than two (migrations, the demo and,
    when asked, a second group whose meeting is open now, everyone let in at once): on a busy
    machine each Python process takes seconds to start."""

    def __init__(self, env: dict[str, str], second_meeting: dict[str, str] | None = None) -> None:
        """``second_meeting``: login -> membership role in the second group."""
        super().__init__(env)
        self.second_meeting = second_meeting or {}
        self.second_meeting_id = 0

    def launch(self) -> None:
        script = PREPARE.replace("SECOND_MEETING", repr(self.second_meeting))
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"preparing failed:\n{done.stdout}\n{done.stderr}")
        self.seed_output = done.stdout
        found = re.search(r"Second meeting (\d+)", done.stdout)
        self.second_meeting_id = int(found.group(1)) if found else 0
        self.prepare = False
        super().launch()


def tcp_state(local_port: int, remote_port: int) -> str | None:
    """The kernel's state of the IPv4 TCP connection between two local ports (``/proc/net/tcp``:
    "01" is ESTABLISHED), or None when there is none."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, state = fields[1], fields[2], fields[3]
        if int(local.rsplit(":", 1)[1], 16) == local_port and (
            int(remote.rsplit(":", 1)[1], 16) == remote_port
        ):
            return state
    return None


class StuckMember:
    """A member's browser that joins a meeting over a plain WebSocket (Engine.IO 4, Socket.IO 5
    frames) and then stops reading: its receive buffer is made small and never emptied again, and
    it answers no ping."""

    def __init__(self, person: Person) -> None:
        self.person = person
        cookie = "; ".join(f"{c.name}={c.value}" for c in person.http.cookies)
        address = person.server.url.replace("http://", "ws://")
        self.ws = websocket.create_connection(
            f"{address}/socket.io/?EIO=4&transport=websocket",
            header=[f"Cookie: {cookie}"],
            timeout=10,
            # Before connecting, so that the TCP window stays small: a few kilobytes, and the
            # server's sends stop as soon as they are unread.
            sockopt=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)],
        )
        self._expect("0")  # Engine.IO's open
        self.ws.send("40")  # Socket.IO's connect, default namespace
        self._expect("40")
        self._acks = 0

    def _read(self) -> str:
        while True:
            frame = self.ws.recv()
            text = frame if isinstance(frame, str) else frame.decode()
            if text == "2":  # ping, answered while it still reads
                self.ws.send("3")
                continue
            return text

    def _expect(self, prefix: str) -> str:
        text = self._read()
        assert text.startswith(prefix), text[:200]
        return text

    def call(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send an event and read until its acknowledgement."""
        self._acks += 1
        number = self._acks
        self.ws.send(f"42{number}" + json.dumps([event, data]))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = self._read()
            if text.startswith(f"43{number}["):
                answer = json.loads(text[len(f"43{number}") :])[0]
                assert isinstance(answer, dict)
                return answer
        raise AssertionError(f"no acknowledgement of {event}")

    def wait_for(self, event: str) -> Any:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            text = self._read()
            if text.startswith("42"):
                name, *args = json.loads(text[2:])
                if name == event:
                    return args[0] if args else None
        raise AssertionError(f"no {event}")

    def server_let_go(self, seconds: float = 10) -> bool:
        """Whether the server's end of this TCP connection leaves ESTABLISHED within ``seconds``
        (as ``ss`` would show it), without this end reading anything: reading would let a
        blocked server go on by itself."""
        here = self.ws.sock.getsockname()[1]
        server_port = int(self.person.server.port)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if tcp_state(server_port, here) != "01":
                return True
            time.sleep(0.1)
        return False

    def close(self) -> None:
        self.ws.shutdown()
