"""One way into the room: the event registry and the wrapper every handler runs in.

``@room_event(name, policy=..., payload=..., checks_first=..., budgeted=...)`` registers a thin
handler. The wrapper checks the identity (the person the socket connected as,
:mod:`server.room.identity`), validates the payload, checks that the event names the socket's
meeting, pays for what the event changes from the sender's budget (:mod:`.rules.budget`), and
turns a
:class:`RoomError` into the acknowledgement ``{ok: false, error: {code, message}}`` in the
person's language; any other exception becomes ``internal`` and is logged without the payload.
The registry (event -> policy) is what docs/protocol.md and the authorisation tests are checked
against."""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask_babel
from flask import g, request, session
from flask_socketio import ConnectionRefusedError, SocketIO, join_room
from pydantic import ValidationError

from server.extensions import db
from server.i18n import current_language
from server.ops.metrics import count
from server.room import identity, rules, sockets
from server.room.errors import RoomError
from server.room.messages import message_for
from server.room.payloads import Payload
from server.room.rules import Outcome, Policy
from server.room.runtime import Rule, Stage, emit, runtime
from server.room.state import RoomState

log = logging.getLogger(__name__)
Handler = Callable[["Context", Any], dict[str, Any] | None]
# A transport that dropped keeps the person's place for the reconnection grace; a deliberate
# disconnect (by the client or the server) leaves at once.
_KEEPS_PLACE = {"transport close", "transport error", "ping timeout"}


@dataclass(frozen=True)
class EventSpec:
    name: str
    policy: Policy
    payload: type[Payload]
    handler: Handler
    # The rule refuses before it changes anything: the store keeps no copy to put back.
    checks_first: bool = False
    # What the event changes or relays is paid for from the sender's budget (rules/budget.py).
    budgeted: bool = True


REGISTRY: dict[str, EventSpec] = {}


def registered_events() -> dict[str, EventSpec]:
    """Every client event with its policy and payload model (for docs and authorisation tests)."""
    from server.room import events  # noqa: F401  (handlers register themselves on import)

    return dict(REGISTRY)


def room_event(
    name: str,
    *,
    policy: Policy,
    payload: type[Payload] = Payload,
    checks_first: bool = False,
    budgeted: bool = True,
) -> Callable[[Handler], Handler]:
    """Register a handler for a client event, with who may send it and its payload model.

    ``budgeted=False``: the event is never refused for the sender's budget of room changes and
    costs nothing from it (leaving; events that send nothing to others or have a limit of their
    own). Every other event that changes the room or relays something is paid for from it.

    ``checks_first``: every way its rule refuses comes before anything in the room changes, so
    the store need not copy the room to put it back (the relays and the queue, floor and round
    events, which are most of a meeting's events; ``tests/room/test_rules_check_first.py`` holds
    each of them to it). A bug that raises after the change leaves what the rule changed by then
    (a rate-limit count, a raised hand), and the next snapshot shows it."""

    def decorate(handler: Handler) -> Handler:
        if name in REGISTRY:
            raise ValueError(f"room event {name!r} is registered twice")
        REGISTRY[name] = EventSpec(name, policy, payload, handler, checks_first, budgeted)
        return handler

    return decorate


@dataclass
class Context:
    """Who sent an event, from which socket, about which meeting."""

    spec: EventSpec
    sid: str
    person: identity.Identity
    meeting_id: int
    # The sender's new room_state when its event changed the room (the broadcast passed this
    # socket by): it goes into the acknowledgement.
    room: dict[str, Any] | None = None

    @property
    def user_id(self) -> int:
        return self.person.user_id

    def apply(
        self,
        rule: Rule,
        *,
        create: Callable[[], RoomState] | None = None,
        stage: Stage | None = None,
    ) -> Outcome:
        """Run one rule on this meeting's state, under this event's policy and budget."""
        applied = runtime().apply(
            self.meeting_id,
            rules.budgeted(self.user_id, rule) if self.spec.budgeted else rule,
            actor_id=self.user_id,
            policy=self.spec.policy,
            create=create,
            stage=stage,
            rollback=not self.spec.checks_first,
            sid=self.sid,
        )
        if applied.room is not None:
            self.room = applied.room
        return applied.outcome

    def acknowledge(self, data: dict[str, Any] | None) -> dict[str, Any]:
        """The acknowledgement of a handler's ``data``, with the sender's new room_state."""
        if self.room is None:
            return success(data)
        return success({"room": self.room, **(data or {})})

    def refuse(self, error: RoomError, locale: str | None) -> dict[str, Any]:
        """A refusal after the room changed (a handler failing late) still sends the sender
        its new room_state, which the broadcast passed by."""
        if self.room is not None:
            emit("room_state", self.room, self.sid)
        return failure(error, locale)


