"""The light bench client against a real Kreds server: refused without a log-in; with one, it
joins, says something, hears it back and gets an answer to every event."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from bench.client import Closed, Connection, Refused
from tests.live_server import DEMO_PASSWORD, LiveServer, login_cookie
from tests.live_server import live_server as live_server  # the fixture

pytestmark = [pytest.mark.live, pytest.mark.timeout(120)]


async def _session(url: str, meeting_id: int, cookie: str | None) -> dict[str, Any]:
    heard: list[tuple[str, list[Any]]] = []
    closed: list[bool] = []
    found: dict[str, Any] = {"heard": heard, "closed": closed}
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        socket = Connection(
            lambda name, args: heard.append((name, args)), lambda: closed.append(True)
        )
        try:
            await asyncio.wait_for(socket.open(http, url, meeting_id, cookie), 20)
        except Refused as refused:
            found["refused"] = str(refused)
            return found
        (found["join"],) = await socket.call("join", {"meeting_id": meeting_id}, 20)
        text = "bench: hello from the light client"
        (found["chat"],) = await socket.call("chat", {"meeting_id": meeting_id, "text": text}, 20)
        (found["unknown"],) = await socket.call("no_such_event", {"meeting_id": meeting_id}, 20)
        for _ in range(50):
            if any(name == "chat" for name, _ in heard):
                break
            await asyncio.sleep(0.1)
        found["text"] = text
        await socket.close()
        try:
            await socket.call("chat", {"meeting_id": meeting_id, "text": "after"}, 5)
        except Closed:
            found["closed_call"] = True
    return found


def test_without_a_log_in_the_socket_is_refused(live_server: LiveServer) -> None:
    found = asyncio.run(_session(live_server.url, live_server.demo_meeting_id, None))
    assert found["refused"] == "not_logged_in"
    assert found["closed"] == []  # never connected, so never counted as a dropped socket


def test_a_logged_in_member_joins_chats_hears_it_and_every_event_is_answered(
    live_server: LiveServer,
) -> None:
    cookie = login_cookie(live_server.url, "facilitator", DEMO_PASSWORD)
    found = asyncio.run(_session(live_server.url, live_server.demo_meeting_id, cookie))
    assert found["join"]["ok"] and found["join"]["data"]["where"] == "room", found["join"]
    assert found["chat"]["ok"], found["chat"]
    chats = [args[0] for name, args in found["heard"] if name == "chat"]
    assert [chat["text"] for chat in chats] == [found["text"]]
    assert found["unknown"]["ok"] is False and found["unknown"]["error"]["code"]
    assert found["closed"] == [True] and found["closed_call"]
