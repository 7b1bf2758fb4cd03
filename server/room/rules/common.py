"""Checks every rule shares: who is acting, on whom, and whether the room allows it now."""

from __future__ import annotations

from typing import Any, Literal

from server.room.errors import RoomError
from server.room.state import Person, RoomState

Policy = Literal["connected", "lobby", "admitted", "facilitator"]
POLICIES: tuple[Policy, ...] = ("connected", "lobby", "admitted", "facilitator")


def who(person: Person) -> dict[str, Any]:
    return {"user_id": person.user_id, "name": person.name}


def require_joined(state: RoomState, user_id: int) -> Person:
    person = state.people.get(user_id)
    if person is None:
        raise RoomError("not_joined")
    return person


def require_admitted(state: RoomState, user_id: int) -> Person:
    person = require_joined(state, user_id)
    if not person.admitted:
        raise RoomError("not_admitted")
    return person


def require_facilitator(state: RoomState, user_id: int) -> Person:
    person = require_admitted(state, user_id)
    if not person.facilitates:
        raise RoomError("forbidden")
    return person


def require_policy(state: RoomState, user_id: int, policy: Policy) -> None:
    """The registry's policy for an event, checked inside the same transaction as the rule."""
    if policy == "lobby":
        require_joined(state, user_id)
    elif policy == "admitted":
        require_admitted(state, user_id)
    elif policy == "facilitator":
        require_facilitator(state, user_id)


def target_in_room(state: RoomState, user_id: int) -> Person:
    person = state.people.get(user_id)
    if person is None or not person.admitted:
        raise RoomError("not_present")
    return person


def target_anywhere(state: RoomState, user_id: int) -> Person:
    person = state.people.get(user_id)
    if person is None:
        raise RoomError("not_present")
    return person


def require_not_on_break(state: RoomState) -> None:
    if state.pause is not None:
        raise RoomError("on_break")


def require_not_holding(state: RoomState) -> None:
    if state.holding_since is not None:
        raise RoomError("on_hold")


def clean_text(text: str, limit: int, *, required: bool = True) -> str:
    """Trimmed text within the limit; blank text is refused when it is required."""
    if not isinstance(text, str) or len(text) > limit:
        raise RoomError("invalid")
    text = text.strip()
    if required and not text:
        raise RoomError("invalid")
    return text


def check_rate(state: RoomState, person: Person, now: float) -> None:
    """At most ``chat_limit`` relayed messages per ``chat_window`` seconds per person."""
    window = state.settings.chat_window
    recent = [t for t in person.sent_at if now - t < window]
    if len(recent) >= state.settings.chat_limit:
        # Refused: nothing changes (the relays' rules refuse before they change anything).
        retry_after = max(1, round(window - (now - min(recent))))
        raise RoomError("rate_limited", retry_after=retry_after)
    person.sent_at = [*recent, now]
