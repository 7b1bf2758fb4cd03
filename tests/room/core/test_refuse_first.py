"""Every room rule refuses before it changes anything.

The in-memory store keeps no copy of a room to put back (server/room/live/store.py): refusing
before changing anything is the contract of every rule (server/room/core/rule.py). So each
registered rule is run here the way a client's event runs it (``act``: payload, policy, budget,
rule) on many rooms (people in the lobby or the room, connected or not, chat off or muted, near
their rate limits and budgets; hands raised, someone holding the floor, a round going on, a break,
the facilitator away; topics up to the limit, media on and off) with payloads drawn from its
payload model, valid or not: whenever it refuses, the room is exactly as it was."""

from __future__ import annotations

import re
import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st
from pydantic.fields import FieldInfo

from server.room.core import rules  # noqa: F401  (importing them registers every rule)
from server.room.core.errors import RoomError
from server.room.core.rule import RULES, RuleSpec, act
from server.room.core.rules.media import IceCandidate, SessionDescription
from server.room.core.rules.presence import disconnect
from server.room.core.state import LOBBY, Budget, RoomState
from tests.room.builders import CO_FACILITATOR, FACILITATOR, T0, arrive, running_room
from tests.room.samples import EVENTS_WITH_SAMPLES, SDP, sample_payload

PARTICIPANTS = [10, 11, 12]
WAITING = 13  # sometimes waiting in the lobby
STRANGER = 99  # not in the meeting
IDS = [FACILITATOR, CO_FACILITATOR, *PARTICIPANTS, WAITING, STRANGER]
NOW = T0 + 100
# Client events that are not room rules (server/room/socket/events.py).
NOT_RULES = {"join", "ice_servers"}

ids = st.sampled_from(IDS)
now_and_then = st.integers(0, 3).map(lambda n: n == 0)  # a quarter of the time

# ---- Payloads, drawn from each event's payload model -------------------------------------------

