"""Entering and leaving: the lobby, admission, the lock, presence, reconnection, the hold.

The database checks (membership, the meeting's window, the agreement) happen before these rules
run; here the room decides: barred, locked, full, lobby or room. A person whose last socket drops
keeps their place (queue, floor, round turn) for the reconnection grace; if every facilitator is
gone, the room holds: no admissions and the floor paused."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from server.room.core.errors import RoomError
from server.room.core.outcome import FACILITATORS, Notice, Outcome, Sockets, TimerRequest, to_user
from server.room.core.payloads import Payload, Target
from server.room.core.rule import clean_text, rule, target_anywhere, who
from server.room.core.rules.floor import end_floor, pause_floor, resume_floor
from server.room.core.rules.rounds import leave_round
from server.room.core.state import ROOM, Person, RoomState


class Leave(Payload):
    # Left with "Leave quickly": the facilitators are told, privately, so that they can follow up
    # as the group agreed.
    quick: bool = False


class Status(Payload):
    status: Literal["here", "away"]


DECLINE_MESSAGE_LIMIT = 200


class Decline(Target):
    message: Annotated[str, Field(max_length=DECLINE_MESSAGE_LIMIT)] = ""


class Lock(Payload):
    locked: bool


@dataclass(frozen=True)
class Entrant:
    """Someone the database let through: an active member, inside the window, agreement accepted."""

    user_id: int
    name: str
    role: str


def _participants(people: list[Person]) -> int:
    return sum(1 for p in people if not p.facilitates)


def _admit(state: RoomState, person: Person, now: float) -> Outcome:
    if not person.facilitates and _participants(state.in_room()) >= state.settings.capacity:
        raise RoomError("full")
    person.where = ROOM
    person.arrived_at = now
    sockets = Sockets(person.user_id, tuple(person.sids), person.facilitates, new=True)
    notice = Notice(to_user(person.user_id), "admitted", {"meeting_id": state.meeting_id})
    return Outcome(entered=[sockets], notices=[notice])


def _auto_admit(state: RoomState, now: float) -> Outcome:
    outcome = Outcome(changed=False)
    if not state.settings.auto_admit or not state.facilitator_connected():
        return outcome
    for person in state.in_lobby():
        if _participants(state.in_room()) >= state.settings.capacity:
            break
        outcome.merge(_admit(state, person, now))
    return outcome


def update_holding(state: RoomState, now: float) -> Outcome:
    """Hold the room while no facilitator is connected in it; release it when one is back."""
    outcome = Outcome(changed=False)
    if not state.facilitator_connected():
        if state.holding_since is None:
            state.holding_since = now
            pause_floor(state, now)
            outcome.changed = True
        return outcome
    if state.holding_since is not None:
        state.holding_since = None
        outcome.timers += resume_floor(state, now)
        outcome.changed = True
    return outcome.merge(_auto_admit(state, now))


def join(state: RoomState, entrant: Entrant, sid: str, now: float) -> Outcome:
    """A socket of an allowed member enters: back to their place, into the lobby or the room."""
    if entrant.user_id in state.barred:
        raise RoomError("barred")
    outcome = Outcome()
    person = state.people.get(entrant.user_id)
    if person is not None:
        # Back within the grace (or another tab): the same place, whatever the lock says.
        if sid not in person.sids:
            person.sids.append(sid)
        person.disconnected_at = None
        if person.admitted:
            outcome.entered.append(Sockets(person.user_id, (sid,), person.facilitates))
    else:
        person = Person(
            user_id=entrant.user_id,
            name=entrant.name,
            role=entrant.role,
            sids=[sid],
            arrived_at=now,
        )
        if not person.facilitates:
            if state.locked:
                raise RoomError("locked")
            if _participants(list(state.people.values())) >= state.settings.capacity:
                raise RoomError("full")
        state.people[person.user_id] = person
        if person.facilitates:
            outcome.merge(_admit(state, person, now))
    if not state.close_scheduled:
        state.close_scheduled = True
        outcome.timers.append(close_timer(state))
    outcome.merge(update_holding(state, now))
    outcome.data = {"where": person.where}
    return outcome


@rule("admit", "facilitator", Target)
def admit(state: RoomState, actor: Person, p: Target, now: float) -> Outcome:
    person = target_anywhere(state, p.user_id)
    if person.admitted:
        return Outcome(changed=False)
    return _admit(state, person, now)


@rule("admit_all", "facilitator")
def admit_all(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    """Everyone waiting, in order of arrival, as far as the capacity allows."""
    outcome = Outcome(changed=False)
    for person in sorted(state.in_lobby(), key=lambda p: p.arrived_at):
        if not person.facilitates and _participants(state.in_room()) >= state.settings.capacity:
            outcome.data = {"full": True}
            break
        outcome.merge(_admit(state, person, now))
    return outcome


@rule("decline", "facilitator", Decline)
def decline(state: RoomState, actor: Person, p: Decline, now: float) -> Outcome:
    """Send someone away from the lobby with a short message (relayed, not kept)."""
    target = p.user_id
    person = target_anywhere(state, target)
    if person.admitted:
        raise RoomError("not_present")
    message = clean_text(p.message, required=False)
    del state.people[target]
    notice = Notice(
        to_user(target), "declined", {"meeting_id": state.meeting_id, "message": message}
    )
    return Outcome(
        notices=[notice],
        released=[Sockets(target, tuple(person.sids))],
        audit=[("room.decline", target)],
    )


@rule("lock", "facilitator", Lock)
def set_lock(state: RoomState, actor: Person, p: Lock, now: float) -> Outcome:
    if state.locked == p.locked:
        return Outcome(changed=False)
    state.locked = p.locked
    return Outcome(audit=[("room.lock" if p.locked else "room.unlock", None)])


@rule("set_status", "admitted", Status)
def set_status(state: RoomState, actor: Person, p: Status, now: float) -> Outcome:
    """Stepping out ("away") and back ("here")."""
    if actor.status == p.status:
        return Outcome(changed=False)
    actor.status = p.status
    return Outcome()


def drop_person(state: RoomState, user_id: int, now: float) -> Outcome:
    """Out of the meeting's state: queue, round, floor; their sockets leave the rooms."""
    outcome = Outcome()
    if user_id in state.queue:
        state.queue.remove(user_id)
    if state.round is not None and user_id in state.round.order:
        outcome.merge(leave_round(state, user_id, now))
    elif state.floor is not None and state.floor.user_id == user_id:
        end_floor(state, now)
    person = state.people.pop(user_id)
    outcome.released.append(Sockets(user_id, tuple(person.sids), person.facilitates))
    return outcome.merge(update_holding(state, now))


