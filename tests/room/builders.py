"""Room states for testing the rules directly (no Flask, no sockets)."""

from __future__ import annotations

from typing import Any

import pytest

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules.presence import Entrant, join
from server.room.core.state import RoomState, Settings

FACILITATOR = 1
CO_FACILITATOR = 2
T0 = 1_000.0


def new_state(capacity: int = 6, auto_admit: bool = False, **settings: float) -> RoomState:
    return RoomState(
        meeting_id=7,
        group_id=3,
        settings=Settings(
            capacity=capacity, auto_admit=auto_admit, closes_at=T0 + 10_000, **settings
        ),
    )


def arrive(state: RoomState, user_id: int, role: str = "participant", now: float = T0) -> None:
    """Someone's socket ``s<user_id>`` joins (facilitators enter the room, others wait)."""
    join(state, Entrant(user_id, f"P{user_id}", role), f"s{user_id}", now)


def running_room(participants: int = 3, co: bool = False, **settings: float) -> RoomState:
    """A room with a facilitator (id 1), maybe a co-facilitator (id 2) and participants
    10, 11, … admitted, in that order."""
    state = new_state(**settings)
    arrive(state, FACILITATOR, "facilitator")
    if co:
        arrive(state, CO_FACILITATOR, "co_facilitator")
    for user_id in range(10, 10 + participants):
        arrive(state, user_id)
        act(state, "admit", FACILITATOR, T0, user_id=user_id)
    return state


def refused(
    code: str, state: RoomState, event: str, actor: int, now: float = T0, **fields: Any
) -> None:
    """``event`` from ``actor`` is refused with ``code``."""
    with pytest.raises(RoomError) as error:
        act(state, event, actor, now, **fields)
    assert error.value.code == code
