"""Moderation: removing someone, breaks with a countdown, the content-warning notice, ending.

Every moderation action names an audit action (who did what to whom; never content). Facilitators
and co-facilitators have the same rights; they cannot remove each other."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from server.room.core.errors import RoomError
from server.room.core.outcome import ROOM, Notice, Outcome, Sockets, TimerRequest, to_user
from server.room.core.payloads import Payload, Target
from server.room.core.rule import rule, target_anywhere
from server.room.core.rules.floor import pause_floor, resume_floor, turn_deadline_reached
from server.room.core.rules.presence import drop_person, reconnect_grace_over
from server.room.core.state import Break, Person, RoomState

MAX_BREAK_MINUTES = 60


class BreakLength(Payload):
    minutes: Annotated[int, Field(ge=1, le=MAX_BREAK_MINUTES)]


class ContentWarning(Payload):
    on: bool


def _remove(state: RoomState, actor: Person, target: int, scope: str, now: float) -> Outcome:
    person = target_anywhere(state, target)
    if person.facilitates or person is actor:
        raise RoomError("forbidden")
    outcome = drop_person(state, target, now)
    state.barred[target] = person.name
    data = {"meeting_id": state.meeting_id, "scope": scope}
    outcome.notices.append(Notice(to_user(target), "removed", data))
    return outcome


@rule("remove_from_meeting", "facilitator", Target)
def remove_from_meeting(state: RoomState, actor: Person, p: Target, now: float) -> Outcome:
    """Out of this meeting for good: they cannot join it again."""
    outcome = _remove(state, actor, p.user_id, "meeting", now)
    outcome.audit.append(("room.remove", p.user_id))
    return outcome


@rule("remove_from_group", "facilitator", Target)
def remove_from_group(state: RoomState, actor: Person, p: Target, now: float) -> Outcome:
    """Out of this meeting and out of the group: their membership is marked removed, in the same
    transaction as the audit entry."""
    outcome = _remove(state, actor, p.user_id, "group", now)
    outcome.audit.append(("room.remove_from_group", p.user_id))
    outcome.memberships_removed.append(p.user_id)
    return outcome


@rule("start_break", "facilitator", BreakLength)
def start_break(state: RoomState, actor: Person, p: BreakLength, now: float) -> Outcome:
    """A break with a countdown: the queue and the floor are frozen until it ends."""
    pause_floor(state, now)
    state.pause = Break(until=now + p.minutes * 60, token=state.next_id("b"))
    return Outcome(timers=[break_timer(state.pause)], audit=[("room.break", None)])


def break_timer(pause: Break) -> TimerRequest:
    """The timer that ends a break when its countdown runs out."""
    return TimerRequest("break_end", pause.until, pause.token)


def _end_break(state: RoomState, now: float) -> Outcome:
    state.pause = None
    return Outcome(timers=resume_floor(state, now))


@rule("end_break", "facilitator")
def end_break(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    if state.pause is None:
        return Outcome(changed=False)
    return _end_break(state, now)


def break_over(state: RoomState, token: str, now: float) -> Outcome:
    if state.pause is None or state.pause.token != token:
        return Outcome(changed=False)
    return _end_break(state, now)


@rule("content_warning", "facilitator", ContentWarning)
def set_content_warning(state: RoomState, actor: Person, p: ContentWarning, now: float) -> Outcome:
    """A notice that what comes next may be hard to hear (a fixed text shown by clients)."""
    if state.content_warning == p.on:
        return Outcome(changed=False)
    state.content_warning = p.on
    return Outcome(audit=[("room.content_warning", None)] if p.on else [])


def _end(state: RoomState, reason: str) -> Outcome:
    state.ended = True
    data = {"meeting_id": state.meeting_id, "reason": reason}
    outcome = Outcome(ended=True, notices=[Notice(ROOM, "meeting_ended", data)])
    for person in state.people.values():
        if not person.admitted:
            outcome.notices.append(Notice(to_user(person.user_id), "meeting_ended", data))
        outcome.released.append(Sockets(person.user_id, tuple(person.sids), person.facilitates))
    return outcome


@rule("end_meeting", "facilitator")
def end_meeting(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
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