# Leaving is never refused for going too fast.
@rule("leave", "joined", Leave, budgeted=False)
def leave(state: RoomState, actor: Person, p: Leave, now: float) -> Outcome:
    """Leaving on purpose: no place is kept. Leaving with "Leave quickly" also tells the
    facilitators, privately (a ``private_signal`` of kind ``left_quickly``; the agreement page says
    so), so that they can follow up as the group agreed."""
    outcome = drop_person(state, actor.user_id, now)
    if p.quick:
        data = {"meeting_id": state.meeting_id, "from": who(actor), "kind": "left_quickly"}
        outcome.notices.append(Notice(FACILITATORS, "private_signal", {**data, "at": now}))
    return outcome


def close_timer(state: RoomState) -> TimerRequest:
    """The timer that ends the meeting at its closing time (set by the first arrival)."""
    return TimerRequest("meeting_close", state.settings.closes_at, "close")


def _grace_token(person: Person) -> str:
    return f"{person.user_id}:{person.disconnected_at!r}"


def grace_timer(state: RoomState, person: Person) -> TimerRequest:
    """The timer that frees the place of someone whose last socket dropped, unless they are back
    in time."""
    ends = (person.disconnected_at or 0.0) + state.settings.reconnect_grace
    return TimerRequest("reconnect_grace", ends, _grace_token(person))


def disconnect(
    state: RoomState, user_id: int, sid: str, now: float, keep_place: bool = True
) -> Outcome:
    """A socket went away. When it was the person's last one: a dropped connection starts the
    reconnection grace (lobby or room, the place is kept until it ends); a deliberate disconnect
    (``keep_place=False``) leaves at once."""
    person = state.people.get(user_id)
    if person is None or sid not in person.sids:
        return Outcome(changed=False)
    person.sids.remove(sid)
    if person.sids:
        return Outcome(changed=False)
    if not keep_place:
        return drop_person(state, user_id, now)
    person.disconnected_at = now
    outcome = Outcome(timers=[grace_timer(state, person)])
    return outcome.merge(update_holding(state, now))


def reconnect_grace_over(state: RoomState, token: str, now: float) -> Outcome:
    """Timer: someone did not come back in time; their place (queue, floor, round) is freed."""
    user_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else -1
    person = state.people.get(user_id)
    if person is None or person.connected or _grace_token(person) != token:
        return Outcome(changed=False)
    return drop_person(state, user_id, now)
