"""Log-out that logs out, tried the way someone with a copy of the cookies would: against a real
server process, over HTTP and Socket.IO.

Each test copies the cookies *before* the person leaves (log-out, quick exit, "log out
everywhere") into a client of its own, then replays them afterwards. Copying is what an abuser
with the device, or a stolen cookie file, can do; the browser's own cookie jar being emptied proves
nothing."""

from __future__ import annotations

import re

import pytest
import requests
import socketio

from tests.live_server import (
    DEMO_PASSWORD,
    LiveServer,
    form_fields,
    logged_in,
    submit_form,
)
from tests.live_server import live_server as live_server  # the fixture

pytestmark = [pytest.mark.live, pytest.mark.timeout(90)]


def _copy(session: requests.Session, only: str | None = None) -> requests.Session:
    """A new client holding the same cookies (or only the one named ``only``)."""
    thief = requests.Session()
    for cookie in session.cookies:
        if only is None or cookie.name == only:
            thief.cookies.set(cookie.name, cookie.value or "")
    return thief


def _gets_data(server: LiveServer, client: requests.Session) -> bool:
    """Whether the client is let into the person's data (the page a thief would want)."""
    answer = client.get(f"{server.url}/account/data.json", allow_redirects=False, timeout=10)
    return answer.status_code == 200


def _socket_error(server: LiveServer, client: requests.Session) -> str | None:
    """Connect a Socket.IO client with these cookies and try to join the demo meeting; returns
    the refusal (None: it got in)."""
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
    sock = socketio.Client(reconnection=False)
    refusals: list[object] = []
    sock.on("connect_error", refusals.append)
    try:
        sock.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"])
    except socketio.exceptions.ConnectionError as error:
        refusal = refusals[0] if refusals else str(error)
        return str(refusal.get("message") if isinstance(refusal, dict) else refusal)
    try:
        ack = sock.call("join", {"meeting_id": server.demo_meeting_id}, timeout=10)
        return None if ack.get("ok") else str(ack["error"]["code"])
    finally:
        sock.disconnect()


def _log_in(server: LiveServer, login: str, remember: bool = False) -> requests.Session:
    session = requests.Session()
    data = {"login": login, "password": DEMO_PASSWORD}
    if remember:
        data["remember"] = "y"
    answer = submit_form(session, f"{server.url}/login", data)
    assert answer.status_code == 302, answer.text[:300]
    return session


def _post(server: LiveServer, session: requests.Session, path: str, page: str) -> None:
    fields = form_fields(session.get(f"{server.url}{page}", timeout=10).text)
    session.post(f"{server.url}{path}", data=fields, allow_redirects=False, timeout=10)


def test_a_copied_session_cookie_gets_nothing_after_log_out(live_server: LiveServer) -> None:
    person = _log_in(live_server, "cofacilitator")
    thief = _copy(person)
    assert _gets_data(live_server, thief), "the copy should work while the person is logged in"
    assert _socket_error(live_server, thief) is None

    _post(live_server, person, "/logout", "/account")

    assert not _gets_data(live_server, thief)
    assert _socket_error(live_server, thief) == "not_logged_in"


def test_a_copied_keep_me_logged_in_cookie_gets_nothing_after_log_out(
    live_server: LiveServer,
) -> None:
    person = _log_in(live_server, "p5", remember=True)
    thief = _copy(person, only="remember_token")
    assert _gets_data(live_server, thief), "the remember cookie alone should log in"

    answer = person.post(
        f"{live_server.url}/logout",
        data=form_fields(person.get(f"{live_server.url}/account", timeout=10).text),
        allow_redirects=False,
        timeout=10,
    )

    # The browser is told to delete the cookie ...
    deleted = [h for h in answer.raw.headers.getlist("Set-Cookie") if h.startswith("remember_")]
    assert deleted and re.search(r"expires=Thu, 01 Jan 1970|max-age=0", deleted[0], re.I)
    # ... and a copy kept elsewhere opens nothing, over HTTP or Socket.IO.
    assert not _gets_data(live_server, thief)
    assert _socket_error(live_server, thief) == "not_logged_in"


def test_a_copied_cookie_gets_nothing_after_a_quick_exit(live_server: LiveServer) -> None:
    person = _log_in(live_server, "p6")
    thief = _copy(person)
    page = person.get(f"{live_server.url}/", timeout=10).text
    token = re.search(r'data-quick-exit-token="([^"]+)"', page)
    end = re.search(r'data-quick-exit-end="([^"]+)"', page)
    assert token and end, "a logged-in page carries the quick exit's token"

    # What navigator.sendBeacon sends: the token, no CSRF field, no waiting for the answer.
    answer = person.post(
        f"{live_server.url}{end.group(1)}", data={"token": token.group(1)}, timeout=10
    )
    assert answer.status_code == 204

    assert not _gets_data(live_server, thief)
    assert _socket_error(live_server, thief) == "not_logged_in"
    assert not _gets_data(live_server, person)


def test_a_quick_exit_token_ends_only_its_own_session(live_server: LiveServer) -> None:
    """Someone who read another person's token can end nothing with a changed one, and a token
    cannot be guessed from a session's number."""
    person = _log_in(live_server, "p3")
    page = person.get(f"{live_server.url}/", timeout=10).text
    token = re.search(r'data-quick-exit-token="([^"]+)"', page)
    assert token
    number, _, mac = token.group(1).partition(".")
    other = logged_in(live_server.url, "p2", DEMO_PASSWORD)
    for forged in (f"{int(number) + 1}.{mac}", f"{number}.{'0' * len(mac)}", number, ""):
        answer = other.post(f"{live_server.url}/leave-quickly", data={"token": forged}, timeout=10)
        assert answer.status_code == 404
    assert _gets_data(live_server, person)
    assert _gets_data(live_server, other)


def test_log_out_everywhere_ends_every_browser(live_server: LiveServer) -> None:
    phone = _log_in(live_server, "p1")
    laptop = _log_in(live_server, "p1", remember=True)
    copied = _copy(laptop, only="remember_token")
    assert _gets_data(live_server, copied)

    _post(live_server, phone, "/account/security/logout-everywhere", "/account/security")

    for client in (phone, laptop, copied):
        assert not _gets_data(live_server, client)
        assert _socket_error(live_server, client) == "not_logged_in"


def test_nobody_can_log_out_someone_elses_browser(live_server: LiveServer) -> None:
    """The log-out buttons of the security page name a session by its number: another person
    posting every number ends none of someone else's."""
    victim = _log_in(live_server, "p4")
    attacker = _log_in(live_server, "p2")
    fields = form_fields(attacker.get(f"{live_server.url}/account/security", timeout=10).text)
    for number in range(1, 40):
        attacker.post(
            f"{live_server.url}/account/security/sessions/{number}/end",
            data=fields,
            allow_redirects=False,
            timeout=10,
        )
    assert _gets_data(live_server, victim)
