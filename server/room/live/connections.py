"""The one owner of socket bookkeeping: who each socket is, which meeting it is for and which it
joined, which Socket.IO rooms it is in, and what is sent to whom.

A socket's person and meetings live in the socket's own WSGI environ, which python-socketio keeps
per connection: there is no table of connections beside it. Every socket of a meeting is on the
process that holds the meeting (:mod:`.store_owned`), so emits and room changes are this
process's own: nothing here crosses to another process."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO

from server.room.core.outcome import FACILITATORS, ROOM, Notice
from server.room.core.views import Views
from server.room.live import identity
from server.room.live.identity import Identity

NAMESPACE = "/"
# In the socket's environ (its person is under identity.IDENTITY): the meeting it joined (None
# when it left), and the meeting it is for — the one its connection named (its query's
# ``meeting``), or else the first it joined; it can join no other.
MEETING = "kreds.meeting"
FOR_MEETING = "kreds.for_meeting"


def meeting_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def facilitators_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:facilitators"


def participants_room(meeting_id: int) -> str:
    """Everyone admitted but the facilitators (whose room_state carries their own part)."""
    return f"meeting:{meeting_id}:participants"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def audience(meeting_id: int, to: str) -> str:
    """The Socket.IO room of a notice's audience."""
    if to == ROOM:
        return meeting_room(meeting_id)
    if to == FACILITATORS:
        return facilitators_room(meeting_id)
    return to  # user:<id>


