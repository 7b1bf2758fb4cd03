"""A room taken over by another process from its snapshot: the timers it still waits for come
from its state alone, and everyone who was connected to the old process keeps their place."""

from __future__ import annotations

from server.room.core.outcome import Outcome, TimerRequest
from server.room.core.rule import act
from server.room.core.rules import moderation, presence
from server.room.core.rules.presence import Entrant
from server.room.core.rules.takeover import SEQ_GAP, pending_timers, take_over
from server.room.core.state import RoomState
from tests.room.builders import FACILITATOR, T0, new_state


def _copy(state: RoomState) -> RoomState:
    return RoomState.from_dict(state.to_dict())


def _acts(state: RoomState, timer: TimerRequest) -> bool:
    """Whether the timer would still do something if it fired when due."""
    outcome = moderation.on_timer(_copy(state), timer.kind, timer.token, timer.at)
    return outcome.changed or bool(outcome.notices)


class Meeting:
    """A room whose every asked-for timer is kept, as the runtime would set it."""

    def __init__(self) -> None:
        self.state = new_state(reconnect_grace=60)
        self.asked: list[TimerRequest] = []

    def keep(self, outcome: Outcome) -> None:
        self.asked += outcome.timers

    def join(self, user_id: int, role: str = "participant", now: float = T0) -> None:
        entrant = Entrant(user_id, f"P{user_id}", role)
        self.keep(presence.join(self.state, entrant, f"s{user_id}-{now}", now))

    def act(self, event: str, actor: int, now: float, **fields: object) -> None:
        self.keep(act(self.state, event, actor, now, **fields))

    def drop(self, user_id: int, now: float) -> None:
        person = self.state.people[user_id]
        self.keep(presence.disconnect(self.state, user_id, person.sids[0], now))


def test_the_timers_a_room_waits_for_are_the_ones_its_state_asks_for_again() -> None:
    meeting = Meeting()
    meeting.join(FACILITATOR, "facilitator")
    for user_id in (10, 11, 12):
        meeting.join(user_id)
        meeting.act("admit", FACILITATOR, T0, user_id=user_id)
    meeting.act("set_turn_limit", FACILITATOR, T0, seconds=60)
    meeting.act("raise_hand", 10, T0)
    meeting.act("raise_hand", 11, T0 + 1)
    meeting.act("next_speaker", FACILITATOR, T0 + 2)  # 10 speaks, with a deadline
    meeting.drop(11, T0 + 3)  # 11's grace starts
    meeting.act("give_floor", FACILITATOR, T0 + 4, user_id=12)  # 10's deadline is stale now
    meeting.act("start_break", FACILITATOR, T0 + 5, minutes=5)  # the floor pauses
    meeting.act("end_break", FACILITATOR, T0 + 6)  # the break timer is stale; a new deadline
    meeting.join(11, now=T0 + 7)  # back: the grace is over for nothing
    meeting.drop(10, T0 + 8)
    meeting.act("start_break", FACILITATOR, T0 + 9, minutes=10)

    state = meeting.state
    still = {t for t in meeting.asked if _acts(state, t)}
    assert {t.kind for t in still} == {"meeting_close", "break_end", "reconnect_grace"}
    assert set(pending_timers(state)) == still
    assert len(meeting.asked) > len(still)  # the stale ones were asked for too, and are left out

    meeting.act("end_break", FACILITATOR, T0 + 10)  # the speaker's time runs again
    still = {t for t in meeting.asked if _acts(meeting.state, t)}
    assert "turn_deadline" in {t.kind for t in still}
    assert set(pending_timers(meeting.state)) == still


def test_a_room_taken_over_keeps_everyones_place_until_they_are_back() -> None:
    meeting = Meeting()
    meeting.join(FACILITATOR, "facilitator")
    for user_id in (10, 11, 12):
        meeting.join(user_id)
        meeting.act("admit", FACILITATOR, T0, user_id=user_id)
    meeting.join(13)  # waiting in the lobby
    meeting.act("raise_hand", 11, T0)
    meeting.act("raise_hand", 10, T0)
    meeting.act("give_floor", FACILITATOR, T0, user_id=12)
    state = _copy(meeting.state)  # the snapshot the old process left
    seq = state.seq
    now = T0 + 100

    outcome = take_over(state, now)
    assert all(not p.connected and p.disconnected_at == now for p in state.people.values())
    assert state.queue == [11, 10] and state.floor is not None and state.floor.user_id == 12
    assert [p.user_id for p in state.in_lobby()] == [13]
    assert state.holding_since == now  # no facilitator is connected until one is back
    assert outcome.timers == pending_timers(state)
    graces = [t for t in outcome.timers if t.kind == "reconnect_grace"]
    assert len(graces) == 5 and {t.at for t in graces} == {now + 60}
    assert state.seq == seq + SEQ_GAP  # ids given out after the snapshot are not given again

    for user_id, role in ((FACILITATOR, "facilitator"), (11, "participant")):
        presence.join(state, Entrant(user_id, f"P{user_id}", role), f"new-{user_id}", now + 2)
    assert state.holding_since is None and state.queue == [11, 10]
    assert state.people[11].admitted and state.people[11].connected
    # The grace of someone who never comes back frees their place, once.
    grace_of_10 = next(t for t in graces if t.token.startswith("10:"))
    assert moderation.on_timer(state, "reconnect_grace", grace_of_10.token, now + 60).changed
    assert state.queue == [11] and 10 not in state.people
