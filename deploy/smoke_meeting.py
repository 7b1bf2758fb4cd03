"""Hold a short meeting against a running Kreds, as three people would, and say what happened.

    python deploy/smoke_meeting.py https://kreds.example.org --password '…' \
        --facilitator facilitator --participants p1 p2 [--meeting 1] [--ca-bundle cert.pem]

For checking a deployment (docs/deploy.md): log-in over HTTPS, the agreement, sockets through the
proxy (WebSocket), the lobby, a raised hand, one chat message, the end. The people must be members
of one group whose meeting is open now (``flask seed-demo`` makes such a group). Needs ``requests``
and ``python-socketio[client]`` (the dev dependencies). Nothing it sends is kept by Kreds."""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from html.parser import HTMLParser
from typing import Any

import requests
import socketio


class _Hidden(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""


def _post_form(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    page = session.get(url, timeout=10)
    page.raise_for_status()
    parser = _Hidden()
    parser.feed(page.text)
    return session.post(url, data={**parser.fields, **data}, allow_redirects=False, timeout=10)


class Person:
    def __init__(self, base: str, login: str, password: str, verify: str | bool) -> None:
        self.base, self.login = base, login
        self.http = requests.Session()
        self.http.verify = verify
        answer = _post_form(self.http, f"{base}/login", {"login": login, "password": password})
        if answer.status_code != 302:
            raise SystemExit(f"log-in as {login!r} failed ({answer.status_code})")
        self.events: list[tuple[str, Any]] = []
        self.arrived = threading.Condition()
        self.client = socketio.Client(reconnection=False, http_session=self.http)
        self.client.on("*", self._record)

    def _record(self, event: str, *args: Any) -> None:
        with self.arrived:
            self.events.append((event, args[0] if args else None))
            self.arrived.notify_all()

    def connect(self, meeting_id: int) -> None:
        """A socket for the meeting: the query names it, and nginx routes on it."""
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        url = f"{self.base}?meeting={meeting_id}"
        self.client.connect(url, headers={"Cookie": cookie}, transports=["websocket"])

    def send(self, meeting_id: int, event: str, **fields: Any) -> dict[str, Any]:
        ack = self.client.call(event, {"meeting_id": meeting_id, **fields}, timeout=10)
        if not ack.get("ok"):
            raise SystemExit(f"{self.login}: {event} refused: {ack['error']['code']}")
        return dict(ack["data"])

    def wait_for(self, name: str, seconds: float = 10) -> Any:
        deadline = time.monotonic() + seconds
        with self.arrived:
            while True:
                for event, data in self.events:
                    if event == name:
                        return data
                if time.monotonic() > deadline:
                    raise SystemExit(f"{self.login} never received {name!r}")
                self.arrived.wait(0.2)


def _open_meeting(person: Person) -> int:
    page = person.http.get(f"{person.base}/", timeout=10).text
    found = re.search(r"/meetings/(\d+)", page)
    if found is None:
        raise SystemExit(f"{person.login} has no meeting on their dashboard; use --meeting")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("--password", required=True)
    parser.add_argument("--facilitator", default="facilitator")
    parser.add_argument("--participants", nargs="+", default=["p1", "p2"])
    parser.add_argument("--meeting", type=int)
    parser.add_argument("--ca-bundle", help="a certificate to trust (a self-signed test one)")
    parser.add_argument(
        "--participants-url",
        help="where the participants reach Kreds instead (e.g. over IPv6); their sockets "
        "still reach the process that holds the meeting",
    )
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    verify: str | bool = args.ca_bundle or True
    if args.ca_bundle:  # requests prefers the environment's bundle to a session's
        os.environ["REQUESTS_CA_BUNDLE"] = args.ca_bundle

    started = time.monotonic()
    mira = Person(base, args.facilitator, args.password, verify)
    their_base = (args.participants_url or base).rstrip("/")
    others = [Person(their_base, login, args.password, verify) for login in args.participants]
    meeting_id = args.meeting or _open_meeting(mira)
    for person in others:
        _post_form(person.http, f"{person.base}/meetings/{meeting_id}", {"accept": "y"})
    everyone = [mira, *others]
    for person in everyone:
        person.connect(meeting_id)
    print(
        f"{len(everyone)} people connected over {mira.client.transport()} to meeting {meeting_id}"
    )
    print(f"{mira.login}: {mira.send(meeting_id, 'join')['where']}")
    for person in others:
        print(f"{person.login}: {person.send(meeting_id, 'join')['where']}")
    mira.send(meeting_id, "admit_all")
    for person in others:
        person.wait_for("admitted")
    print("admitted:", ", ".join(p.login for p in others))
    others[0].send(meeting_id, "raise_hand")
    mira.send(meeting_id, "next_speaker")
    message_id = others[-1].send(meeting_id, "chat", text="Smoke test: thank you.")["id"]
    for person in everyone:
        person.wait_for("chat")
    print(f"chat {message_id} reached all {len(everyone)}")
    mira.send(meeting_id, "end_meeting")
    for person in everyone:
        person.wait_for("meeting_ended")
        person.client.disconnect()
    print(f"meeting ended for everyone; {time.monotonic() - started:.1f} s in all")


if __name__ == "__main__":
    main()
    sys.exit(0)
