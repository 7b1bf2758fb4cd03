"""Socket bookkeeping: room names, and which meeting each socket joined.

A socket's binding (its person and meeting) lives in the socket's own WSGI environ, which
python-socketio keeps per connection: there is no module-level table of connections. With several
processes (Redis), a socket lives on one of them: Socket.IO's Redis manager moves sockets of other
processes between rooms, and the cluster (:mod:`server.room.cluster`) mirrors each binding in Redis
and tells the socket's own process when another one released it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from socketio import PubSubManager
from socketio.packet import Packet as SocketIOPacket

from server.extensions import socketio
from server.room import identity
from server.room.rules.outcome import FACILITATORS, ROOM

if TYPE_CHECKING:
    from server.room.cluster import Cluster

NAMESPACE = "/"
BINDING = "kreds.room"


_SCALARS = frozenset((str, int, float, bool, type(None)))


class Packet(SocketIOPacket):
    """Socket.IO's packet, with a faster check for binary data (the same answer).

    Every packet sent is first searched for bytes, and python-socketio does it with
    ``functools.reduce`` over lists it builds at each level: for the room's snapshots, sent on
    every change, that search cost more than encoding them."""

    @classmethod
    def data_is_binary(cls, data: Any) -> bool:
        pending = [data]
        while pending:
            item = pending.pop()
            kind = type(item)
            if kind in _SCALARS:
                continue
            if kind is dict or isinstance(item, dict):
                pending.extend(item.values())
            elif kind is list or isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, bytes | bytearray):
                return True
        return False


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


def _environ(sid: str) -> dict[str, Any] | None:
    if socketio.server is None:
        return None
    environ = socketio.server.get_environ(sid, namespace=NAMESPACE)
    return environ if isinstance(environ, dict) else None


def binding(sid: str) -> dict[str, Any]:
    environ = _environ(sid)
    if environ is None:
        return {}
    found = environ.setdefault(BINDING, {})
    return found if isinstance(found, dict) else {}


def _cluster() -> Cluster:
    from server.room.runtime import runtime

    return runtime().cluster


def bind(sid: str, user_id: int, meeting_id: int | None) -> None:
    environ = _environ(sid)
    if environ is None:
        return
    before = environ.get(BINDING) or {}
    environ[BINDING] = {"user_id": user_id, "meeting_id": meeting_id}
    if meeting_id is not None or before.get("meeting_id") is not None:
        _cluster().remember(sid, user_id, meeting_id)


def unbind(sid: str, meeting_id: int) -> None:
    found = binding(sid)
    if found.get("meeting_id") == meeting_id:
        found["meeting_id"] = None
        _cluster().remember(sid, int(found.get("user_id") or 0), None)


def connected(sid: str) -> bool:
    """Whether ``sid`` is a socket of this process that is connected (not disconnecting)."""
    return socketio.server is not None and socketio.server.manager.is_connected(sid, NAMESPACE)


def _ours(sid: str) -> bool:
    """Whether this process holds ``sid`` (connected or in the middle of disconnecting)."""
    return _environ(sid) is not None


def _move(sid: str, rooms: list[str], entering: bool) -> None:
    """Put a socket into rooms or take it out, on whichever process holds it."""
    server = socketio.server
    if server is None:
        return
    if _ours(sid):
        if not connected(sid):
            return  # disconnecting: it leaves every room anyway
    elif not isinstance(server.manager, PubSubManager):
        return  # one process and not ours: the socket is gone
    # For another process's socket, Socket.IO's Redis manager sends the change to that process.
    for room in rooms:
        if entering:
            server.enter_room(sid, room, namespace=NAMESPACE)
        else:
            server.leave_room(sid, room, namespace=NAMESPACE)


def enter(sid: str, meeting_id: int, facilitates: bool) -> None:
    own = facilitators_room(meeting_id) if facilitates else participants_room(meeting_id)
    _move(sid, [meeting_room(meeting_id), own], entering=True)


def leave(sid: str, meeting_id: int) -> None:
    rooms = [meeting_room(meeting_id), facilitators_room(meeting_id), participants_room(meeting_id)]
    _move(sid, rooms, entering=False)
    if _ours(sid):
        unbind(sid, meeting_id)
    else:
        _cluster().release(sid, meeting_id)


def sids_of(user_id: int) -> list[str]:
    """This process's sockets of a person."""
    if socketio.server is None:
        return []
    return [
        sid for sid, _ in socketio.server.manager.get_participants(NAMESPACE, user_room(user_id))
    ]


def disconnect_local(user_id: int, ended_only: bool = False) -> None:
    """End this process's sockets of a person, or only those whose login session ended (the
    cluster reaches the other processes)."""
    sids = sids_of(user_id)
    if ended_only:
        held = {sid: identity.of(_environ(sid)) for sid in sids}
        good = identity.valid([found for found in held.values() if found is not None])
        sids = [sid for sid, found in held.items() if found not in good]
    for sid in sids:
        socketio.server.disconnect(sid, namespace=NAMESPACE)


def end_ended_sessions() -> int:
    """Disconnect this process's sockets whose person's session ended since they connected;
    returns how many. Every path that ends a session disconnects its sockets itself: this is for
    a process that may have missed that (its control channel was cut)."""
    server = socketio.server
    if server is None:
        return 0
    held: dict[str, identity.Identity] = {}
    for sid, _ in server.manager.get_participants(NAMESPACE, None):
        found = identity.of(_environ(sid))
        if found is not None:
            held[sid] = found
    good = identity.valid(list(set(held.values())))
    ended = [sid for sid, found in held.items() if found not in good]
    for sid in ended:
        server.disconnect(sid, namespace=NAMESPACE)
    return len(ended)
