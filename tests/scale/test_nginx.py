"""deploy/nginx.conf, run: nginx terminates TLS in front of two Kreds processes (gunicorn, one
eventlet worker each, as the Procfile says) that share Redis and a database. Pages, log-in and a
short meeting over WebSocket go through it; every socket of a meeting reaches one process, and
meetings spread over both; Flask sees the browser's scheme and host; metrics stay inside. Skipped
when nginx, openssl or Redis is missing."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from tests.live_people import Person
from tests.live_server import form_fields, free_port
from tests.scale.deployment import SCRAPER, Deployment, shared_database
from tests.scale.redis_helpers import require_redis

pytestmark = [pytest.mark.live, pytest.mark.redis, pytest.mark.timeout(120)]
ROOT = Path(__file__).resolve().parents[2]
# The Procfile's web command (with a shorter grace for stopping: the test ends its sockets itself).
GUNICORN = [
    sys.executable,
    "-m",
    "gunicorn",
    "--worker-class",
    "eventlet",
    "--workers",
    "1",
    "--graceful-timeout",
    "2",
    "--bind",
    "127.0.0.1:{port}",
    "server.wsgi:app",
]


@dataclass
class Site:
    """What a browser sees: nginx's address (``url``, like a LiveServer's) and its certificate."""

    url: str
    http_url: str
    certificate: Path
    deployment: Deployment
    folder: Path

    def nginx_errors(self) -> str:
        """What nginx wrote to its error log ("" when it wrote nothing)."""
        errors = self.folder / "error.log"
        return errors.read_text() if errors.exists() else ""


def site_config(folder: Path, upstreams: list[int], http_port: int, https_port: int) -> str:
    """deploy/nginx.conf with this machine's ports, certificate and log paths."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "server 127.0.0.1:5001;": f"server 127.0.0.1:{upstreams[0]};",
        "server 127.0.0.1:5002;": f"server 127.0.0.1:{upstreams[1]};",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "/etc/letsencrypt/live/kreds.example.org/fullchain.pem": str(folder / "cert.pem"),
        "/etc/letsencrypt/live/kreds.example.org/privkey.pem": str(folder / "key.pem"),
        "/var/log/nginx/kreds-error.log": str(folder / "error.log"),
        "kreds.example.org": "localhost",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


