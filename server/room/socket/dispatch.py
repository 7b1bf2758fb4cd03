"""One way into the room: every client event, from the Socket.IO packet to its acknowledgement.

For each event the wrapper reads who the socket is (:mod:`server.room.live.connections`),
validates the payload against the event's model, checks that the event names the socket's
meeting, runs it, and answers ``{ok: true, data}`` or ``{ok: false, error: {code, message}}``
in the person's language; any other exception becomes ``internal`` and is logged without the
payload. Most events are room rules (:func:`server.room.core.rule.rule`, run with the policy and
budget by :func:`server.room.core.rule.perform`); the few that are not (joining, ICE servers)
are registered in :mod:`.events`."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import flask_babel
from flask import g, request, session
from flask_socketio import ConnectionRefusedError, SocketIO

from server import tuning
from server.extensions import db
from server.i18n import current_language
from server.metrics import count
from server.room.core import rules  # noqa: F401  (importing them registers every rule)
from server.room.core.errors import RoomError
from server.room.core.payloads import Payload
from server.room.core.rule import RULES, RuleSpec, parse, perform
from server.room.live import identity
from server.room.live.runtime import Sender, runtime
from server.room.socket.events import SOCKET_EVENTS, Event, SocketEvent
from server.room.socket.messages import message_for

log = logging.getLogger(__name__)
# A transport that dropped keeps the person's place for the reconnection grace; a deliberate
# disconnect (by the client or the server) leaves at once.
_KEEPS_PLACE = {"transport close", "transport error", "ping timeout"}


def registered_events() -> dict[str, RuleSpec | SocketEvent]:
    """Every client event with its policy and payload model (docs and authorisation tests)."""
    twice = RULES.keys() & SOCKET_EVENTS.keys()
    if twice:
        raise ValueError(f"room events registered twice: {sorted(twice)}")
    return {**RULES, **SOCKET_EVENTS}


def run_rule(spec: RuleSpec, event: Event, payload: Payload) -> dict[str, Any]:
    """A room rule's event: the rule's data, and the sender's new room_state when it changed."""
    user_id = event.person.user_id
    applied = runtime().on_event(
        event.meeting_id,
        Sender(user_id, event.sid),
        lambda state, now: perform(spec, state, user_id, payload, now),
    )
    if applied.room is None:
        return applied.outcome.data
    return {"room": applied.room, **applied.outcome.data}


def failure(error: RoomError, locale: str | None = None) -> dict[str, Any]:
    """The refusal's acknowledgement, its message in ``locale`` (else the request's language)."""
    count("kreds_room_errors_total", code=error.code)
    if locale is None:
        message = message_for(error.code)
    else:
        with flask_babel.force_locale(locale):
            message = message_for(error.code)
    return {"ok": False, "error": {"code": error.code, "message": message, **error.details}}


def _log_internal(event: str, error: Exception) -> None:
    # The exception's message may quote what someone wrote: only its type and the code path.
    frames = traceback.extract_tb(error.__traceback__)
    where = " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    log.error("room event %s failed: %s at %s", event, type(error).__name__, where)


def dispatch(spec: RuleSpec | SocketEvent, args: tuple[Any, ...]) -> dict[str, Any]:
    sid = str(request.sid)  # type: ignore[attr-defined]
    count("kreds_room_events_total", event=spec.name)
    connections = runtime().connections
    person = connections.who(sid)
    locale = person.locale if person is not None else None
    try:
        if person is None:
            raise RoomError("not_logged_in")
        if len(args) != 1:
            raise RoomError("invalid")
        payload = parse(spec.payload, args[0])
        if spec.policy == "connected":
            meeting_id = payload.meeting_id
            if not connections.may_join(sid, meeting_id):
                raise RoomError("wrong_meeting")
        else:
            meeting_id = connections.meeting_of(sid) or 0
            if not meeting_id:
                raise RoomError("not_joined")
            if payload.meeting_id != meeting_id:
                raise RoomError("wrong_meeting")
        event = Event(person, sid, meeting_id)
        if isinstance(spec, SocketEvent):
            data = spec.handler(event, payload)
        else:
            data = run_rule(spec, event, payload)
        return {"ok": True, "data": data}
    except RoomError as error:
        return failure(error, locale)
    except Exception as error:
        db.session.rollback()
        _log_internal(spec.name, error)
        return failure(RoomError("internal"), locale)


def on_connect(auth: Any = None) -> None:
    """Only a logged-in session gets a socket (same origin is Engine.IO's default). The person is
    read here once and kept with the socket (:mod:`server.room.live.identity`), with the meeting
    the connection is for (its query's ``meeting``, on which nginx routes it)."""
    g.pop("_login_user", None)
    flask_babel.refresh()
    meeting_id = _connection_meeting()
    user = identity.current()
    if user is None:
        raise ConnectionRefusedError("not_logged_in")
    sid = str(request.sid)  # type: ignore[attr-defined]
    tuning.keep_socket_session(request.environ, session)
    person = identity.remember(request.environ, user, current_language())
    runtime().connections.connected_as(sid, person, meeting_id)
    # Now that disconnect_user finds this socket, check the account once more: a session ended
    # between the read above and the join is refused here, any later one disconnects it (a new
    # statement sees every commit made before it: SQLite, and PostgreSQL's read committed).
    if not identity.valid([person]):
        raise ConnectionRefusedError("not_logged_in")


def _connection_meeting() -> int | None:
    """The meeting the connection is made for: its query's ``meeting`` (None: it names none). A
    value that is no meeting id refuses the connection."""
    given = request.args.get("meeting")
    if given is None:
        return None
    if given.isascii() and given.isdigit() and len(given) <= 10 and 1 <= int(given) < 2**31:
        return int(given)
    raise ConnectionRefusedError("invalid")


def on_disconnect(reason: Any = None) -> None:
    try:
        runtime().socket_gone(str(request.sid), keep_place=str(reason) in _KEEPS_PLACE)  # type: ignore[attr-defined]
    except Exception as error:
        db.session.rollback()
        _log_internal("disconnect", error)


def on_unknown(event: Any, *args: Any) -> dict[str, Any]:
    count("kreds_room_events_total", event="(unknown)")  # never the name the client sent
    return failure(RoomError("unknown_event"))


def register(socketio: SocketIO) -> None:
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    for name, spec in registered_events().items():
        socketio.on_event(name, _handler_for(spec))
    socketio.on_event("*", on_unknown)


def _handler_for(spec: RuleSpec | SocketEvent) -> Callable[..., dict[str, Any]]:
    def handle(*args: Any) -> dict[str, Any]:
        return dispatch(spec, args)

    handle.__name__ = f"room_{spec.name}"
    return handle
