"""Media through Socket.IO: WebRTC signalling relayed only between admitted people of one room,
bad signalling refused, floor mode, microphones and mutes."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from server.extensions import db
from server.models import AuditEntry
from server.room.live.runtime import RoomRuntime
from tests.conftest import Course
from tests.room.conftest import Clock, LiveMeeting, Sock
from tests.room.samples import SDP

OFFER = {"type": "offer", "sdp": SDP}
CANDIDATE = {
    "candidate": "candidate:842163049 1 udp 1677729535 198.51.100.7 54321 typ srflx "
    "raddr 0.0.0.0 rport 0 generation 0 ufrag EsAw network-cost 999",
    "sdpMid": "0",
    "sdpMLineIndex": 0,
    "usernameFragment": "EsAw",
}


def relayed(sock: Sock) -> list[Any]:
    return sock.events("rtc_signal")


def audit_actions(meeting_id: int) -> list[tuple[str, int | None, int | None]]:
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.meeting_id == meeting_id).order_by(AuditEntry.id)
    )
    return [(e.action, e.actor_id, e.target_user_id) for e in entries]


def test_an_offer_reaches_only_the_person_it_is_for(meeting: LiveMeeting) -> None:
    sender, recipient, bystander = meeting.participants
    ack = sender.send("rtc_signal", to_user_id=recipient.user.id, description=OFFER)
    assert ack == {"ok": True, "data": {}}
    assert relayed(recipient) == [
        {"meeting_id": sender.meeting_id, "from_user_id": sender.user.id, "description": OFFER}
    ]
    for sock in (sender, bystander, meeting.facilitator, meeting.co):
        assert relayed(sock) == []


def test_a_candidate_is_relayed_as_the_browser_wrote_it(meeting: LiveMeeting) -> None:
    sender, recipient, _ = meeting.participants
    assert sender.send("rtc_signal", to_user_id=recipient.user.id, candidate=CANDIDATE)["ok"]
    assert relayed(recipient)[0]["candidate"] == CANDIDATE
    end = {"candidate": "", "sdpMid": "0", "sdpMLineIndex": None, "usernameFragment": None}
    assert sender.send("rtc_signal", to_user_id=recipient.user.id, candidate=end)["ok"]
    assert relayed(recipient)[1]["candidate"] == end


def test_facilitators_and_participants_signal_each_other(meeting: LiveMeeting) -> None:
    participant = meeting.participants[0]
    assert meeting.facilitator.send(
        "rtc_signal", to_user_id=participant.user.id, description=OFFER
    )["ok"]
    answer = {"type": "answer", "sdp": SDP}
    assert participant.send(
        "rtc_signal", to_user_id=meeting.facilitator.user.id, description=answer
    )["ok"]
    assert relayed(meeting.facilitator)[0]["description"] == answer


def test_signalling_to_someone_outside_the_room_is_refused_and_not_relayed(
    meeting: LiveMeeting, enter: Callable[..., Sock], connect: Callable[..., Sock], course: Course
) -> None:
    sender = meeting.participants[0]
    meeting.participants[2].send("leave")
    waiting = enter(course.participants[2])  # back, in the lobby
    outsider = connect(course.outsider)
    for target in (waiting, outsider):
        ack = sender.send("rtc_signal", to_user_id=target.user.id, description=OFFER)
        assert ack["error"]["code"] == "not_present"
        assert relayed(target) == []
    ack = sender.send("rtc_signal", to_user_id=10_000, candidate=CANDIDATE)
    assert ack["error"]["code"] == "not_present"


def test_someone_in_the_lobby_or_outside_cannot_signal_anyone(
    meeting: LiveMeeting, enter: Callable[..., Sock], connect: Callable[..., Sock], course: Course
) -> None:
    target = meeting.participants[0]
    meeting.participants[2].send("leave")
    waiting = enter(course.participants[2])
    assert (
        waiting.send("rtc_signal", to_user_id=target.user.id, description=OFFER)["error"]["code"]
        == "not_admitted"
    )
    for person in (course.outsider, course.admin):
        sock = connect(person)
        ack = sock.send("rtc_signal", to_user_id=target.user.id, description=OFFER)
        assert ack["error"]["code"] == "not_joined"
    assert relayed(target) == []


def test_signalling_stops_at_once_for_someone_removed(meeting: LiveMeeting) -> None:
    removed, other, _ = meeting.participants
    assert meeting.facilitator.send("remove_from_meeting", user_id=removed.user.id)["ok"]
    ack = other.send("rtc_signal", to_user_id=removed.user.id, description=OFFER)
    assert ack["error"]["code"] == "not_present"
    ack = removed.send("rtc_signal", to_user_id=other.user.id, description=OFFER)
    assert ack["error"]["code"] == "not_joined"
    assert relayed(removed) == [] and relayed(other) == []


BAD_DESCRIPTIONS: list[Any] = [
    {"type": "offer", "sdp": ""},
    {"type": "offer", "sdp": "hello"},
    {"type": "offer", "sdp": "o=- 1 2 IN IP4 127.0.0.1\r\nv=0\r\n"},  # v=0 is not first
    {"type": "offer", "sdp": SDP + "a=ok\r\n\x00\r\n"},  # a control character
    {"type": "offer", "sdp": SDP + "a=\x1b[31mred\r\n"},
    {"type": "offer", "sdp": SDP + "a=träd\r\n"},  # not ASCII
    {"type": "offer", "sdp": SDP + "not a line\r\n"},
    {"type": "offer", "sdp": SDP + "a=" + "x" * 40_000 + "\r\n"},  # too large
    {"type": "pranswer", "sdp": SDP},
    {"type": "rollback", "sdp": SDP},  # a rollback has no SDP
    {"type": "offer"},
    {"sdp": SDP},
    {"type": "offer", "sdp": SDP, "extra": 1},
    {"type": "offer", "sdp": ["v=0"]},
]
BAD_CANDIDATES: list[Any] = [
    {**CANDIDATE, "candidate": "x" * 2000},  # larger than 1 KiB
    {**CANDIDATE, "candidate": "candidate:" + "1" * 1100},
    {**CANDIDATE, "candidate": "hello"},
    {**CANDIDATE, "candidate": "candidate:1 1 udp\n1 a=injected"},
    {**CANDIDATE, "candidate": "candidate:1 1 udp 1 ∞ 9 typ host"},
    {**CANDIDATE, "sdpMid": None, "sdpMLineIndex": None},
    {**CANDIDATE, "sdpMid": "x" * 40},
    {**CANDIDATE, "sdpMid": "a b"},
    {**CANDIDATE, "sdpMLineIndex": -1},
    {**CANDIDATE, "sdpMLineIndex": "0"},
    {**CANDIDATE, "usernameFragment": "a:b"},
    {**CANDIDATE, "port": 9},
    {"sdpMid": "0"},
]


@pytest.mark.parametrize("description", BAD_DESCRIPTIONS)
def test_a_malformed_description_is_refused_and_not_relayed(
    description: Any, meeting: LiveMeeting
) -> None:
    sender, recipient, _ = meeting.participants
    ack = sender.send("rtc_signal", to_user_id=recipient.user.id, description=description)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert "description" in ack["error"]["fields"]
    assert "x" * 50 not in json.dumps(ack)
    assert relayed(recipient) == []


@pytest.mark.parametrize("candidate", BAD_CANDIDATES)
def test_a_malformed_candidate_is_refused_and_not_relayed(
    candidate: Any, meeting: LiveMeeting
) -> None:
    sender, recipient, _ = meeting.participants
    ack = sender.send("rtc_signal", to_user_id=recipient.user.id, candidate=candidate)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"
    assert ack["error"]["fields"] == ["candidate"]
    assert relayed(recipient) == []


def test_both_or_neither_description_and_candidate_is_refused(meeting: LiveMeeting) -> None:
    sender, recipient, _ = meeting.participants
    to = recipient.user.id
    both = sender.send("rtc_signal", to_user_id=to, description=OFFER, candidate=CANDIDATE)
    neither = sender.send("rtc_signal", to_user_id=to)
    nulls = sender.send("rtc_signal", to_user_id=to, description=None, candidate=None)
    for ack in (both, neither, nulls):
        assert ack["error"]["code"] == "invalid"
    assert sender.send("rtc_signal", to_user_id=sender.user.id, description=OFFER)["error"][
        "code"
    ] == ("invalid")
    assert relayed(recipient) == [] and relayed(sender) == []


def test_a_flood_of_candidates_is_refused_with_rate_limited(
    meeting: LiveMeeting, room: RoomRuntime, clock: Clock, course: Course
) -> None:
    sender, recipient, _ = meeting.participants
    state = room.store.get(course.meeting.id)
    assert state is not None
    limit = state.settings.signal_limit
    for _ in range(limit):
        ack = sender.send("rtc_signal", to_user_id=recipient.user.id, candidate=CANDIDATE)
        assert ack["ok"], ack
    ack = sender.send("rtc_signal", to_user_id=recipient.user.id, candidate=CANDIDATE)
    assert ack["error"]["code"] == "rate_limited" and ack["error"]["retry_after"] >= 1
    assert len(relayed(recipient)) == limit
    # Others are not held back, and the sender may go on after a moment.
    assert recipient.send("rtc_signal", to_user_id=sender.user.id, candidate=CANDIDATE)["ok"]
    clock.advance(1)
    assert sender.send("rtc_signal", to_user_id=recipient.user.id, candidate=CANDIDATE)["ok"]


def test_signalling_is_neither_stored_nor_logged(
    meeting: LiveMeeting, room: RoomRuntime, course: Course, caplog: pytest.LogCaptureFixture
) -> None:
    sender, recipient, _ = meeting.participants
    secret_sdp = SDP + "a=kreds-canary-6c1f\r\n"
    with caplog.at_level(logging.DEBUG):
        assert sender.send(
            "rtc_signal",
            to_user_id=recipient.user.id,
            description={"type": "offer", "sdp": secret_sdp},
        )["ok"]
        sender.send("rtc_signal", to_user_id=recipient.user.id, description={"type": "offer"})
    assert "kreds-canary" not in caplog.text and "198.51.100.7" not in caplog.text
    state = room.store.get(course.meeting.id)
    assert "kreds-canary" not in json.dumps(state.to_dict() if state else None)


# ---- ICE servers -----------------------------------------------------------------------------


def test_without_configuration_there_are_no_ice_servers(meeting: LiveMeeting) -> None:
    ack = meeting.participants[0].send("ice_servers")
    assert ack["data"] == {"ice_servers": [], "ice_transport_policy": "all", "expires_at": None}


def test_admitted_people_get_short_lived_turn_credentials(
    meeting: LiveMeeting, app: Flask, clock: Clock
) -> None:
    app.config.update(
        STUN_URLS="stun:stun.example.org:3478",
        TURN_URLS="turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349",
        TURN_SECRET="north-wind-secret",
        TURN_TTL=600,
        ICE_RELAY_ONLY=True,
    )
    data = meeting.participants[0].send("ice_servers")["data"]
    stun, turn = data["ice_servers"]
    assert stun == {"urls": ["stun:stun.example.org:3478"]}
    assert turn["urls"] == [
        "turn:turn.example.org:3478?transport=udp",
        "turns:turn.example.org:5349",
    ]
    expiry, opaque = turn["username"].split(":")
    assert int(expiry) == int(clock.now) + 600 == data["expires_at"]
    assert str(meeting.participants[0].user.id) != opaque and len(opaque) == 20
    assert data["ice_transport_policy"] == "relay"
    other = meeting.participants[1].send("ice_servers")["data"]["ice_servers"][1]
    assert other["username"] != turn["username"] and other["credential"] != turn["credential"]


def test_people_in_the_lobby_get_no_turn_credentials(
    meeting: LiveMeeting, enter: Callable[..., Sock], course: Course, app: Flask
) -> None:
    app.config.update(TURN_URLS="turn:turn.example.org:3478", TURN_SECRET="north-wind-secret")
    meeting.participants[2].send("leave")
    waiting = enter(course.participants[2])
    ack = waiting.send("ice_servers")
    assert ack["error"]["code"] == "not_admitted" and "data" not in ack


# ---- floor mode, microphones, mutes ---------------------------------------------------------


def test_floor_mode_tells_everyone_who_may_speak(meeting: LiveMeeting) -> None:
    speaker, other, _ = meeting.participants
    assert meeting.co.send("set_floor_mode", on=True)["ok"]
    state = other.last("room_state")
    assert state["floor_mode"] is True
    assert state["may_speak"] == [meeting.facilitator.user.id, meeting.co.user.id]
    assert other.send("set_media", audio=True, video=False)["error"]["code"] == "may_not_speak"
    meeting.facilitator.send("give_floor", user_id=speaker.user.id)
    assert speaker.user.id in other.last("room_state")["may_speak"]
    assert speaker.send("set_media", audio=True, video=False)["ok"]
    shown = {p["user_id"]: p["mic"] for p in other.last("room_state")["people"]}
    assert shown[speaker.user.id] is True
    assert meeting.co.last("room_state")["facilitator"]["floor_mode_switch"] is True


def test_participant_cannot_switch_floor_mode(meeting: LiveMeeting) -> None:
    ack = meeting.participants[0].send("set_floor_mode", on=True)
    assert ack["error"]["code"] == "forbidden"


def test_turning_the_camera_on_is_shown_to_everyone(meeting: LiveMeeting) -> None:
    person = meeting.participants[0]
    assert person.send("set_media", audio=False, video=True)["ok"]
    for sock in meeting.everyone:
        people = {p["user_id"]: p for p in sock.last("room_state")["people"]}
        assert people[person.user.id]["camera"] is True
        assert people[person.user.id]["mic"] is False


def test_a_facilitator_mutes_one_person(meeting: LiveMeeting, course: Course) -> None:
    muted, other, _ = meeting.participants
    muted.send("set_media", audio=True, video=False)
    assert meeting.facilitator.send("mute", user_id=muted.user.id)["ok"]
    by = {"user_id": meeting.facilitator.user.id, "name": meeting.facilitator.user.display_name}
    assert muted.last("mute_request") == {"meeting_id": muted.meeting_id, "by": by}
    assert other.events("mute_request") == []
    people = {p["user_id"]: p for p in other.last("room_state")["people"]}
    assert people[muted.user.id]["muted"] is True and people[muted.user.id]["mic"] is False
    assert ("room.mute", course.facilitator.id, muted.user.id) in audit_actions(course.meeting.id)


def test_mute_all_but_floor(meeting: LiveMeeting) -> None:
    speaker, a, b = meeting.participants
    meeting.facilitator.send("give_floor", user_id=speaker.user.id)
    assert meeting.co.send("mute_all_but_floor")["ok"]
    assert a.events("mute_request") and b.events("mute_request")
    for sock in (speaker, meeting.facilitator, meeting.co):
        assert sock.events("mute_request") == []


def test_a_facilitator_can_only_ask_someone_to_unmute(
    meeting: LiveMeeting, room: RoomRuntime, course: Course
) -> None:
    asked, other, _ = meeting.participants
    assert meeting.co.send("ask_to_unmute", user_id=asked.user.id)["ok"]
    assert asked.last("unmute_request")["by"]["user_id"] == meeting.co.user.id
    assert other.events("unmute_request") == []
    views = room.views(course.meeting.id)
    assert views is not None
    people = {p["user_id"]: p for p in views.public["people"]}
    assert people[asked.user.id]["mic"] is False


def test_participant_cannot_mute_or_ask_others(meeting: LiveMeeting) -> None:
    a, b, _ = meeting.participants
    for event, fields in (
        ("mute", {"user_id": b.user.id}),
        ("mute_all_but_floor", {}),
        ("ask_to_unmute", {"user_id": b.user.id}),
    ):
        assert a.send(event, **fields)["error"]["code"] == "forbidden"
    assert b.events("mute_request") == [] and b.events("unmute_request") == []
