"""The events registered ``checks_first`` refuse before they change anything in the room.

For them the in-memory store keeps no copy of the room to put back (server/room/store.py), so each
of their rules is run here on many rooms (people in the lobby or the room, connected or not, chat
off or muted, near their rate limits; hands raised, someone holding the floor, a round going on, a
break, the facilitator away) with many inputs, valid or not: whenever it refuses, the room is
exactly as it was."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.room import rules
from server.room.dispatch import registered_events
from server.room.errors import RoomError
from server.room.rules import Outcome
from server.room.state import LOBBY, RoomState
from tests.room.builders import CO_FACILITATOR, FACILITATOR, T0, running_room

PARTICIPANTS = [10, 11, 12]
STRANGER = 99  # not in the meeting
IDS = [FACILITATOR, CO_FACILITATOR, *PARTICIPANTS, STRANGER]
NOW = T0 + 100

texts = st.sampled_from(["hello", "", "   ", "x" * 1001, "  a word  "])
ids = st.sampled_from(IDS)
maybe_ids = st.one_of(st.none(), ids)
round_kinds = st.sampled_from(["check_in", "check_out", "custom", "poll"])
SIGNAL = {"candidate": {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"}}

# Each checks_first event's rule, called the way its handler calls it (server/room/events).
Call = Callable[[RoomState, int, st.DataObject], Outcome]
CALLS: dict[str, Call] = {
    "chat": lambda s, actor, d: rules.chat(s, actor, d.draw(texts), NOW),
    "private_message": lambda s, actor, d: rules.private_message(s, actor, d.draw(texts), NOW),
    "private_reply": lambda s, actor, d: rules.private_reply(
        s, actor, d.draw(ids), d.draw(texts), NOW
    ),
    "signal": lambda s, actor, d: rules.signal(
        s, actor, d.draw(st.sampled_from(["need_break", "not_ok", "other"])), NOW
    ),
    "react": lambda s, actor, d: rules.react(
        s, actor, d.draw(st.sampled_from(["hear_you", "me_too", "boo"])), NOW
    ),
    "rtc_signal": lambda s, actor, d: rules.relay_signal(s, actor, d.draw(ids), SIGNAL, NOW),
    "ice_servers": lambda s, actor, d: Outcome(changed=False),
    "raise_hand": lambda s, actor, d: rules.raise_hand(s, actor, NOW),
    "lower_hand": lambda s, actor, d: rules.lower_hand(s, actor, NOW),
    "lower_hand_of": lambda s, actor, d: rules.lower_hand_of(s, actor, d.draw(ids), NOW),
    "move_in_queue": lambda s, actor, d: rules.move_in_queue(
        s, actor, d.draw(ids), d.draw(st.sampled_from(["up", "down", "sideways"])), NOW
    ),
    "clear_queue": lambda s, actor, d: rules.clear_queue(s, actor, NOW),
    "yield_floor": lambda s, actor, d: rules.yield_floor(s, actor, NOW),
    "next_speaker": lambda s, actor, d: rules.next_speaker(s, actor, NOW),
    "give_floor": lambda s, actor, d: rules.give_floor(s, actor, d.draw(ids), NOW),
    "take_floor": lambda s, actor, d: rules.take_floor(s, actor, NOW),
    "set_turn_limit": lambda s, actor, d: rules.set_turn_limit(
        s, actor, d.draw(st.sampled_from([None, 5, 60, 4000])), NOW
    ),
    "start_round": lambda s, actor, d: rules.start_round(
        s, actor, d.draw(round_kinds), d.draw(maybe_ids), NOW, random.Random(1)
    ),
    "round_next": lambda s, actor, d: rules.round_next(s, actor, NOW),
    "round_pass": lambda s, actor, d: rules.round_pass(s, actor, NOW),
    "end_round": lambda s, actor, d: rules.end_round(s, actor, NOW),
}


def test_every_event_that_checks_first_is_held_to_it_here() -> None:
    flagged = {name for name, spec in registered_events().items() if spec.checks_first}
    assert flagged == set(CALLS)


def _floor_and_queue(state: RoomState, data: st.DataObject) -> None:
    """Hands raised, then maybe someone on the floor or a round, a break, the facilitator away:
    made by the rules themselves, so that the room is one the meeting could be in."""
    now_and_then = st.integers(0, 3).map(lambda n: n == 0)
    for user_id in data.draw(st.lists(st.sampled_from(PARTICIPANTS), unique=True)):
        rules.raise_hand(state, user_id, NOW - 60)
    floor = data.draw(st.sampled_from(["none", "given", "round"]))
    if floor == "given":
        rules.give_floor(state, FACILITATOR, data.draw(st.sampled_from(PARTICIPANTS)), NOW - 50)
    elif floor == "round":
        rules.start_round(state, FACILITATOR, "check_in", None, NOW - 50, random.Random(2))
        for _ in range(data.draw(st.integers(0, 2))):
            rules.round_next(state, FACILITATOR, NOW - 40)
    if data.draw(now_and_then):
        rules.set_turn_limit(state, FACILITATOR, 60, NOW - 45)
    if data.draw(now_and_then):
        rules.start_break(state, FACILITATOR, 5, NOW - 30)
    elif data.draw(now_and_then):
        state.holding_since = NOW - 20  # every facilitator away: the floor is held


def _room(data: st.DataObject) -> RoomState:
    state = running_room(participants=len(PARTICIPANTS), co=True, chat_limit=3)
    _floor_and_queue(state, data)
    now_and_then = st.integers(0, 3).map(lambda n: n == 0)  # a quarter of the time
    state.chat_enabled = not data.draw(now_and_then)
    limit = state.settings.signal_limit
    for person in state.people.values():
        if person.user_id in PARTICIPANTS and data.draw(now_and_then):
            person.where = LOBBY
        if data.draw(now_and_then):
            person.sids = []
        person.chat_muted = data.draw(now_and_then)
        # Messages within the rate limit's window, and some that have left it.
        recent = data.draw(st.lists(st.floats(NOW - 9, NOW), max_size=4))
        old = data.draw(st.lists(st.floats(NOW - 30, NOW - 11), max_size=2))
        person.sent_at = sorted(old + recent)
        if data.draw(st.booleans()):
            person.signal_tokens = data.draw(st.floats(0, limit))
            person.signal_tokens_at = data.draw(st.floats(NOW - 1, NOW))
    return state


def _actors(state: RoomState) -> st.SearchStrategy[int]:
    """Anyone, and as often the people a rule asks about: whose turn it is, who holds the floor."""
    involved = [state.round.current] if state.round is not None else []
    involved += [state.floor.user_id] if state.floor is not None else []
    return st.one_of(ids, st.sampled_from(involved)) if involved else ids


@pytest.mark.parametrize("event", sorted(CALLS))
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_a_refusal_changes_nothing(event: str, data: st.DataObject) -> None:
    state = _room(data)
    actor = data.draw(_actors(state))
    before: dict[str, Any] = state.to_dict()
    try:
        CALLS[event](state, actor, data)
    except RoomError:
        assert state.to_dict() == before, f"{event} refused after changing the room"


def test_a_refused_chat_does_not_count_towards_the_rate_limit() -> None:
    state = running_room(participants=1, chat_limit=2)
    for at in (T0, T0 + 1):
        rules.chat(state, 10, "hello", at)
    for at in (T0 + 2, T0 + 3):
        try:
            rules.chat(state, 10, "hello", at)
        except RoomError as error:
            assert error.code == "rate_limited"
    assert state.people[10].sent_at == [T0, T0 + 1]
    rules.chat(state, 10, "hello", T0 + 10.5)  # the window has moved past both
