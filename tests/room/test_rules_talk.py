"""Chat, the private line, signals, reactions and topics (rules only): relayed, never kept."""

from __future__ import annotations

import json

import pytest

from server.room import rules
from server.room.errors import RoomError
from tests.room.builders import FACILITATOR, T0, arrive, running_room


def refused(code: str, fn, *args) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RoomError) as error:
        fn(*args)
    assert error.value.code == code


def test_chat_is_relayed_with_a_server_made_id_and_not_kept() -> None:
    state = running_room(1)
    outcome = rules.chat(state, 10, "  I feel heard today  ", T0)
    (notice,) = outcome.notices
    assert notice.to == "room" and notice.event == "chat"
    assert notice.data["text"] == "I feel heard today"
    assert notice.data["id"] == outcome.data["id"]
    assert "heard" not in json.dumps(state.to_dict())


def test_chat_of_more_than_1000_characters_or_blank_is_refused() -> None:
    state = running_room(1)
    refused("invalid", rules.chat, state, 10, "x" * 1001, T0)
    refused("invalid", rules.chat, state, 10, "   ", T0)


def test_chat_is_rate_limited_per_person() -> None:
    state = running_room(2, chat_limit=3, chat_window=10)
    for second in range(3):
        rules.chat(state, 10, "hi", T0 + second)
    with pytest.raises(RoomError) as error:
        rules.chat(state, 10, "hi", T0 + 3)
    assert error.value.code == "rate_limited" and error.value.details["retry_after"] == 7
    rules.chat(state, 11, "hi", T0 + 3)  # someone else is not limited
    rules.chat(state, 10, "hi", T0 + 10.5)


def test_when_chat_is_off_participants_cannot_write_but_facilitators_can() -> None:
    state = running_room(1)
    rules.set_chat(state, FACILITATOR, False, T0)
    refused("chat_off", rules.chat, state, 10, "hi", T0)
    rules.chat(state, FACILITATOR, "We pause the chat for this part.", T0)


def test_a_muted_person_cannot_chat_and_is_told() -> None:
    state = running_room(2)
    outcome = rules.mute_chat(state, FACILITATOR, 10, True, T0)
    assert outcome.notices[0].to == "user:10" and outcome.audit == [("room.chat_mute", 10)]
    refused("chat_muted", rules.chat, state, 10, "hi", T0)
    rules.chat(state, 11, "hi", T0)
    refused("forbidden", rules.mute_chat, state, FACILITATOR, FACILITATOR, True, T0)


def test_deleting_a_message_tells_everyone_to_drop_it() -> None:
    state = running_room(1)
    message_id = rules.chat(state, 10, "oops", T0).data["id"]
    outcome = rules.delete_chat(state, FACILITATOR, message_id, T0)
    assert outcome.notices[0].event == "chat_deleted"
    assert outcome.notices[0].data["id"] == message_id
    refused("invalid", rules.delete_chat, state, FACILITATOR, "m999", T0)
    refused("forbidden", rules.delete_chat, state, 10, message_id, T0)


def test_the_private_line_reaches_only_the_facilitators() -> None:
    state = running_room(1)
    outcome = rules.private_message(state, 10, "Can we talk after?", T0)
    assert [(n.to, n.event) for n in outcome.notices] == [("facilitators", "private_message")]


def test_a_facilitator_answers_privately_and_the_other_facilitators_see_it() -> None:
    state = running_room(1, co=True)
    outcome = rules.private_reply(state, FACILITATOR, 10, "Yes, of course.", T0)
    assert [n.to for n in outcome.notices] == ["user:10", "facilitators"]
    refused("forbidden", rules.private_reply, state, 10, 11, "hello", T0)


def test_a_discreet_signal_goes_to_the_facilitators_only() -> None:
    state = running_room(1)
    outcome = rules.signal(state, 10, "not_ok", T0)
    assert [(n.to, n.data["kind"]) for n in outcome.notices] == [("facilitators", "not_ok")]
    refused("invalid", rules.signal, state, 10, "anything", T0)


def test_the_private_line_says_so_when_no_facilitator_is_connected() -> None:
    state = running_room(1)
    rules.disconnect(state, FACILITATOR, "s1", T0)
    refused("no_facilitator", rules.signal, state, 10, "need_break", T0)


def test_reactions_are_broadcast_from_a_fixed_set() -> None:
    state = running_room(1)
    outcome = rules.react(state, 10, "me_too", T0)
    assert outcome.notices[0].to == "room" and not outcome.changed
    refused("invalid", rules.react, state, 10, "thumbs_down", T0)


def test_topics_keep_votes_but_not_their_text() -> None:
    state = running_room(2)
    outcome = rules.propose_topic(state, 10, "Sleeping badly", T0)
    topic_id = outcome.data["id"]
    assert outcome.notices[0].data["text"] == "Sleeping badly"
    rules.vote_topic(state, 11, topic_id, True, T0)
    assert not rules.vote_topic(state, 11, topic_id, True, T0).changed
    topic = state.topic(topic_id)
    assert topic is not None and topic.voters == [11]
    rules.pick_topic(state, FACILITATOR, topic_id, T0)
    assert state.picked_topic == topic_id
    assert "Sleeping" not in json.dumps(state.to_dict())
    refused("unknown_topic", rules.vote_topic, state, 11, "t999", True, T0)
    refused("forbidden", rules.pick_topic, state, 10, topic_id, T0)


def test_someone_in_the_lobby_cannot_chat() -> None:
    state = running_room(1)
    arrive(state, 11)
    refused("not_admitted", rules.chat, state, 11, "hello?", T0)
