"""Chat, the private line, signals, reactions and topics (rules only): relayed, never kept."""

from __future__ import annotations

import json

import pytest

from server.room.core.errors import RoomError
from server.room.core.rule import act
from server.room.core.rules.presence import disconnect
from tests.room.builders import FACILITATOR, T0, arrive, refused, running_room


def test_chat_is_relayed_with_a_server_made_id_and_not_kept() -> None:
    state = running_room(1)
    outcome = act(state, "chat", 10, T0, text="  I feel heard today  ")
    (notice,) = outcome.notices
    assert notice.to == "room" and notice.event == "chat"
    assert notice.data["text"] == "I feel heard today"
    assert notice.data["id"] == outcome.data["id"]
    assert "heard" not in json.dumps(state.to_dict())


def test_chat_of_more_than_1000_characters_or_blank_is_refused() -> None:
    state = running_room(1)
    refused("invalid", state, "chat", 10, text="x" * 1001)
    refused("invalid", state, "chat", 10, text="   ")


def test_chat_is_rate_limited_per_person() -> None:
    state = running_room(2, chat_limit=3, chat_window=10)
    for second in range(3):
        act(state, "chat", 10, T0 + second, text="hi")
    with pytest.raises(RoomError) as error:
        act(state, "chat", 10, T0 + 3, text="hi")
    assert error.value.code == "rate_limited" and error.value.details["retry_after"] == 7
    act(state, "chat", 11, T0 + 3, text="hi")  # someone else is not limited
    act(state, "chat", 10, T0 + 10.5, text="hi")


def test_when_chat_is_off_participants_cannot_write_but_facilitators_can() -> None:
    state = running_room(1)
    act(state, "set_chat", FACILITATOR, T0, enabled=False)
    refused("chat_off", state, "chat", 10, text="hi")
    act(state, "chat", FACILITATOR, T0, text="We pause the chat for this part.")


def test_a_muted_person_cannot_chat_and_is_told() -> None:
    state = running_room(2)
    outcome = act(state, "mute_chat", FACILITATOR, T0, user_id=10, muted=True)
    assert outcome.notices[0].to == "user:10" and outcome.audit == [("room.chat_mute", 10)]
    refused("chat_muted", state, "chat", 10, text="hi")
    act(state, "chat", 11, T0, text="hi")
    refused("forbidden", state, "mute_chat", FACILITATOR, user_id=FACILITATOR, muted=True)


def test_deleting_a_message_tells_everyone_to_drop_it() -> None:
    state = running_room(1)
    message_id = act(state, "chat", 10, T0, text="oops").data["id"]
    outcome = act(state, "delete_chat", FACILITATOR, T0, message_id=message_id)
    assert outcome.notices[0].event == "chat_deleted"
    assert outcome.notices[0].data["id"] == message_id
    refused("invalid", state, "delete_chat", FACILITATOR, message_id="m999")
    refused("forbidden", state, "delete_chat", 10, message_id=message_id)


def test_the_private_line_reaches_only_the_facilitators() -> None:
    state = running_room(1)
    outcome = act(state, "private_message", 10, T0, text="Can we talk after?")
    assert [(n.to, n.event) for n in outcome.notices] == [("facilitators", "private_message")]


def test_a_facilitator_answers_privately_and_the_other_facilitators_see_it() -> None:
    state = running_room(1, co=True)
    outcome = act(state, "private_reply", FACILITATOR, T0, user_id=10, text="Yes, of course.")
    assert [n.to for n in outcome.notices] == ["user:10", "facilitators"]
    refused("forbidden", state, "private_reply", 10, user_id=11, text="hello")


def test_a_discreet_signal_goes_to_the_facilitators_only() -> None:
    state = running_room(1)
    outcome = act(state, "signal", 10, T0, kind="not_ok")
    assert [(n.to, n.data["kind"]) for n in outcome.notices] == [("facilitators", "not_ok")]
    refused("invalid", state, "signal", 10, kind="anything")


def test_the_private_line_says_so_when_no_facilitator_is_connected() -> None:
    state = running_room(1)
    disconnect(state, FACILITATOR, "s1", T0)
    refused("no_facilitator", state, "signal", 10, kind="need_break")


def test_reactions_are_broadcast_from_a_fixed_set() -> None:
    state = running_room(1)
    outcome = act(state, "react", 10, T0, kind="me_too")
    assert outcome.notices[0].to == "room" and not outcome.changed
    refused("invalid", state, "react", 10, kind="thumbs_down")


def test_topics_keep_votes_but_not_their_text() -> None:
    state = running_room(2)
    outcome = act(state, "propose_topic", 10, T0, text="Sleeping badly")
    topic_id = outcome.data["id"]
    assert outcome.notices[0].data["text"] == "Sleeping badly"
    act(state, "vote_topic", 11, T0, topic_id=topic_id, vote=True)
    assert not act(state, "vote_topic", 11, T0, topic_id=topic_id, vote=True).changed
    topic = state.topic(topic_id)
    assert topic is not None and topic.voters == [11]
    act(state, "pick_topic", FACILITATOR, T0, topic_id=topic_id)
    assert state.picked_topic == topic_id
    assert "Sleeping" not in json.dumps(state.to_dict())
    refused("unknown_topic", state, "vote_topic", 11, topic_id="t999", vote=True)
    refused("forbidden", state, "pick_topic", 10, topic_id=topic_id)


def test_whoever_proposed_a_topic_or_a_facilitator_takes_it_back() -> None:
    state = running_room(2)
    mine = act(state, "propose_topic", 10, T0, text="Sleeping badly").data["id"]
    theirs = act(state, "propose_topic", 11, T0, text="Family").data["id"]
    act(state, "pick_topic", FACILITATOR, T0, topic_id=mine)
    refused("forbidden", state, "withdraw_topic", 11, topic_id=mine)
    assert act(state, "withdraw_topic", 10, T0, topic_id=mine).changed
    assert [t.id for t in state.topics] == [theirs] and state.picked_topic is None
    refused("unknown_topic", state, "withdraw_topic", 10, topic_id=mine)
    act(state, "withdraw_topic", FACILITATOR, T0, topic_id=theirs)
    assert state.topics == []


def test_someone_in_the_lobby_cannot_chat() -> None:
    state = running_room(1)
    arrive(state, 11)
    refused("not_admitted", state, "chat", 11, text="hello?")
