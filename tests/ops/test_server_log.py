"""What a real server writes to its log when someone attacks its Socket.IO endpoint: requests from
foreign origins and a logged-in person's flood of malformed frames leave no address, no
traceback and none of what was sent, one short line each at most (fewer when repeated), and the
server goes on answering."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
import requests
import websocket

from server.logs import _IP
from tests.live_server import DEMO_PASSWORD, LiveServer, login_cookie

pytestmark = [pytest.mark.live, pytest.mark.timeout(90)]

CANARY = "kreds-canary-7f3a"
# What a line of the server's log looks like: every line, nothing written by another handler
# (no bare repeat of a line) and no traceback lines. eventlet's WebSocket may also write
# "client=- socket shutdown error" to the WSGI error stream (blanked: server/ops).
LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: \S|.*client=- socket shutdown error"
)
MALFORMED = [
    "42[",
    f'42["chat",{{"meeting_id":1,"text":"{CANARY}',
    f'451-["{CANARY}",{{"_placeholder":true,"num":0}}',
    "42" + "[" * 20_000 + "]" * 20_000,  # deeper than the JSON decoder goes
    "42",
    f"4{CANARY}",
    f'42/{CANARY},["x"]',
    f'43{CANARY}["x"]',
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer() as live:
        yield live


def written_since_start(server: LiveServer) -> list[str]:
    log = server.log()
    return log.split("Kreds is serving on", 1)[1].splitlines()[1:]


def messages(lines: list[str]) -> str:
    """The lines without their time stamps (which look like IPv6 addresses to a pattern)."""
    return "\n".join(line.split(": ", 1)[-1] for line in lines)


def socket_url(server: LiveServer, transport: str) -> str:
    return f"{server.url}/socket.io/?EIO=4&transport={transport}"


def test_requests_from_foreign_origins_leave_no_address_in_the_log(server: LiveServer) -> None:
    cookie = login_cookie(server.url, "p1", DEMO_PASSWORD)
    for origin in (
        f"{server.url},https://{CANARY}.example",
        "http://203.0.113.9",
        "http://[2001:db8::7]:8080",
        f"https://{CANARY}.example",
    ):
        refused = requests.get(
            socket_url(server, "polling"), headers={"Cookie": cookie, "Origin": origin}, timeout=5
        )
        assert refused.status_code == 400
        with pytest.raises(websocket.WebSocketBadStatusException):
            websocket.create_connection(
                socket_url(server, "websocket").replace("http", "ws", 1),
                header=[f"Cookie: {cookie}"],
                origin=origin,
                timeout=5,
            )
    time.sleep(0.3)
    lines = written_since_start(server)
    text = "\n".join(lines)
    assert CANARY not in text
    assert _IP.search(messages(lines)) is None, text
    assert "203.0.113.9" not in text and "2001:db8::7" not in text
    assert [line for line in lines if not LINE.match(line)] == [], text


def test_a_flood_of_malformed_frames_leaves_short_lines_and_the_server_answers(
    server: LiveServer,
) -> None:
    meeting_id = server.demo_meeting_id
    cookie = login_cookie(server.url, "facilitator", DEMO_PASSWORD)
    before = len(written_since_start(server))

    # Over a WebSocket: 40 malformed frames from a logged-in person's connected socket.
    ws = websocket.create_connection(
        socket_url(server, "websocket").replace("http", "ws", 1),
        header=[f"Cookie: {cookie}"],
        origin=server.url,
        timeout=10,
    )
    assert ws.recv().startswith("0{")
    ws.send("40")
    assert ws.recv().startswith("40{")
    for n in range(40):
        ws.send(MALFORMED[n % len(MALFORMED)])

    # Over long-polling: a second connection posts the same, several packets per request.
    http = requests.Session()
    http.headers.update({"Cookie": cookie, "Origin": server.url})
    opened = http.get(socket_url(server, "polling"), timeout=5)
    sid = re.search(r'"sid":"([^"]+)"', opened.text)
    assert sid is not None, opened.text
    polling = f"{socket_url(server, 'polling')}&sid={sid.group(1)}"
    assert http.post(polling, data="40", timeout=5).text == "OK"
    http.get(polling, timeout=5)  # the namespace's answer
    for start in range(0, 40, 8):
        batch = "\x1e".join(MALFORMED[(start + k) % len(MALFORMED)] for k in range(8))
        http.post(polling, data=batch.encode(), timeout=10)

    # The server still answers: the WebSocket's own request, and a page.
    ws.send(f'421["join",{{"meeting_id":{meeting_id}}}]')
    while not (answer := ws.recv()).startswith("431"):
        pass
    assert '"ok":true' in answer
    ws.close()
    assert requests.get(f"{server.url}/login", timeout=5).status_code == 200

    time.sleep(0.5)
    lines = written_since_start(server)[before:]
    text = "\n".join(lines)
    assert CANARY not in text and "[[[" not in text
    assert "Traceback" not in text
    assert _IP.search(messages(lines)) is None, text
    assert [line for line in lines if not LINE.match(line)] == [], text
    assert all(len(line) < 200 for line in lines), text
    errors = [line for line in lines if " ERROR " in line]
    assert errors, "the malformed frames were not noted at all"
    assert all("handler error (" in line for line in errors), text
    # 80 malformed frames; each different line is written at most five times a minute.
    kinds = {line.split(": ", 1)[1] for line in errors}
    assert len(errors) <= 5 * len(kinds) < 40, text
