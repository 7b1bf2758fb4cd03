"""A real Kreds server process for end-to-end tests (Socket.IO clients, browsers).

``LiveServer`` migrates and seeds the demo in a temporary instance folder, serves it with
``python -m server`` (eventlet, development configuration, CSRF on) on a free port, waits until
it answers and stops it at the end. The ``live_server`` fixture gives one per test module::

    from tests.live_server import live_server, login_cookie  # noqa: F401  (the fixture)

    @pytest.mark.live
    def test_something(live_server):
        cookie = login_cookie(live_server.url, "p1", DEMO_PASSWORD)

Log-in and forms go through ``requests`` with the form's own CSRF token (``logged_in``,
``submit_form``), as a browser would."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

from server.cli import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
__all__ = [
    "DEMO_PASSWORD",
    "LiveServer",
    "form_fields",
    "live_server",
    "logged_in",
    "login_cookie",
    "submit_form",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """A migrated, seeded Kreds server in its own process and instance folder."""

    def __init__(
        self,
        env: Mapping[str, str] | None = None,
        startup_timeout: float = 30,
        *,
        prepare: bool = True,
        command: Sequence[str] | None = None,
    ) -> None:
        """``env`` adds to the environment (``DATABASE_URL`` there is kept: several servers can
        share a database); ``prepare=False`` skips migrating and seeding (another server did);
        ``command`` serves another way (``{port}`` in it is replaced), e.g. with gunicorn."""
        self._folder = tempfile.TemporaryDirectory(prefix="kreds-live-")
        self.instance_dir = Path(self._folder.name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "KREDS_INSTANCE_DIR": str(self.instance_dir),
            "KREDS_CONFIG": "development",
            "FLASK_APP": "server",
            "PYTHONUNBUFFERED": "1",
            # Many log-ins from 127.0.0.1 in a few seconds: tests that check the limit turn it on.
            "KREDS_RATELIMIT_ENABLED": "0",
            # Redis keys and channels of this server alone (several servers share a prefix only
            # when a test says so): runs at the same time never see each other's rooms.
            "KREDS_REDIS_PREFIX": f"kreds-live-{uuid.uuid4().hex[:10]}",
            **(env or {}),
        }
        if "DATABASE_URL" not in (env or {}):
            self.env.pop("DATABASE_URL", None)
        self.prepare = prepare
        self.command = [
            part.format(port=self.port)
            for part in command
            or [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", "{port}"]
        ]
        self.startup_timeout = startup_timeout
        self.seed_output = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = self.instance_dir / "server.log"

    def flask(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> LiveServer:
        self.launch()
        self.wait_until_up()
        return self

    def launch(self) -> None:
        """Prepare (unless told not to) and start the process, without waiting for it."""
        if self.prepare:
            self.flask("db", "upgrade")
            self.seed_output = self.flask("seed-demo")
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,  # as under CI and a process manager: no terminal
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"the server exited:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/login", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer in {self.startup_timeout} s:\n{self.log()}")

    @property
    def demo_meeting_id(self) -> int:
        """The id of the seeded meeting whose room is open now."""
        match = re.search(r"meeting (\d+) opens", self.seed_output)
        if match is None:
            raise RuntimeError(f"no meeting in the seed output:\n{self.seed_output}")
        return int(match.group(1))

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        self.terminate()
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None

    def terminate(self) -> None:
        """Ask the process to stop (``stop`` waits for it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def kill(self) -> None:
        """Stop the process at once, as a crash would (no clean-up of any kind)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def close(self) -> None:
        self.stop()
        self._folder.cleanup()

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture(scope="module")
def live_server() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


class _HiddenInputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.fields[str(found["name"])] = found.get("value") or ""


def form_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (the CSRF token among them)."""
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.fields


def submit_form(session: requests.Session, url: str, data: Mapping[str, str]) -> requests.Response:
    """GET a form page, then POST it with its hidden fields (CSRF token) and ``data``."""
    page = session.get(url, timeout=10)
    page.raise_for_status()
    return session.post(
        url, data={**form_fields(page.text), **data}, allow_redirects=False, timeout=10
    )


def logged_in(base_url: str, login: str, password: str) -> requests.Session:
    """A ``requests`` session logged in through the real log-in form."""
    session = requests.Session()
    response = submit_form(session, f"{base_url}/login", {"login": login, "password": password})
    if response.status_code != 302:
        raise AssertionError(f"log-in as {login!r} failed: {response.status_code}")
    return session


def login_cookie(base_url: str, login: str, password: str) -> str:
    """A ``Cookie`` header value for a logged-in session (for Socket.IO clients)."""
    session = logged_in(base_url, login, password)
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)
