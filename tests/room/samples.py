"""A well-formed payload (besides ``meeting_id``) for every client event, acting on a target,
made from the event's payload model: an event added to the registry has one without more ado."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic.fields import FieldInfo

from server.room.socket.dispatch import registered_events

TARGET = "<target>"  # replaced by the id of the person acted on
# The smallest well-formed session description (a browser's is a few kilobytes).
SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
# By field name, where the type alone does not say what is well-formed.
BY_NAME: dict[str, Any] = {
    "user_id": TARGET,
    "to_user_id": TARGET,
    "text": "hello",
    "message": "Not today",
    "message_id": "m1",
    "topic_id": "t1",
    "description": {"type": "offer", "sdp": SDP},
}


def _sample(name: str, info: FieldInfo) -> Any:
    if name in BY_NAME:
        return BY_NAME[name]
    kind, constraints = info.annotation, list(info.metadata)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):  # optional: its type inside
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if typing.get_origin(kind) is typing.Annotated:
        kind, *inner = typing.get_args(kind)
        constraints += [m for field in inner for m in getattr(field, "metadata", [field])]
    if typing.get_origin(kind) is typing.Literal:
        return typing.get_args(kind)[0]
    if kind is bool:
        return True
    lowest = [m.ge for m in constraints if getattr(m, "ge", None) is not None]
    if kind is int and lowest:
        return lowest[0]
    raise TypeError(f"no sample for the field {name!r} ({kind!r}): add one to BY_NAME")


_SAMPLES: dict[str, dict[str, Any]] = {
    event: {
        name: _sample(name, info)
        for name, info in spec.payload.model_fields.items()
        if name != "meeting_id" and (info.is_required() or name in BY_NAME)
    }
    for event, spec in registered_events().items()
}
EVENTS_WITH_SAMPLES = set(_SAMPLES)


def sample_payload(event: str, target: int) -> dict[str, Any]:
    return {k: target if v == TARGET else v for k, v in _SAMPLES[event].items()}