OMITTED = object()  # a field with a default, left out
DESCRIPTIONS = [
    {"type": "offer", "sdp": SDP},
    {"type": "answer", "sdp": SDP},
    {"type": "rollback"},
    {"type": "offer", "sdp": "not a session description"},
]
CANDIDATES = [
    {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host", "sdpMid": "0"},
    {"candidate": "", "sdpMLineIndex": 0},  # the end of the candidates
    {"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host"},  # no media section
]


def _limit(metadata: list[Any], name: str) -> Any:
    return next((getattr(m, name) for m in metadata if getattr(m, name, None) is not None), None)


def _server_ids(state: RoomState, prefix: str) -> st.SearchStrategy[str]:
    """Ids the server made with this prefix and some it did not: the topics kept in the room,
    every id up to the room's counter (messages are counted, not kept), beyond it, malformed."""
    made = [f"{prefix}{n}" for n in range(1, state.seq + 2)]
    others = st.sampled_from([*made, f"{prefix}999999999", f"{prefix}0", prefix, "x1", ""])
    kept = [topic.id for topic in state.topics if topic.id.startswith(prefix)]
    return st.one_of(st.sampled_from(kept), others) if kept else others


def _values(state: RoomState, name: str, kind: Any, metadata: list[Any]) -> st.SearchStrategy[Any]:
    """Values for one alternative of a field's type, valid and not."""
    if get_origin(kind) is Annotated:
        kind, *extra = get_args(kind)
        metadata = [*metadata, *(m for info in extra for m in getattr(info, "metadata", [info]))]
    if kind is type(None):
        return st.none()
    if get_origin(kind) is Literal:
        return st.sampled_from([*get_args(kind), "bogus"])
    if kind is bool:
        return st.booleans()
    if kind is int and name.endswith("user_id"):
        return ids
    if kind is int:
        low, high = _limit(metadata, "ge"), _limit(metadata, "le")
        assert low is not None and high is not None, f"{name}: an int without bounds"
        return st.one_of(st.sampled_from([low - 1, low, high, high + 1]), st.integers(low, high))
    if kind is str and _limit(metadata, "pattern"):
        prefix = re.match(r"\^(\w+)", _limit(metadata, "pattern"))
        assert prefix is not None, f"{name}: a pattern without a prefix"
        return _server_ids(state, prefix.group(1))
    if kind is str:
        longest = _limit(metadata, "max_length")
        assert longest is not None, f"{name}: text without a length limit"
        texts = ["hello", "", "   ", "  a word  ", "x" * longest, "x" * (longest + 1)]
        return st.sampled_from(texts)
    if kind is SessionDescription:
        return st.sampled_from(DESCRIPTIONS)
    if kind is IceCandidate:
        return st.sampled_from(CANDIDATES)
    raise AssertionError(f"no values are drawn for {name}: {kind!r}; add them here")


def _field(state: RoomState, name: str, field: FieldInfo) -> st.SearchStrategy[Any]:
    kind = field.annotation
    union = get_origin(kind) in (Union, types.UnionType)
    options = [
        _values(state, name, k, field.metadata) for k in (get_args(kind) if union else [kind])
    ]
    if not field.is_required():
        options.append(st.just(OMITTED))
    return st.one_of(options)


def payloads(spec: RuleSpec, state: RoomState) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads for the event (its ``meeting_id`` is the room's: ``act`` adds it): drawn field by
    field from its model, or as often a well-formed one (tests/room/samples.py) for someone drawn,
    since most drawn ones are refused as invalid and what comes after that check is the point."""
    fields = {
        name: _field(state, name, field)
        for name, field in spec.payload.model_fields.items()
        if name != "meeting_id"
    }
    drawn = st.fixed_dictionaries(fields).map(
        lambda values: {k: v for k, v in values.items() if v is not OMITTED}
    )
    return st.one_of(drawn, ids.map(lambda target: sample_payload(spec.name, target)))


def test_every_registered_rule_is_held_to_it_here() -> None:
    """Every client event but joining and ICE servers is a rule, run below with payloads drawn
    from its model (a field of a new kind fails here until values are drawn for it)."""
    assert set(RULES) == EVENTS_WITH_SAMPLES - NOT_RULES
    state = running_room()
    for spec in RULES.values():
        payloads(spec, state)  # raises for a field it draws no values for


# ---- Rooms -------------------------------------------------------------------------------------
# A room is drawn in a few draws, one for the room and one per person, each detail a value either
# side of its limit (every rule is run on many rooms, and a draw per detail took most of the time).

QUARTER = [False, False, False, True]  # true a quarter of the time
HANDS = [(), (10,), (12,), (10, 11), (12, 10), (11, 12, 10), (10, 11, 12)]  # the queue, in order
VOTERS = [(), (10,), (11, 12), (10, 11, 12)]


def one_of_each(**options: list[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """One value of each option, all in a single draw: a byte per option (bytes are drawn
    uniformly, and shrink towards each option's first value)."""
    names = list(options)

    def pick(drawn: bytes) -> dict[str, Any]:
        return {
            name: options[name][byte % len(options[name])]
            for name, byte in zip(names, drawn, strict=True)
        }

    return st.binary(min_size=len(names), max_size=len(names)).map(pick)


ROOM = one_of_each(
    waiting=QUARTER,  # WAITING arrived and waits in the lobby
    topics=[0, 0, 1, 2, 3],  # proposed, up to as many as the room holds
    voters=VOTERS,
    more_voters=VOTERS,
    picked=[None, None, None, 0, 1],  # which topic a facilitator picked
    hands=HANDS,
    floor=["none", "given", "round"],
    given_to=PARTICIPANTS,
    round_from=[FACILITATOR, *PARTICIPANTS],
    round_moved_on=[0, 1, 2],
    turn_limit=QUARTER,
    paused=["none", "none", "none", "break", "hold"],
    chat_off=QUARTER,
    locked=QUARTER,
    floor_mode=QUARTER,
    content_warning=QUARTER,
)
PERSON = one_of_each(
    waits=QUARTER,  # moved back to the lobby (participants)
    dropped=QUARTER,
    chat_muted=QUARTER,
    away=QUARTER,
    # Microphone, camera, muted by a facilitator.
    media=[(False, False, False), (True, False, False), (True, True, False), (False, True, True)],
    # Messages in the rate limit's window (3 in 10 s), some that left it; the oldest first.
    sent_at=[
        (),
        (NOW - 30, NOW - 10.5),
        (NOW - 5,),
        (NOW - 10.5, NOW - 9.5, NOW - 0.5),
        (NOW - 9.5, NOW - 5, NOW - 0.5),
        (NOW - 9.5, NOW - 5, NOW - 0.5, NOW),
    ],
    # Signalling tokens left and when (30 come back a second); None: a full bucket.
    signal=[None, None, (0.0, NOW), (0.5, NOW), (0.5, NOW - 1), (150.0, NOW)],
    # Budget left and when (one, for facilitators three, come back a second); None: unused.
    budget=[None, None, (0.0, NOW), (0.5, NOW - 0.1), (0.0, NOW - 2), (1.0, NOW), (5.0, NOW)],
)


def _topics(state: RoomState, room: dict[str, Any]) -> None:
    """Topics proposed and voted on, maybe as many as the room holds, maybe one picked."""
    for n in range(room["topics"]):
        act(state, "propose_topic", PARTICIPANTS[n], NOW - 70, text="A topic")
    for topic, voters in zip(state.topics, (room["voters"], room["more_voters"]), strict=False):
        for user_id in voters:
            act(state, "vote_topic", user_id, NOW - 70, topic_id=topic.id)
    if room["picked"] is not None and room["picked"] < len(state.topics):
        topic_id = state.topics[room["picked"]].id
        act(state, "pick_topic", FACILITATOR, NOW - 70, topic_id=topic_id)


def _floor_and_queue(state: RoomState, room: dict[str, Any]) -> None:
    """Hands raised, then maybe someone on the floor or a round, a break, the facilitator away:
    made by the rules themselves, so that the room is one the meeting could be in."""
    for user_id in room["hands"]:
        act(state, "raise_hand", user_id, NOW - 60)
    if room["floor"] == "given":
        act(state, "give_floor", FACILITATOR, NOW - 50, user_id=room["given_to"])
    elif room["floor"] == "round":
        first = room["round_from"]
        act(state, "start_round", FACILITATOR, NOW - 50, kind="check_in", first_user_id=first)
        for _ in range(room["round_moved_on"]):
            act(state, "round_next", FACILITATOR, NOW - 40)
    if room["turn_limit"]:
        act(state, "set_turn_limit", FACILITATOR, NOW - 45, seconds=60)
    if room["paused"] == "break":
        act(state, "start_break", FACILITATOR, NOW - 30, minutes=5)
    elif room["paused"] == "hold":  # every facilitator's connection dropped: the floor is held
        disconnect(state, FACILITATOR, f"s{FACILITATOR}", NOW - 20)
        disconnect(state, CO_FACILITATOR, f"s{CO_FACILITATOR}", NOW - 20)


def _room(data: st.DataObject) -> RoomState:
    state = running_room(participants=len(PARTICIPANTS), co=True, chat_limit=3, max_topics=3)
    room = data.draw(ROOM)
    note(f"room: {room}")
    if room["waiting"]:
        arrive(state, WAITING, now=NOW - 80)
    _topics(state, room)
    _floor_and_queue(state, room)
    state.chat_enabled = not room["chat_off"]
    state.locked = room["locked"]
    state.floor_mode = room["floor_mode"]
    state.content_warning = room["content_warning"]
    config = state.settings
    for person in state.people.values():
        drawn = data.draw(PERSON)
        note(f"person {person.user_id}: {drawn}")
        if person.user_id in PARTICIPANTS and drawn["waits"]:
            person.where = LOBBY
        if drawn["dropped"]:
            person.sids = []
        person.chat_muted = drawn["chat_muted"]
        person.status = "away" if drawn["away"] else "here"
        person.mic, person.camera, person.muted = drawn["media"]
        person.sent_at = list(drawn["sent_at"])
        if drawn["signal"] is not None:
            person.signal_tokens, person.signal_tokens_at = drawn["signal"]
        if drawn["budget"] is not None:
            left, at = drawn["budget"]
            size = config.facilitator_budget if person.facilitates else config.budget
            state.budgets[person.user_id] = Budget(size - left, at)
    return state


def _actors(state: RoomState) -> st.SearchStrategy[int]:
    """Anyone, and as often the people a rule asks about: whose turn it is, who holds the floor."""
    involved = [state.round.current] if state.round is not None else []
    involved += [state.floor.user_id] if state.floor is not None else []
    return st.one_of(ids, st.sampled_from(involved)) if involved else ids


@pytest.mark.parametrize("event", sorted(RULES))
@settings(max_examples=120, deadline=None)
@given(data=st.data())
def test_a_refusal_changes_nothing(event: str, data: st.DataObject) -> None:
    state = _room(data)
    actor = data.draw(_actors(state))
    payload = data.draw(payloads(RULES[event], state))
    before: dict[str, Any] = state.to_dict()
    try:
        act(state, event, actor, NOW, **payload)
    except RoomError as error:
        after = state.to_dict()
        changed = [key for key, value in before.items() if after[key] != value]
        assert not changed, f"{event} by {actor} refused ({error.code}) after changing {changed}"


def test_a_refused_chat_does_not_count_towards_the_rate_limit() -> None:
    state = running_room(participants=1, chat_limit=2)
    for at in (T0, T0 + 1):
        act(state, "chat", 10, at, text="hello")
    for at in (T0 + 2, T0 + 3):
        try:
            act(state, "chat", 10, at, text="hello")
        except RoomError as error:
            assert error.code == "rate_limited"
    assert state.people[10].sent_at == [T0, T0 + 1]
    act(state, "chat", 10, T0 + 10.5, text="hello")  # the window has moved past both