def main_config(folder: Path) -> str:
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} error;
events {{ worker_connections 256; }}
http {{
{temp}
    include {folder / "kreds.conf"};
}}
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("nginx or openssl is not installed (apt-get install nginx)")
    require_redis()
    folder = tmp_path_factory.mktemp("nginx")
    folder.chmod(0o755)
    certificate = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    files = ["-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")]
    self_signed = [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    subprocess.run([*self_signed, *certificate, *files], check=True, capture_output=True)
    with shared_database() as database:
        deployment = Deployment(
            database,
            2,
            GUNICORN,
            KREDS_CONFIG="production",
            KREDS_PROXY_HOPS="1",
            # The demo's facilitator logs in with a password here: this test is about the proxy
            # (two-step log-in, required in production, has tests of its own).
            KREDS_TWO_FACTOR_REQUIRED="",
        ).start()
        http_port, https_port = free_port(), free_port()
        upstreams = [server.port for server in deployment.servers]
        (folder / "kreds.conf").write_text(site_config(folder, upstreams, http_port, https_port))
        (folder / "nginx.conf").write_text(main_config(folder))
        process = subprocess.Popen(
            [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        url = f"https://localhost:{https_port}"
        try:
            _wait_for(url, folder / "cert.pem", process)
            http_url = f"http://127.0.0.1:{http_port}"
            yield Site(url, http_url, folder / "cert.pem", deployment, folder)
        finally:
            process.terminate()
            process.wait(timeout=10)
            deployment.close()


def _wait_for(url: str, certificate: Path, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {process.stderr.read() if process.stderr else ''}")
        try:
            requests.get(f"{url}/healthz", verify=certificate, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError("nginx did not answer")


class Browser(Person):
    """A person reaching Kreds through nginx over TLS; their socket is for their meeting (the
    connection's query names it), as the browser's is."""

    def __init__(self, site: Site, login: str, meeting_id: int) -> None:
        super().__init__(site, login, meeting_id)  # type: ignore[arg-type]
        self.site = site
        self.http.verify = str(site.certificate)
        self.socket_url = f"{site.url}?meeting={meeting_id}"
        self.client = socketio.Client(reconnection=False, http_session=self.http)
        self.client.on("*", self._record)
        self.client.on("disconnect", self._gone)
        self.dropped: list[str] = []

    def _gone(self, reason: str = "") -> None:
        self.dropped.append(str(reason))

    def connect(self) -> None:
        """Connect, and once more after a second if that fails, as the page does by itself.

        Once in about ten runs of the whole suite (never alone), a socket through nginx got no
        answer to its CONNECT within 10 s; the servers' logs are kept with the failure."""
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        for attempt in (1, 2):
            try:
                self.client.connect(
                    self.socket_url,
                    headers={"Cookie": cookie},
                    transports=["websocket"],
                    wait_timeout=10,
                )
                return
            except socketio.exceptions.ConnectionError as error:
                logs = self.logs()
                if attempt == 2:
                    raise AssertionError(f"no socket through the proxy: {error}\n{logs}") from error
                print(f"connect failed once ({error}); the servers said:\n{logs}")
                self.client = socketio.Client(reconnection=False, http_session=self.http)
                self.client.on("*", self._record)
                self.client.on("disconnect", self._gone)
                time.sleep(1)

    def send(self, event: str, **fields: Any) -> dict[str, Any]:
        """As a person's. A socket that dropped on the way is connected again and joins again,
        as the page does by itself (the place is kept for the grace), and the event is sent once
        more; a missing answer fails with what the servers and nginx logged. Once in several
        runs of the whole suite (never alone, on a loaded machine) a socket through nginx
        dropped between two events, or an answer did not come back in 10 s."""
        for attempt in (1, 2):
            try:
                return super().send(event, **fields)
            except (
                socketio.exceptions.TimeoutError,
                socketio.exceptions.BadNamespaceError,  # sent after the socket dropped
            ) as error:
                state = f"connected={self.client.connected}, dropped={self.dropped}"
                found = f"{self.login}: no answer to {event!r} ({state})\n{self.logs()}"
                if attempt == 2 or self.client.connected or event == "join":
                    raise AssertionError(found) from error
                print(f"the socket dropped; connecting again. {found}")
                self.connect()
                assert super().send("join")["ok"], self.login
        raise AssertionError("unreachable")

    def logs(self) -> str:
        """The end of each server's log and of nginx's error log."""
        found = [server.log()[-4000:] for server in self.site.deployment.servers]
        found.append(self.site.nginx_errors()[-2000:] or "(no nginx error log)")
        return "\n".join(found)


@pytest.fixture(autouse=True)
def trust_the_certificate(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(site.certificate))


def test_plain_http_is_sent_to_https(site: Site) -> None:
    response = requests.get(f"{site.http_url}/login", allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def test_health_is_served_through_the_proxy_and_metrics_are_not(site: Site) -> None:
    health = requests.get(f"{site.url}/healthz", timeout=5)
    assert health.json() == {"status": "ok", "database": "ok", "redis": "ok"}
    assert requests.get(f"{site.url}/metrics", headers=SCRAPER, timeout=5).status_code == 404
    for server in site.deployment.servers:
        assert requests.get(f"{server.url}/metrics", timeout=5).status_code == 404
        scraped = requests.get(f"{server.url}/metrics", headers=SCRAPER, timeout=5)
        assert scraped.status_code == 200


def test_kreds_sees_the_browsers_scheme_and_host(site: Site) -> None:
    person = Browser(site, "p1", site.deployment.meeting_id)
    session = person.http
    assert all(cookie.secure for cookie in session.cookies)
    page = session.get(f"{site.url}/account", timeout=5)
    response = session.post(f"{site.url}/account/calendar", data=form_fields(page.text), timeout=5)
    link = re.search(r"(\w+)://([^/\s\"<]+)/calendar/", response.text)
    assert link is not None, response.text[:500]
    assert link.groups() == ("https", site.url.removeprefix("https://"))


def _sockets_per_process(site: Site) -> list[float]:
    deployment = site.deployment
    return [deployment.metrics(server)["kreds_sockets_connected"] for server in deployment.servers]


def _socket(session: requests.Session, url: str, meeting: int, transport: str) -> socketio.Client:
    client = socketio.Client(reconnection=False, http_session=session)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    client.connect(
        f"{url}?meeting={meeting}",
        headers={"Cookie": cookie},
        transports=[transport],
        wait_timeout=10,
    )
    return client


def test_every_socket_of_a_meeting_reaches_one_process_and_meetings_spread(site: Site) -> None:
    """nginx hashes the meeting the connection names: a meeting's WebSocket and long-polling
    connections reach the same process, and different meetings reach both."""
    session = Browser(site, "p1", site.deployment.meeting_id).http
    before = _sockets_per_process(site)
    used: set[int] = set()
    for meeting in range(1, 13):
        sockets = [_socket(session, site.url, meeting, t) for t in ("websocket", "polling")]
        sockets.append(_socket(session, site.url, meeting, "websocket"))
        try:
            added = [now - was for now, was in zip(_sockets_per_process(site), before, strict=True)]
            assert sorted(added) == [0, 3], (meeting, added)  # all three on one process
            used.add(added.index(3))
        finally:
            for client in sockets:
                client.disconnect()
        deadline = time.monotonic() + 5
        while _sockets_per_process(site) != before and time.monotonic() < deadline:
            time.sleep(0.05)
    assert used == {0, 1}, "every meeting reached the same process"


def test_a_short_meeting_is_held_through_the_proxy(site: Site) -> None:
    meeting_id = site.deployment.meeting_id
    mira = Browser(site, "facilitator", meeting_id)
    birch, heron = Browser(site, "p1", meeting_id), Browser(site, "p2", meeting_id)
    juniper = Browser(site, "p3", meeting_id)
    everyone = [mira, birch, heron, juniper]
    try:
        for person in everyone:
            person.connect()
            if person is not mira:
                person.accept_agreement()
        assert mira.client.transport() == "websocket"
        assert mira.ok("join")["where"] == "room"
        for person in everyone[1:]:
            assert person.ok("join")["where"] == "lobby"
        mira.ok("admit_all")
        birch.ok("raise_hand")
        heron.ok("raise_hand")
        state = juniper.latest_state(lambda s: len(s["queue"]) == 2)
        assert len(state["people"]) == 4
        message_id = heron.ok("chat", text="Thank you for listening.")["id"]
        for person in everyone:
            person.wait_for("chat", lambda m: m["id"] == message_id)
        # One process holds the meeting, with all four sockets.
        rooms = [site.deployment.metrics(s)["kreds_rooms_live"] for s in site.deployment.servers]
        assert sorted(rooms) == [0, 1]
        assert _sockets_per_process(site)[rooms.index(1)] == 4
        mira.ok("end_meeting")
        for person in everyone:
            assert person.wait_for("meeting_ended")["reason"] == "ended"
    finally:
        for person in everyone:
            person.close()
    for server in site.deployment.servers:
        log = server.log()
        assert "Thank you for listening" not in log
        assert "Traceback" not in log, log[-2000:]
        # No address but gunicorn's own line saying where it listens.
        addresses = [line for line in log.splitlines() if re.search(r"\d+\.\d+\.\d+\.\d+", line)]
        assert all("Listening at" in line for line in addresses), addresses
    assert "client:" not in site.nginx_errors()
