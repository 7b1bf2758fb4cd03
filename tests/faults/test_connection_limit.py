"""More sockets than ``KREDS_MAX_CONNECTIONS``: the extra ones are refused at once with 503 (no
hang, no crash), the ones let in keep working, pages are still served, the refusals are counted
in /metrics, and a place that frees is taken again."""

from __future__ import annotations

import contextlib
import time

import pytest
import requests
import socketio

from tests.faults.conftest import CONNECTION_LIMIT as LIMIT
from tests.faults.helpers import FaultServer, scrape
from tests.live_server import DEMO_PASSWORD, LiveServer, login_cookie

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]
TRIED = LIMIT + 10


def open_socket(server: LiveServer, cookie: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(
        server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10
    )
    return client


def no_sockets_open(server: LiveServer) -> dict[str, float]:
    """The server's metrics once the sockets of earlier tests are gone."""
    deadline = time.monotonic() + 10
    while True:
        samples = scrape(server)
        if samples.get("kreds_sockets_connected", 0) == 0 or time.monotonic() > deadline:
            return samples
        time.sleep(0.2)


def test_connections_beyond_the_limit_are_refused_cleanly_and_counted(
    one_process: FaultServer,
) -> None:
    server = one_process
    before = no_sockets_open(server)
    cookie = login_cookie(server.url, "p1", DEMO_PASSWORD)
    meeting = {"meeting_id": server.demo_meeting_id}
    let_in: list[socketio.Client] = []
    refused: list[float] = []
    try:
        for _ in range(TRIED):
            started = time.monotonic()
            try:
                let_in.append(open_socket(server, cookie))
            except socketio.exceptions.ConnectionError:
                refused.append(time.monotonic() - started)
        assert len(let_in) == LIMIT
        assert len(refused) == TRIED - LIMIT
        assert max(refused) < 5  # answered at once, not left waiting

        # The refusal as a browser's first request sees it (long-polling): 503, try again later.
        handshake = requests.get(
            f"{server.url}/socket.io/",
            params={"EIO": "4", "transport": "polling"},
            headers={"Cookie": cookie},
            timeout=10,
        )
        assert handshake.status_code == 503
        assert handshake.headers["Retry-After"]

        # Those let in are served; so are pages and health checks.
        for client in let_in:
            answer = client.call("ice_servers", meeting, timeout=10)
            assert answer["ok"] is False and answer["error"]["code"] == "not_joined"
        assert requests.get(f"{server.url}/healthz", timeout=10).status_code == 200
        assert requests.get(f"{server.url}/login", timeout=10).status_code == 200

        samples = scrape(server)
        refused_before = before.get("kreds_connections_refused_total", 0)
        assert samples["kreds_connections_refused_total"] == refused_before + TRIED - LIMIT + 1
        assert samples["kreds_sockets_connected"] == LIMIT

        # A place that frees is taken again.
        let_in.pop().disconnect()
        deadline = time.monotonic() + 10
        while True:
            try:
                let_in.append(open_socket(server, cookie))
                break
            except socketio.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert server.process is not None and server.process.poll() is None
        assert "Traceback" not in server.log()
    finally:
        for client in let_in:
            with contextlib.suppress(Exception):
                client.disconnect()
