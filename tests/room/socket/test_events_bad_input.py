"""Bad input never changes the room, never escapes as an exception, never drops the connection."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from server.room.core.rules import talk
from server.room.live.runtime import RoomRuntime
from server.room.socket.dispatch import registered_events
from tests.conftest import Course
from tests.room.conftest import LiveMeeting, Sock
from tests.room.samples import EVENTS_WITH_SAMPLES, sample_payload


def snapshot(room: RoomRuntime, meeting_id: int) -> str:
    state = room.store.get(meeting_id)
    return json.dumps(state.to_dict() if state else None)


def bad_payloads(event: str, meeting_id: int, target: int) -> list[Any]:
    good = {"meeting_id": meeting_id, **sample_payload(event, target)}
    fields = registered_events()[event].payload.model_fields
    payloads: list[Any] = [
        None,
        "raise my hand",
        42,
        [good],
        {},  # meeting_id missing
        {**good, "meeting_id": str(meeting_id)},  # wrong type
        {**good, "meeting_id": True},
        {**good, "meeting_id": -1},
        {**good, "unexpected": "field"},
        {**good, "x" * 5000: 1},  # an oversize extra field name
    ]
    for name, value in good.items():
        if name == "meeting_id":
            continue
        if fields[name].is_required():
            payloads.append({k: v for k, v in good.items() if k != name})  # missing
        payloads.append({**good, name: {"nested": value}})  # wrong type
        payloads.append({**good, name: "y" * 20_000})  # oversize (or wrong type)
    return payloads


@pytest.mark.parametrize("event", sorted(EVENTS_WITH_SAMPLES))
def test_malformed_payloads_are_refused_and_change_nothing(
    event: str, meeting: LiveMeeting, room: RoomRuntime, course: Course
) -> None:
    facilitator = meeting.facilitator
    target = meeting.participants[0].user.id
    before = snapshot(room, course.meeting.id)
    for payload in bad_payloads(event, course.meeting.id, target):
        ack = facilitator.raw(event, payload)
        assert ack["ok"] is False, (event, str(payload)[:80])
        assert ack["error"]["code"] == "invalid", (event, str(payload)[:80], ack)
        assert "y" * 50 not in json.dumps(ack)  # what was sent is not echoed back
    assert snapshot(room, course.meeting.id) == before
    assert facilitator.connected


def test_no_payload_or_several_payloads_are_refused(meeting: LiveMeeting) -> None:
    sock = meeting.participants[0]
    assert sock.raw("raise_hand")["error"]["code"] == "invalid"
    payload = {"meeting_id": sock.meeting_id}
    assert sock.raw("raise_hand", payload, payload)["error"]["code"] == "invalid"


def test_an_unknown_event_is_answered_and_the_connection_stays(meeting: LiveMeeting) -> None:
    sock = meeting.participants[0]
    for event in ("nonsense", "send_private_to_participant", "message", "json"):
        ack = sock.raw(event, {"meeting_id": sock.meeting_id})
        assert ack["ok"] is False and ack["error"]["code"] == "unknown_event"
    assert sock.connected
    assert sock.send("raise_hand")["ok"]


def test_acting_on_another_meeting_is_refused(
    meeting: LiveMeeting, room: RoomRuntime, course: Course
) -> None:
    before = snapshot(room, course.meeting.id)
    ack = meeting.facilitator.raw("lock", {"meeting_id": course.meeting.id + 1, "locked": True})
    assert ack["error"]["code"] == "wrong_meeting"
    assert snapshot(room, course.meeting.id) == before


def test_events_before_joining_are_refused(connect: Callable[..., Sock], course: Course) -> None:
    sock = connect(course.facilitator)
    assert sock.send("lock", locked=True)["error"]["code"] == "not_joined"


def test_acting_on_someone_who_is_not_present_changes_nothing(
    meeting: LiveMeeting, room: RoomRuntime, course: Course
) -> None:
    before = snapshot(room, course.meeting.id)
    for event in ("give_floor", "mute_chat", "remove_from_meeting", "admit", "private_reply"):
        payload = sample_payload(event, course.outsider.id)
        ack = meeting.facilitator.send(event, **payload)
        assert ack["error"]["code"] == "not_present", event
    assert snapshot(room, course.meeting.id) == before


def test_a_failure_inside_is_internal_and_logged_without_content(
    meeting: LiveMeeting, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any) -> None:
        raise ValueError("something private someone wrote")

    monkeypatch.setattr(talk, "check_rate", broken)
    with caplog.at_level(logging.ERROR):
        ack = meeting.participants[0].send("chat", text="something private someone wrote")
    assert ack["error"]["code"] == "internal"
    assert "room event chat failed: ValueError" in caplog.text
    assert "private" not in caplog.text
    assert meeting.participants[0].connected


def test_every_error_message_is_words_not_a_code(meeting: LiveMeeting) -> None:
    ack = meeting.participants[0].send("give_floor", user_id=1)
    assert ack["error"] == {"code": "forbidden", "message": "Only a facilitator can do this."}


def test_the_registry_names_a_policy_and_a_payload_for_every_event() -> None:
    for spec in registered_events().values():
        assert spec.policy in ("connected", "joined", "admitted", "facilitator")
        assert "meeting_id" in spec.payload.model_fields
