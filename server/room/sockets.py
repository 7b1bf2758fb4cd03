"""Socket bookkeeping: room names, and which meeting each socket joined.

A socket's binding (its person and meeting) lives in the socket's own WSGI environ, which
python-socketio keeps per connection: there is no module-level table of connections."""

from __future__ import annotations

from typing import Any

from server.extensions import socketio
from server.room.rules.outcome import FACILITATORS, ROOM

NAMESPACE = "/"
BINDING = "kreds.room"


def meeting_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def facilitators_room(meeting_id: int) -> str:
    return f"meeting:{meeting_id}:facilitators"


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


def bind(sid: str, user_id: int, meeting_id: int | None) -> None:
    environ = _environ(sid)
    if environ is not None:
        environ[BINDING] = {"user_id": user_id, "meeting_id": meeting_id}


def unbind(sid: str, meeting_id: int) -> None:
    found = binding(sid)
    if found.get("meeting_id") == meeting_id:
        found["meeting_id"] = None


def connected(sid: str) -> bool:
    return socketio.server is not None and socketio.server.manager.is_connected(sid, NAMESPACE)


def enter(sid: str, meeting_id: int, facilitates: bool) -> None:
    if not connected(sid):
        return
    socketio.server.enter_room(sid, meeting_room(meeting_id), namespace=NAMESPACE)
    if facilitates:
        socketio.server.enter_room(sid, facilitators_room(meeting_id), namespace=NAMESPACE)


def leave(sid: str, meeting_id: int) -> None:
    if connected(sid):
        socketio.server.leave_room(sid, meeting_room(meeting_id), namespace=NAMESPACE)
        socketio.server.leave_room(sid, facilitators_room(meeting_id), namespace=NAMESPACE)
    unbind(sid, meeting_id)


def sids_of(user_id: int) -> list[str]:
    """This process's sockets of a person."""
    if socketio.server is None:
        return []
    return [
        sid for sid, _ in socketio.server.manager.get_participants(NAMESPACE, user_room(user_id))
    ]