def _invalid_fields(error: ValidationError, model: type[Payload]) -> list[str]:
    fields: list[str] = []
    for problem in error.errors():
        location = problem.get("loc") or ()
        name = str(location[0]) if location else ""
        # Field names only, and only the model's own: no echo of what the client sent.
        fields.append(name if name in model.model_fields else "(extra)")
    return sorted(set(fields))


def _parse(spec: EventSpec, args: tuple[Any, ...]) -> Payload:
    if len(args) != 1:
        raise RoomError("invalid")
    try:
        return spec.payload.model_validate(args[0])
    except ValidationError as error:
        raise RoomError("invalid", fields=_invalid_fields(error, spec.payload)) from None


def failure(error: RoomError, locale: str | None = None) -> dict[str, Any]:
    """The refusal's acknowledgement, its message in ``locale`` (else the request's language)."""
    count("kreds_room_errors_total", code=error.code)
    if locale is None:
        message = message_for(error.code)
    else:
        with flask_babel.force_locale(locale):
            message = message_for(error.code)
    body = {"code": error.code, "message": message, **error.details}
    return {"ok": False, "error": body}


def success(data: dict[str, Any] | None) -> dict[str, Any]:
    return {"ok": True, "data": data or {}}


def _log_internal(event: str, error: Exception) -> None:
    # The exception's message may quote what someone wrote: only its type and the code path.
    frames = traceback.extract_tb(error.__traceback__)
    where = " < ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    log.error("room event %s failed: %s at %s", event, type(error).__name__, where)


def dispatch(spec: EventSpec, args: tuple[Any, ...]) -> dict[str, Any]:
    sid = str(request.sid)  # type: ignore[attr-defined]
    count("kreds_room_events_total", event=spec.name)
    person = identity.of(request.environ)
    locale = person.locale if person is not None else None
    context: Context | None = None
    try:
        if person is None:
            raise RoomError("not_logged_in")
        payload = _parse(spec, args)
        if spec.policy == "connected":
            meeting_id = payload.meeting_id
        else:
            meeting_id = sockets.binding(sid).get("meeting_id") or 0
            if not meeting_id:
                raise RoomError("not_joined")
            if payload.meeting_id != meeting_id:
                raise RoomError("wrong_meeting")
        context = Context(spec=spec, sid=sid, person=person, meeting_id=meeting_id)
        return context.acknowledge(spec.handler(context, payload))
    except RoomError as error:
        return failure(error, locale) if context is None else context.refuse(error, locale)
    except Exception as error:
        db.session.rollback()
        _log_internal(spec.name, error)
        internal = RoomError("internal")
        return failure(internal, locale) if context is None else context.refuse(internal, locale)


def _handler_for(spec: EventSpec) -> Callable[..., dict[str, Any]]:
    def handle(*args: Any) -> dict[str, Any]:
        return dispatch(spec, args)

    handle.__name__ = f"room_{spec.name}"
    return handle


def on_connect(auth: Any = None) -> None:
    """Only a logged-in session gets a socket (same origin is Engine.IO's default). The person is
    read here once and kept with the socket (:mod:`server.room.identity`)."""
    g.pop("_login_user", None)
    flask_babel.refresh()
    user = identity.current()
    if user is None:
        raise ConnectionRefusedError("not_logged_in")
    sid = str(request.sid)  # type: ignore[attr-defined]
    person = identity.remember(request.environ, user, current_language(), session)
    join_room(sockets.user_room(person.user_id))
    # Now that disconnect_user finds this socket, check the account once more: a session ended
    # between the read above and the join is refused here, any later one disconnects it (a new
    # statement sees every commit made before it: SQLite, and PostgreSQL's read committed).
    if not identity.valid([person]):
        raise ConnectionRefusedError("not_logged_in")
    sockets.bind(sid, person.user_id, None)


def leave_meeting(sid: str, keep_place: bool) -> None:
    """This socket is leaving its meeting (dropped, disconnected, or joining another)."""
    found = sockets.binding(sid)
    meeting_id, user_id = found.get("meeting_id"), found.get("user_id")
    if not meeting_id or not user_id:
        return
    sockets.leave(sid, meeting_id)

    with contextlib.suppress(RoomError):  # the room is gone already
        runtime().apply(
            meeting_id, lambda state, now: rules.disconnect(state, user_id, sid, now, keep_place)
        )


def on_disconnect(reason: Any = None) -> None:
    try:
        leave_meeting(str(request.sid), keep_place=str(reason) in _KEEPS_PLACE)  # type: ignore[attr-defined]
    except Exception as error:
        db.session.rollback()
        _log_internal("disconnect", error)


def on_unknown(event: Any, *args: Any) -> dict[str, Any]:
    count("kreds_room_events_total", event="(unknown)")  # never the name the client sent
    return failure(RoomError("unknown_event"))


def register(socketio: SocketIO) -> None:
    socketio.on_event("connect", on_connect)
    socketio.on_event("disconnect", on_disconnect)
    for spec in REGISTRY.values():
        socketio.on_event(spec.name, _handler_for(spec))
    socketio.on_event("*", on_unknown)
