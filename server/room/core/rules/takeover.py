"""A room that comes to a process from its snapshot: the process that held it stopped, or handed
it over. Every socket the snapshot names was on that process, and the room's timers were that
process's too.

:func:`take_over` treats each of those sockets as a dropped connection — the people keep their
places (lobby, queue, floor, round turn) for the reconnection grace, as when a network drops, and
their browsers join again — and asks again for every timer the room still waits for
(:func:`pending_timers`). A timer checks its token when it fires, so one asked for twice acts
once."""

from __future__ import annotations

from server.room.core.outcome import Outcome, TimerRequest
from server.room.core.rules.floor import deadline_timer
from server.room.core.rules.moderation import break_timer
from server.room.core.rules.presence import close_timer, disconnect, grace_timer
from server.room.core.state import RoomState

# Server-made ids (chat messages, topics, turns) continue this far past the snapshot's counter:
# ids handed out after the last snapshot (a chat message changes no snapshot) are never reused.
SEQ_GAP = 10_000


def pending_timers(state: RoomState) -> list[TimerRequest]:
    """Every timer that would still act when due: the meeting's closing time, the end of a
    break, the end of the speaker's time, the end of each dropped person's grace."""
    timers: list[TimerRequest] = []
    if state.close_scheduled and not state.ended:
        timers.append(close_timer(state))
    if state.pause is not None:
        timers.append(break_timer(state.pause))
    if state.floor is not None:
        timers += deadline_timer(state.floor)
    for person in state.people.values():
        if person.disconnected_at is not None and not person.connected:
            timers.append(grace_timer(state, person))
    return sorted(timers, key=lambda timer: timer.at)


def take_over(state: RoomState, now: float) -> Outcome:
    """This process holds the room from now on: its sockets were elsewhere and are gone."""
    state.seq += SEQ_GAP
    outcome = Outcome(changed=False)
    for person in list(state.people.values()):
        for sid in list(person.sids):
            outcome.merge(disconnect(state, person.user_id, sid, now, keep_place=True))
    outcome.timers = pending_timers(state)
    return outcome
