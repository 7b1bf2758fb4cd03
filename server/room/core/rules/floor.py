"""The talking-turn queue and the floor: one voice at a time.

Hands are raised and lowered idempotently; facilitators give, take and pass on the floor; an
optional turn limit makes the server announce when time is up (it never cuts anyone off). During a
break the queue and the floor are frozen; while every facilitator is away the floor is paused."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from server.room.core.errors import RoomError
from server.room.core.outcome import ROOM, Notice, Outcome, TimerRequest
from server.room.core.payloads import Payload, Target
from server.room.core.rule import require_not_on_break, rule, target_in_room
from server.room.core.state import Balance, Floor, Person, RoomState

# A turn limit, in seconds (None: no limit).
MIN_TURN_LIMIT = 15
MAX_TURN_LIMIT = 3600


class Move(Target):
    direction: Literal["up", "down"]


class TurnLimit(Payload):
    seconds: Annotated[int, Field(ge=MIN_TURN_LIMIT, le=MAX_TURN_LIMIT)] | None


# A timer may wake a little early; within this margin it counts as on time.
TIMER_SLACK = 0.5


def balance_of(state: RoomState, user_id: int) -> Balance:
    if user_id not in state.balance:
        person = state.people.get(user_id)
        state.balance[user_id] = Balance(name=person.name if person else "")
    return state.balance[user_id]


def floor_paused(state: RoomState) -> bool:
    return state.pause is not None or state.holding_since is not None


def deadline_timer(floor: Floor) -> list[TimerRequest]:
    """The timer that announces the end of this turn's time (none without a running limit)."""
    if floor.deadline is None or floor.time_up:
        return []
    return [TimerRequest("turn_deadline", floor.deadline, floor.token)]


def start_floor(state: RoomState, user_id: int, now: float, via: str) -> Outcome:
    """Give the floor to ``user_id`` (the previous holder's turn ends first)."""
    end_floor(state, now)
    floor = Floor(user_id=user_id, token=state.next_id("f"), started_at=now, via=via)
    limit = state.turn_limit
    if floor_paused(state):
        floor.remaining = float(limit) if limit else None
    else:
        floor.running_since = now
        floor.deadline = now + limit if limit else None
    state.floor = floor
    if via != "round" and user_id in state.queue:
        # Their raised hand was answered; in a round it keeps its place for afterwards.
        state.queue.remove(user_id)
    return Outcome(timers=deadline_timer(floor))


def end_floor(state: RoomState, now: float, *, counted: bool = True) -> None:
    """End the current turn, adding it to the speaker's balance (a pass is not a turn)."""
    floor = state.floor
    if floor is None:
        return
    balance = balance_of(state, floor.user_id)
    balance.seconds += floor.seconds(now)
    if counted:
        balance.turns += 1
    state.floor = None


def pause_floor(state: RoomState, now: float) -> None:
    floor = state.floor
    if floor is None or floor.running_since is None:
        return
    floor.spoken = floor.seconds(now)
    floor.running_since = None
    if floor.deadline is not None:
        floor.remaining = max(0.0, floor.deadline - now)
        floor.deadline = None


def resume_floor(state: RoomState, now: float) -> list[TimerRequest]:
    floor = state.floor
    if floor is None or floor.running_since is not None or floor_paused(state):
        return []
    floor.running_since = now
    if floor.remaining is not None:
        floor.deadline = now + floor.remaining
        floor.remaining = None
    return deadline_timer(floor)


def _require_no_round(state: RoomState) -> None:
    if state.round is not None:
        raise RoomError("round_active")


@rule("raise_hand", "admitted")
def raise_hand(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    require_not_on_break(state)
    if actor.user_id in state.queue:
        return Outcome(data={"position": state.queue.index(actor.user_id) + 1}, changed=False)
    state.queue.append(actor.user_id)
    return Outcome(data={"position": len(state.queue)})


@rule("lower_hand", "admitted")
def lower_hand(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    require_not_on_break(state)
    if actor.user_id not in state.queue:
        return Outcome(changed=False)
    state.queue.remove(actor.user_id)
    return Outcome()


@rule("lower_hand_of", "facilitator", Target)
def lower_hand_of(state: RoomState, actor: Person, p: Target, now: float) -> Outcome:
    require_not_on_break(state)
    target_in_room(state, p.user_id)
    if p.user_id not in state.queue:
        return Outcome(changed=False)
    state.queue.remove(p.user_id)
    return Outcome()


@rule("move_in_queue", "facilitator", Move)
def move_in_queue(state: RoomState, actor: Person, p: Move, now: float) -> Outcome:
    require_not_on_break(state)
    target_in_room(state, p.user_id)
    if p.user_id not in state.queue:
        raise RoomError("not_in_queue")
    index = state.queue.index(p.user_id)
    other = index - 1 if p.direction == "up" else index + 1
    if not 0 <= other < len(state.queue):
        return Outcome(changed=False)
    state.queue[index], state.queue[other] = state.queue[other], state.queue[index]
    return Outcome()


@rule("clear_queue", "facilitator")
def clear_queue(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    require_not_on_break(state)
    state.queue.clear()
    return Outcome()


@rule("next_speaker", "facilitator")
def next_speaker(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    """The first connected person in the queue gets the floor (absent people keep their place)."""
    require_not_on_break(state)
    _require_no_round(state)
    holder = state.floor.user_id if state.floor else None
    for user_id in state.queue:
        person = state.people.get(user_id)
        if person is not None and person.connected and user_id != holder:
            return start_floor(state, user_id, now, "queue")
    raise RoomError("queue_empty")


@rule("give_floor", "facilitator", Target)
def give_floor(state: RoomState, actor: Person, p: Target, now: float) -> Outcome:
    require_not_on_break(state)
    _require_no_round(state)
    person = target_in_room(state, p.user_id)
    if not person.connected:
        raise RoomError("not_present")
    if state.floor is not None and state.floor.user_id == p.user_id:
        return Outcome(changed=False)
    return start_floor(state, p.user_id, now, "given")


@rule("take_floor", "facilitator")
def take_floor(state: RoomState, actor: Person, p: Payload, now: float) -> Outcome:
    require_not_on_break(state)
    _require_no_round(state)
    if state.floor is None:
        raise RoomError("no_floor")
    end_floor(state, now)
    return Outcome()


@rule("set_turn_limit", "facilitator", TurnLimit)
def set_turn_limit(state: RoomState, actor: Person, p: TurnLimit, now: float) -> Outcome:
    """A limit for each turn from now on, the current one included (None: no limit)."""
    seconds = p.seconds
    state.turn_limit = seconds
    floor = state.floor
    if floor is None:
        return Outcome()
    floor.time_up = False
    if floor.running_since is None:
        floor.remaining = float(seconds) if seconds else None
        return Outcome()
    floor.deadline = now + seconds if seconds else None
    return Outcome(timers=deadline_timer(floor))


def turn_deadline_reached(state: RoomState, token: str, now: float) -> Outcome:
    """Timer: announce that the speaker's time is up, once; they are not cut off."""
    floor = state.floor
    if (
        floor is None
        or floor.token != token
        or floor.deadline is None
        or floor.time_up
        or now + TIMER_SLACK < floor.deadline
    ):
        return Outcome(changed=False)
    floor.time_up = True
    notice = Notice(ROOM, "time_up", {"meeting_id": state.meeting_id, "user_id": floor.user_id})
    return Outcome(notices=[notice])