class Connections:
    def __init__(self, socketio: SocketIO) -> None:
        self.socketio = socketio

    def _environ(self, sid: str) -> dict[str, Any] | None:
        server = self.socketio.server
        if server is None:
            return None
        environ = server.get_environ(sid, namespace=NAMESPACE)
        return environ if isinstance(environ, dict) else None

    # Who a socket is and where.
    def who(self, sid: str) -> Identity | None:
        """The person the socket connected as (:func:`.identity.remember`)."""
        environ = self._environ(sid)
        found = environ.get(identity.IDENTITY) if environ is not None else None
        return found if isinstance(found, Identity) else None

    def meeting_of(self, sid: str) -> int | None:
        """The meeting the socket joined (None: none now)."""
        environ = self._environ(sid)
        found = environ.get(MEETING) if environ is not None else None
        return found if isinstance(found, int) else None

    def meeting_for(self, sid: str) -> int | None:
        """The meeting the socket is for (None: its connection named none, and it joined none)."""
        environ = self._environ(sid)
        found = environ.get(FOR_MEETING) if environ is not None else None
        return found if isinstance(found, int) else None

    def may_join(self, sid: str, meeting_id: int) -> bool:
        return self.meeting_for(sid) in (None, meeting_id)

    def connected_as(self, sid: str, person: Identity, meeting_id: int | None) -> None:
        """A new socket of ``person``, for ``meeting_id``: it hears what is sent to them
        (``user:<id>``)."""
        environ = self._environ(sid)
        if environ is not None:
            environ[FOR_MEETING] = meeting_id
        self.socketio.server.enter_room(sid, user_room(person.user_id), namespace=NAMESPACE)

    def bind(self, sid: str, meeting_id: int) -> None:
        """The socket joined ``meeting_id`` (its events name that meeting from now on)."""
        environ = self._environ(sid)
        if environ is None:
            return
        environ[MEETING] = environ[FOR_MEETING] = meeting_id

    def unbind(self, sid: str, meeting_id: int) -> None:
        """The socket is no longer in ``meeting_id`` (it may join it again)."""
        environ = self._environ(sid)
        if environ is not None and environ.get(MEETING) == meeting_id:
            environ[MEETING] = None

    def connected(self, sid: str) -> bool:
        """Whether ``sid`` is a socket of this process that is connected (not disconnecting)."""
        server = self.socketio.server
        return server is not None and server.manager.is_connected(sid, NAMESPACE)

    # Socket.IO rooms.
    def _move(self, sid: str, rooms: list[str], entering: bool) -> None:
        """Put a socket into rooms or take it out (a socket that is gone: nothing to do)."""
        server = self.socketio.server
        if server is None or not self.connected(sid):
            return
        for room in rooms:
            if entering:
                server.enter_room(sid, room, namespace=NAMESPACE)
            else:
                server.leave_room(sid, room, namespace=NAMESPACE)

    def enter(self, sid: str, meeting_id: int, facilitates: bool) -> None:
        own = facilitators_room(meeting_id) if facilitates else participants_room(meeting_id)
        self._move(sid, [meeting_room(meeting_id), own], entering=True)

    def leave(self, sid: str, meeting_id: int) -> None:
        rooms = [
            meeting_room(meeting_id),
            facilitators_room(meeting_id),
            participants_room(meeting_id),
        ]
        self._move(sid, rooms, entering=False)
        self.unbind(sid, meeting_id)

    # What is sent.
    def emit(self, event: str, data: dict[str, Any], to: str, skip: str | None = None) -> None:
        self.socketio.emit(event, data, to=to, namespace=NAMESPACE, skip_sid=skip)

    def notify(self, meeting_id: int, notice: Notice) -> None:
        self.emit(notice.event, notice.data, audience(meeting_id, notice.to))

    def broadcast(self, meeting_id: int, views: Views, skip: str | None = None) -> None:
        """Every socket in the room gets one ``room_state`` (``skip``: the sender, who has it in
        its acknowledgement), every socket in the lobby its ``lobby_state``."""
        self.emit("room_state", views.public, participants_room(meeting_id), skip)
        self.emit("room_state", views.room_for(True), facilitators_room(meeting_id), skip)
        for user_id, view in views.lobby.items():
            self.emit("lobby_state", view, user_room(user_id))

    # Ending connections.
    def send_away(self, meeting_id: int) -> int:
        """Close this process's sockets of a meeting that another process holds now, so that
        their browsers connect again, to that one; returns how many. They leave the meeting
        here first: the room they were in is not here any more, and nothing is left to carry
        out when they close. Their transport is closed (not the Socket.IO session): a browser
        takes that as a dropped connection and reconnects by itself."""
        server = self.socketio.server
        if server is None:
            return 0
        closed = 0
        for sid, eio_sid in list(server.manager.get_participants(NAMESPACE, None)):
            environ = self._environ(sid)
            if environ is None or meeting_id not in (
                environ.get(MEETING),
                environ.get(FOR_MEETING),
            ):
                continue
            self.leave(sid, meeting_id)
            server.eio.disconnect(eio_sid)
            closed += 1
        return closed

    def disconnect_local(self, user_id: int, ended_only: bool = False) -> None:
        server = self.socketio.server
        if server is None:
            return
        sids = [sid for sid, _ in server.manager.get_participants(NAMESPACE, user_room(user_id))]
        if ended_only:
            held = {sid: self.who(sid) for sid in sids}
            good = identity.valid([found for found in held.values() if found is not None])
            sids = [sid for sid, found in held.items() if found not in good]
        for sid in sids:
            server.disconnect(sid, namespace=NAMESPACE)

    def end_ended_sessions(self) -> int:
        """Disconnect this process's sockets whose person's session ended since they connected;
        returns how many. Every path that ends a session disconnects its sockets itself: this is
        for a process that may have missed that (its control channel was cut)."""
        server = self.socketio.server
        if server is None:
            return 0
        held: dict[str, Identity] = {}
        for sid, _ in server.manager.get_participants(NAMESPACE, None):
            found = self.who(sid)
            if found is not None:
                held[sid] = found
        good = identity.valid(list(set(held.values())))
        ended = [sid for sid, found in held.items() if found not in good]
        for sid in ended:
            server.disconnect(sid, namespace=NAMESPACE)
        return len(ended)
