"""The one owner of socket bookkeeping: who each socket is, which meeting it joined, which
Socket.IO rooms it is in, and what is sent to whom.

A socket's person and meeting live in the socket's own WSGI environ, which python-socketio keeps
per connection: there is no table of connections beside it. With several processes (Redis), a
socket lives on one of them: Socket.IO's Redis manager moves sockets of other processes between
rooms and carries emits, and the cluster (:mod:`.cluster`) mirrors each binding in Redis and
tells the socket's own process when another one released it."""

from __future__ import annotations

from typing import Any

from flask_socketio import SocketIO
from socketio import PubSubManager

from server.room.core.outcome import FACILITATORS, ROOM, Notice
from server.room.core.views import Views
from server.room.live import identity
from server.room.live.cluster import Cluster
from server.room.live.identity import Identity

NAMESPACE = "/"
# The socket's meeting, in its environ (its person is under identity.IDENTITY).
MEETING = "kreds.meeting"


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
    def __init__(self, socketio: SocketIO, cluster: Cluster) -> None:
        self.socketio = socketio
        self.cluster = cluster

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
        environ = self._environ(sid)
        found = environ.get(MEETING) if environ is not None else None
        return found if isinstance(found, int) else None

    def connected_as(self, sid: str, person: Identity) -> None:
        """A new socket of ``person``: it hears what is sent to them (``user:<id>``)."""
        self.socketio.server.enter_room(sid, user_room(person.user_id), namespace=NAMESPACE)

    def bind(self, sid: str, user_id: int, meeting_id: int) -> None:
        """The socket joined ``meeting_id`` (its events name that meeting from now on)."""
        environ = self._environ(sid)
        if environ is None:
            return
        environ[MEETING] = meeting_id
        self.cluster.remember(sid, user_id, meeting_id)

    def unbind(self, sid: str, meeting_id: int) -> None:
        """The socket no longer belongs to ``meeting_id`` (it may join another)."""
        environ = self._environ(sid)
        if environ is None or environ.get(MEETING) != meeting_id:
            return
        environ[MEETING] = None
        person = self.who(sid)
        self.cluster.remember(sid, person.user_id if person else 0, None)

    def connected(self, sid: str) -> bool:
        """Whether ``sid`` is a socket of this process that is connected (not disconnecting)."""
        server = self.socketio.server
        return server is not None and server.manager.is_connected(sid, NAMESPACE)

    # Socket.IO rooms.
    def _move(self, sid: str, rooms: list[str], entering: bool) -> None:
        """Put a socket into rooms or take it out, on whichever process holds it."""
        server = self.socketio.server
        if server is None:
            return
        if self._environ(sid) is not None:
            if not self.connected(sid):
                return  # disconnecting: it leaves every room anyway
        elif not isinstance(server.manager, PubSubManager):
            return  # one process and not ours: the socket is gone
        # For another process's socket, Socket.IO's Redis manager sends the change to that process.
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
        if self._environ(sid) is not None:
            self.unbind(sid, meeting_id)
        else:
            self.cluster.release(sid, meeting_id)

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
    def disconnect_user(self, user_id: int, ended_only: bool = False) -> None:
        """End a person's sockets on every process, or only those whose login session ended."""
        self.disconnect_local(user_id, ended_only)
        self.cluster.disconnect_user(user_id, ended_only)

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
