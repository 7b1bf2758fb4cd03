"""Chat, the private line, signals, reactions and topics through Socket.IO: relayed, never kept."""

from __future__ import annotations

import json
from collections.abc import Callable

from server.room.live.runtime import RoomRuntime
from tests.conftest import Course
from tests.room.conftest import Clock, LiveMeeting, Sock

SECRET = "I have never told anyone this"


def test_chat_arrives_once_at_each_member_with_a_server_made_id(meeting: LiveMeeting) -> None:
    sender = meeting.participants[0]
    ack = sender.send("chat", text=SECRET)
    assert ack["ok"]
    for sock in meeting.everyone:
        (message,) = sock.events("chat")
        assert message["id"] == ack["data"]["id"]
        assert message["text"] == SECRET
        assert message["from"] == {"user_id": sender.user.id, "name": sender.user.display_name}


def test_the_server_keeps_no_copy_and_late_joiners_get_no_history(
    meeting: LiveMeeting, room: RoomRuntime, enter: Callable[..., Sock], course: Course
) -> None:
    meeting.participants[0].send("chat", text=SECRET)
    meeting.participants[0].send("propose_topic", text=SECRET + " topic")
    state = room.store.get(course.meeting.id)
    assert state is not None and SECRET not in json.dumps(state.to_dict())
    meeting.participants[2].send("leave")
    late = enter(course.participants[2])
    meeting.facilitator.send("admit", user_id=late.user.id)
    assert late.events("chat") == [] and late.events("topic_proposed") == []
    assert SECRET not in json.dumps(late.seen)


def test_people_in_the_lobby_do_not_receive_chat(
    meeting: LiveMeeting, enter: Callable[..., Sock], course: Course
) -> None:
    meeting.participants[2].send("leave")
    waiting = enter(course.participants[2])
    meeting.participants[0].send("chat", text="hello")
    assert waiting.events("chat") == []


def test_a_facilitator_deletes_a_message_for_everyone(meeting: LiveMeeting) -> None:
    message_id = meeting.participants[0].send("chat", text="oops")["data"]["id"]
    assert meeting.co.send("delete_chat", message_id=message_id)["ok"]
    for sock in meeting.everyone:
        assert sock.last("chat_deleted")["id"] == message_id


def test_chat_off_and_on(meeting: LiveMeeting) -> None:
    participant = meeting.participants[0]
    meeting.facilitator.send("set_chat", enabled=False)
    assert participant.last("room_state")["chat_enabled"] is False
    assert participant.send("chat", text="hi")["error"]["code"] == "chat_off"
    meeting.facilitator.send("set_chat", enabled=True)
    assert participant.send("chat", text="hi")["ok"]


def test_muting_one_persons_chat(meeting: LiveMeeting) -> None:
    muted, other, _ = meeting.participants
    meeting.facilitator.send("mute_chat", user_id=muted.user.id, muted=True)
    assert muted.last("chat_muted")["muted"] is True
    assert other.events("chat_muted") == []
    assert muted.send("chat", text="hi")["error"]["code"] == "chat_muted"
    assert other.send("chat", text="hi")["ok"]
    assert muted.user.id in meeting.co.last("room_state")["facilitator"]["chat_muted"]


def test_chat_is_rate_limited(meeting: LiveMeeting, clock: Clock) -> None:
    sender = meeting.participants[0]
    for _ in range(8):
        assert sender.send("chat", text="hi")["ok"]
    ack = sender.send("chat", text="hi")
    assert ack["error"]["code"] == "rate_limited" and ack["error"]["retry_after"] >= 1
    clock.advance(11)
    assert sender.send("chat", text="hi")["ok"]


def test_chat_longer_than_1000_characters_is_refused(meeting: LiveMeeting) -> None:
    ack = meeting.participants[0].send("chat", text="x" * 1001)
    assert ack["error"]["code"] == "invalid"
    assert meeting.participants[1].events("chat") == []


def test_the_private_line_reaches_the_facilitators_and_nobody_else(meeting: LiveMeeting) -> None:
    sender = meeting.participants[0]
    ack = sender.send("private_message", text="Can I leave early?")
    assert ack["ok"]
    for sock in (meeting.facilitator, meeting.co):
        assert sock.last("private_message")["text"] == "Can I leave early?"
    for sock in meeting.participants:
        assert sock.events("private_message") == []


def test_a_facilitator_answers_privately(meeting: LiveMeeting) -> None:
    asker, other, _ = meeting.participants
    ack = meeting.facilitator.send("private_reply", user_id=asker.user.id, text="Of course.")
    assert ack["ok"]
    assert asker.last("private_message")["text"] == "Of course."
    assert meeting.co.last("private_message")["to"]["user_id"] == asker.user.id
    assert other.events("private_message") == []


def test_participants_cannot_write_privately_to_each_other(meeting: LiveMeeting) -> None:
    sender, other, _ = meeting.participants
    ack = sender.send("private_reply", user_id=other.user.id, text="psst")
    assert ack["error"]["code"] == "forbidden"
    assert other.events("private_message") == []


def test_a_discreet_signal_reaches_the_facilitators_only(meeting: LiveMeeting) -> None:
    sender = meeting.participants[0]
    assert sender.send("signal", kind="not_ok")["ok"]
    assert meeting.facilitator.last("private_signal")["kind"] == "not_ok"
    assert meeting.co.last("private_signal")["from"]["user_id"] == sender.user.id
    for sock in meeting.participants:
        assert sock.events("private_signal") == []


def test_reactions_are_broadcast(meeting: LiveMeeting) -> None:
    assert meeting.participants[0].send("react", kind="hear_you")["ok"]
    for sock in meeting.everyone:
        assert sock.last("reaction")["kind"] == "hear_you"


def test_topics_are_proposed_voted_and_picked(meeting: LiveMeeting) -> None:
    a, b, c = meeting.participants
    topic_id = a.send("propose_topic", text="Sleep")["data"]["id"]
    assert c.last("topic_proposed") == {
        "meeting_id": a.meeting_id,
        "id": topic_id,
        "from": {"user_id": a.user.id, "name": a.user.display_name},
        "text": "Sleep",
    }
    b.send("vote_topic", topic_id=topic_id)
    c.send("vote_topic", topic_id=topic_id)
    c.send("vote_topic", topic_id=topic_id, vote=False)
    (topic,) = a.last("room_state")["topics"]
    assert topic["voters"] == [b.user.id]
    assert a.send("pick_topic", topic_id=topic_id)["error"]["code"] == "forbidden"
    meeting.facilitator.send("pick_topic", topic_id=topic_id)
    assert a.last("room_state")["picked_topic"] == topic_id
