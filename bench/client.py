"""One member's Socket.IO connection, as light as the bench can make it.

python-socketio's ``AsyncClient`` is a whole client: an aiohttp session of its own, a queue and
a writer task, a task per event received, logging on every packet. Thousands of them in a load
process took as much CPU as the server they measured. This one speaks the frames directly
(bench/wire.py) over an aiohttp WebSocket from the worker's shared session: one task per
connection, reading; events are handed to one callback as they arrive, and an acknowledgement
completes the future its call waits on.

WebSocket only, no reconnection, no binary data, the default namespace: what the bench needs.
The query names the meeting (``meeting=<id>``), by which a deployment of several processes routes
a meeting's sockets to the process that owns it."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import traceback
from collections.abc import Callable
from typing import Any

import aiohttp

from bench import wire

OnEvent = Callable[[str, list[Any]], None]


class Refused(Exception):
    """The server refused the Socket.IO connection (its ``connect`` handler raised)."""


class Closed(Exception):
    """The connection closed before the answer came."""


def socket_url(base_url: str, meeting_id: int) -> str:
    """The WebSocket URL of ``base_url``'s Socket.IO endpoint for a member of ``meeting_id``."""
    scheme, _, rest = base_url.partition("://")
    ws = "wss" if scheme == "https" else "ws"
    return f"{ws}://{rest.rstrip('/')}/socket.io/?EIO=4&transport=websocket&meeting={meeting_id}"


class Connection:
    """A Socket.IO connection: :meth:`open`, then :meth:`call` and :meth:`send`; ``on_event``
    gets every event the server sends (its name and arguments), ``on_close`` is called once
    when the connection ends, whichever side ended it."""

    def __init__(self, on_event: OnEvent, on_close: Callable[[], None]) -> None:
        self.on_event = on_event
        self.on_close = on_close
        self.connected = False
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[list[Any]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def open(
        self, http: aiohttp.ClientSession, base_url: str, meeting_id: int, cookie: str | None
    ) -> None:
        """Connect, open the Engine.IO session and connect to the namespace ``/``. Raises
        :class:`Refused`, :class:`Closed` or aiohttp's ``ClientError``; the caller sets the
        time limit."""
        headers = {"Cookie": cookie} if cookie else {}
        ws = await http.ws_connect(
            socket_url(base_url, meeting_id), headers=headers, autoping=True, compress=0
        )
        self._ws = ws
        try:
            opened = await self._next(ws)
            if opened.kind != "open":
                raise Closed(f"expected the open packet, got {opened.kind}")
            await ws.send_str(wire.CONNECT_FRAME)
            while True:
                answer = await self._next(ws)
                if answer.kind == "connect":
                    break
                if answer.kind == "connect_error":
                    raise Refused(str((answer.data or {}).get("message", "")))
                if answer.kind == "ping":
                    await ws.send_str(wire.pong(answer))
        except BaseException:
            await ws.close()
            raise
        self.connected = True
        self._reader = asyncio.get_running_loop().create_task(self._read(ws))

    @staticmethod
    async def _next(ws: aiohttp.ClientWebSocketResponse) -> wire.Frame:
        message = await ws.receive()
        if message.type != aiohttp.WSMsgType.TEXT:
            raise Closed(f"the connection ended ({message.type.name})")
        return wire.decode(message.data)

    async def call(self, name: str, data: Any, timeout: float) -> list[Any]:
        """Send event ``name`` and wait for its acknowledgement: the server's arguments.
        ``TimeoutError`` after ``timeout`` seconds, :class:`Closed` if the connection ends."""
        ws = self._ws
        if ws is None or not self.connected:
            raise Closed("not connected")
        ack_id = next(self._ids)
        answer: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        self._waiting[ack_id] = answer
        try:
            await ws.send_str(wire.event(name, data, ack_id))
            async with asyncio.timeout(timeout):
                return await answer
        except (ConnectionError, aiohttp.ClientError) as error:
            raise Closed(str(error)) from error
        finally:
            self._waiting.pop(ack_id, None)

    async def close(self) -> None:
        """Leave the namespace and close the WebSocket (``on_close`` follows)."""
        ws = self._ws
        if ws is None:
            return
        if self.connected and not ws.closed:
            with contextlib.suppress(ConnectionError, aiohttp.ClientError):
                await ws.send_str(wire.DISCONNECT_FRAME)
        await ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        try:
            while True:
                message = await ws.receive()
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                frame = wire.decode(message.data)
                kind = frame.kind
                if kind == "event":
                    self.on_event(frame.data[0], frame.data[1:])
                elif kind == "ack":
                    waiting = self._waiting.get(frame.id)  # type: ignore[arg-type]
                    if waiting is not None and not waiting.done():
                        waiting.set_result(frame.data or [])
                elif kind == "ping":
                    await ws.send_str(wire.pong(frame))
                elif kind in ("close", "disconnect"):
                    break
        except (ConnectionError, aiohttp.ClientError):
            pass
        except Exception:
            # A frame this client cannot read, or a bug in a member's handler: the connection
            # ends (the books count a disconnect) and the cause is shown, not swallowed.
            traceback.print_exc()
        finally:
            self.connected = False
            for waiting in self._waiting.values():
                if not waiting.done():
                    waiting.set_exception(Closed("the connection ended"))
            if not ws.closed:
                await ws.close()
            self.on_close()
