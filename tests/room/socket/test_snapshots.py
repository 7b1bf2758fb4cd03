"""Who gets which room_state, and how: one frame per socket and change, a facilitator's with
their own part, the sender's in the answer to its request."""

from __future__ import annotations

from typing import Any

import pytest

from server.room.live.runtime import RoomRuntime
from tests.room.conftest import LiveMeeting, Sock


def frames(sock: Sock) -> list[tuple[str, Any]]:
    """The packets that reached this socket since the last call, as they came (no answers)."""
    return [(p["name"], p["args"][0]) for p in sock.client.get_received()]


def states(sock: Sock) -> list[dict[str, Any]]:
    return [data for name, data in frames(sock) if name == "room_state"]


def test_the_sender_gets_its_room_state_in_the_answer_and_no_frame(meeting: LiveMeeting) -> None:
    sender, other, _ = meeting.participants
    for sock in meeting.everyone:
        frames(sock)

    ack = sender.client.emit("raise_hand", {"meeting_id": sender.meeting_id}, callback=True)

    room = ack["data"]["room"]
    assert ack["data"]["position"] == 1
    assert room["queue"] == [sender.user.id]
    assert "facilitator" not in room
    assert states(sender) == []
    (seen,) = states(other)
    assert seen == room
    (seen_by_facilitator,) = states(meeting.facilitator)
    assert seen_by_facilitator["version"] == room["version"]


def test_a_facilitator_gets_one_frame_per_change_with_their_own_part(
    meeting: LiveMeeting,
) -> None:
    a, b, _ = meeting.participants
    for sock in meeting.everyone:
        frames(sock)

    a.send("raise_hand")
    b.send("raise_hand")

    got = frames(meeting.facilitator)
    assert [name for name, _ in got] == ["room_state", "room_state"]
    for _, state in got:
        assert state["facilitator"]["version"] == state["version"]
    assert got[-1][1]["queue"] == [a.user.id, b.user.id]
    for sock in meeting.participants:
        assert all("facilitator" not in state for state in sock.events("room_state"))


def test_a_facilitator_who_changes_the_room_gets_their_part_in_the_answer(
    meeting: LiveMeeting,
) -> None:
    speaker = meeting.participants[0]
    speaker.send("raise_hand")
    for sock in meeting.everyone:
        frames(sock)

    ack = meeting.co.client.emit("next_speaker", {"meeting_id": speaker.meeting_id}, callback=True)

    room = ack["data"]["room"]
    assert room["floor"]["user_id"] == speaker.user.id
    assert room["facilitator"]["version"] == room["version"]
    assert states(meeting.co) == []
    (seen,) = states(meeting.facilitator)
    assert seen == room  # the other facilitator's frame: the same snapshot


def test_nothing_changed_means_no_snapshot_anywhere(meeting: LiveMeeting) -> None:
    sender = meeting.participants[0]
    sender.send("raise_hand")
    for sock in meeting.everyone:
        frames(sock)

    ack = sender.client.emit("raise_hand", {"meeting_id": sender.meeting_id}, callback=True)

    assert ack == {"ok": True, "data": {"position": 1}}
    for sock in meeting.everyone:
        assert states(sock) == []


def test_a_request_that_fails_after_its_change_still_brings_the_sender_the_room(
    meeting: LiveMeeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender = meeting.participants[0]
    frames(sender)

    def broken(*args: Any) -> None:
        raise ValueError("after the change")

    monkeypatch.setattr(RoomRuntime, "_write", broken)
    ack = sender.client.emit("raise_hand", {"meeting_id": sender.meeting_id}, callback=True)

    assert ack["error"]["code"] == "internal"
    (state,) = states(sender)
    assert state["queue"] == [sender.user.id]


def test_joining_brings_the_room_once(meeting: LiveMeeting, connect: Any) -> None:
    again = connect(meeting.participants[1].user)
    ack = again.client.emit("join", {"meeting_id": again.meeting_id}, callback=True)

    assert ack["data"]["where"] == "room"
    assert again.user.id in [p["user_id"] for p in ack["data"]["room"]["people"]]
    assert states(again) == []
