"""The talking-turn queue and the floor: one voice at a time.

Hands are raised and lowered idempotently; facilitators give, take and pass on the floor; an
optional turn limit makes the server announce when time is up (it never cuts anyone off). During a
break the queue and the floor are frozen; while every facilitator is away the floor is paused."""

from __future__ import annotations

from server.room.errors import RoomError
from server.room.rules.common import (
    require_admitted,
    require_facilitator,
    require_not_on_break,
    target_in_room,
)
from server.room.rules.outcome import ROOM, Notice, Outcome, TimerRequest
from server.room.state import Balance, Floor, RoomState

MIN_TURN_LIMIT = 15
MAX_TURN_LIMIT = 3600
# A timer may wake a little early; within this margin it counts as on time.
TIMER_SLACK = 0.5


def balance_of(state: RoomState, user_id: int) -> Balance:
    if user_id not in state.balance:
        person = state.people.get(user_id)
        state.balance[user_id] = Balance(name=person.name if person else "")
    return state.balance[user_id]


def floor_paused(state: RoomState) -> bool:
    return state.pause is not None or state.holding_since is not None


def _deadline_timer(floor: Floor) -> list[TimerRequest]:
    if floor.deadline is None:
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
    return Outcome(timers=_deadline_timer(floor))


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
    return _deadline_timer(floor)


def _require_no_round(state: RoomState) -> None:
    if state.round is not None:
        raise RoomError("round_active")


def raise_hand(state: RoomState, actor: int, now: float) -> Outcome:
    require_admitted(state, actor)
    require_not_on_break(state)
    if actor in state.queue:
        return Outcome(data={"position": state.queue.index(actor) + 1}, changed=False)
    state.queue.append(actor)
    return Outcome(data={"position": len(state.queue)})


def lower_hand(state: RoomState, actor: int, now: float) -> Outcome:
    require_admitted(state, actor)
    require_not_on_break(state)
    if actor not in state.queue:
        return Outcome(changed=False)
    state.queue.remove(actor)
    return Outcome()


def lower_hand_of(state: RoomState, actor: int, target: int, now: float) -> Outcome:
    require_facilitator(state, actor)
    require_not_on_break(state)
    target_in_room(state, target)
    if target not in state.queue:
        return Outcome(changed=False)
    state.queue.remove(target)
    return Outcome()


def move_in_queue(state: RoomState, actor: int, target: int, direction: str, now: float) -> Outcome:
    require_facilitator(state, actor)
    require_not_on_break(state)
    target_in_room(state, target)
    if target not in state.queue:
        raise RoomError("not_in_queue")
    if direction not in ("up", "down"):
        raise RoomError("invalid")
    index = state.queue.index(target)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(state.queue):
        return Outcome(changed=False)
    state.queue[index], state.queue[other] = state.queue[other], state.queue[index]
    return Outcome()


def clear_queue(state: RoomState, actor: int, now: float) -> Outcome:
    require_facilitator(state, actor)
    require_not_on_break(state)
    state.queue.clear()
    return Outcome()


def next_speaker(state: RoomState, actor: int, now: float) -> Outcome:
    """The first connected person in the queue gets the floor (absent people keep their place)."""
    require_facilitator(state, actor)
    require_not_on_break(state)
    _require_no_round(state)
    holder = state.floor.user_id if state.floor else None
    for user_id in state.queue:
        person = state.people.get(user_id)
        if person is not None and person.connected and user_id != holder:
            return start_floor(state, user_id, now, "queue")
    raise RoomError("queue_empty")


def give_floor(state: RoomState, actor: int, target: int, now: float) -> Outcome:
    require_facilitator(state, actor)
    require_not_on_break(state)
    _require_no_round(state)
    person = target_in_room(state, target)
    if not person.connected:
        raise RoomError("not_present")
    if state.floor is not None and state.floor.user_id == target:
        return Outcome(changed=False)
    return start_floor(state, target, now, "given")


def take_floor(state: RoomState, actor: int, now: float) -> Outcome:
    require_facilitator(state, actor)
    require_not_on_break(state)
    _require_no_round(state)
    if state.floor is None:
        raise RoomError("no_floor")
    end_floor(state, now)
    return Outcome()


def set_turn_limit(state: RoomState, actor: int, seconds: int | None, now: float) -> Outcome:
    """A limit for each turn from now on, the current one included (None: no limit)."""
    require_facilitator(state, actor)
    if seconds is not None and not MIN_TURN_LIMIT <= seconds <= MAX_TURN_LIMIT:
        raise RoomError("invalid")
    state.turn_limit = seconds
    floor = state.floor
    if floor is None:
        return Outcome()
    floor.time_up = False
    if floor.running_since is None:
        floor.remaining = float(seconds) if seconds else None
        return Outcome()
    floor.deadline = now + seconds if seconds else None
    return Outcome(timers=_deadline_timer(floor))


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
