"""Moderation: removing someone, breaks with a countdown, the content-warning notice, ending.

Every moderation action names an audit action (who did what to whom; never content). Facilitators
and co-facilitators have the same rights; they cannot remove each other."""

from __future__ import annotations

from server.room.errors import RoomError
from server.room.rules.common import require_facilitator, target_anywhere
from server.room.rules.floor import pause_floor, resume_floor, turn_deadline_reached
from server.room.rules.outcome import ROOM, Notice, Outcome, Sockets, TimerRequest, to_user
from server.room.rules.presence import drop_person, reconnect_grace_over
from server.room.state import Break, RoomState

MAX_BREAK_MINUTES = 60
REMOVAL_SCOPES = ("meeting", "group")


def remove(state: RoomState, actor: int, target: int, scope: str, now: float) -> Outcome:
    """Out of this meeting for good (scope "meeting"), or out of the group too ("group": the
    caller then marks the membership removed)."""
    require_facilitator(state, actor)
    if scope not in REMOVAL_SCOPES:
        raise RoomError("invalid")
    person = target_anywhere(state, target)
    if person.facilitates or target == actor:
        raise RoomError("forbidden")
    outcome = drop_person(state, target, now)
    state.barred[target] = person.name
    data = {"meeting_id": state.meeting_id, "scope": scope}
    outcome.notices.append(Notice(to_user(target), "removed", data))
    action = "room.remove" if scope == "meeting" else "room.remove_from_group"
    outcome.audit.append((action, target))
    return outcome


def start_break(state: RoomState, actor: int, minutes: int, now: float) -> Outcome:
    """A break with a countdown: the queue and the floor are frozen until it ends."""
    require_facilitator(state, actor)
    if not 1 <= minutes <= MAX_BREAK_MINUTES:
        raise RoomError("invalid")
    pause_floor(state, now)
    state.pause = Break(until=now + minutes * 60, token=state.next_id("b"))
    timer = TimerRequest("break_end", state.pause.until, state.pause.token)
    return Outcome(timers=[timer], audit=[("room.break", None)])


def _end_break(state: RoomState, now: float) -> Outcome:
    state.pause = None
    return Outcome(timers=resume_floor(state, now))


def end_break(state: RoomState, actor: int, now: float) -> Outcome:
    require_facilitator(state, actor)
    if state.pause is None:
        return Outcome(changed=False)
    return _end_break(state, now)


def break_over(state: RoomState, token: str, now: float) -> Outcome:
    if state.pause is None or state.pause.token != token:
        return Outcome(changed=False)
    return _end_break(state, now)


def set_content_warning(state: RoomState, actor: int, on: bool, now: float) -> Outcome:
    """A notice that what comes next may be hard to hear (a fixed text shown by clients)."""
    require_facilitator(state, actor)
    if state.content_warning == on:
        return Outcome(changed=False)
    state.content_warning = on
    return Outcome(audit=[("room.content_warning", None)] if on else [])


def _end(state: RoomState, reason: str) -> Outcome:
    state.ended = True
    data = {"meeting_id": state.meeting_id, "reason": reason}
    outcome = Outcome(ended=True, notices=[Notice(ROOM, "meeting_ended", data)])
    for person in state.people.values():
        if not person.admitted:
            outcome.notices.append(Notice(to_user(person.user_id), "meeting_ended", data))
        outcome.released.append(Sockets(person.user_id, tuple(person.sids), person.facilitates))
    return outcome


def end_meeting(state: RoomState, actor: int, now: float) -> Outcome:
    require_facilitator(state, actor)
    outcome = _end(state, "ended")
    outcome.audit.append(("room.end", None))
    return outcome


def close(state: RoomState, now: float) -> Outcome:
    """The meeting was cancelled from outside the room (an admin): everyone leaves."""
    if state.ended:
        return Outcome(changed=False)
    return _end(state, "closed")


def on_timer(state: RoomState, kind: str, token: str, now: float) -> Outcome:
    """A timer fired: it acts only if the state still matches its token (fires once)."""
    if kind == "turn_deadline":
        return turn_deadline_reached(state, token, now)
    if kind == "break_end":
        return break_over(state, token, now)
    if kind == "reconnect_grace":
        return reconnect_grace_over(state, token, now)
    if kind == "meeting_close":
        if state.ended or now + 1 < state.settings.closes_at:
            return Outcome(changed=False)
        return _end(state, "closed")
    raise RoomError("invalid")
