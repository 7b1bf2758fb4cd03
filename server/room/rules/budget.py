"""Each person's budget of room changes, so that nobody can flood a meeting.

Every change to the room is sent to everyone in it (a new ``room_state``), and every relay
(a chat message, a reaction, a signal) to its audience: a person who raises and lowers a hand a
hundred times a second would make the server send each member a hundred snapshots. So each
person has a token bucket per room: ``budget`` changes at once (facilitators
``facilitator_budget``: they admit, give the floor and run rounds in bursts), refilled in
``budget_window`` seconds. An event that changes the room or relays something costs one; an
event that changes nothing, or is refused, costs nothing. With the budget spent, an event is
refused with ``rate_limited`` and ``retry_after`` (seconds) before anything changes.

The dispatcher puts every event under its budget (:func:`budgeted`) unless it is registered
without one (``budgeted=False``): leaving (always allowed), ICE servers (nothing is sent to
anyone) and WebRTC signalling (its own, larger bucket: rules/media.py)."""

from __future__ import annotations

import math
from collections.abc import Callable

from server.room.errors import RoomError
from server.room.rules.outcome import Outcome
from server.room.state import Budget, RoomState

Rule = Callable[[RoomState, float], Outcome]


def spend(used: float, since: float, size: float, window: float, now: float) -> float:
    """One token more from a bucket of ``size`` tokens that refills in ``window`` seconds, of which
    ``used`` were used as of ``since``: what is used after it (``rate_limited`` when none is
    left; the caller keeps the result only if it goes ahead)."""
    rate = size / window
    used = max(0.0, used - max(0.0, now - since) * rate)
    if used + 1 > size:
        raise RoomError("rate_limited", retry_after=max(1, math.ceil((used + 1 - size) / rate)))
    return used + 1


def budgeted(actor: int, rule: Rule) -> Rule:
    """``rule``, paid for from the actor's budget when it changes the room or relays something."""

    def run(state: RoomState, now: float) -> Outcome:
        settings = state.settings
        person = state.people.get(actor)
        size = settings.facilitator_budget if person and person.facilitates else settings.budget
        found = state.budgets.get(actor) or Budget(0.0, now)
        used = spend(found.used, found.at, size, settings.budget_window, now)
        outcome = rule(state, now)
        if outcome.changed or outcome.notices:
            state.budgets[actor] = Budget(used, now)
        return outcome

    return run
