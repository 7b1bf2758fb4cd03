"""Flooding a meeting through real Socket.IO clients: every event that changes the room or relays
something is paid for from the sender's budget (server/room/core/rule.py), so one person's
burst cannot make the server send everyone a snapshot per click; a facilitator at work, and a
participant at a normal pace, are never refused."""

from __future__ import annotations

from typing import Any

import pytest

from server.room.socket.dispatch import registered_events
from tests.room.conftest import Clock, LiveMeeting, Sock

BUDGET = 20  # a participant's changes at once (Settings.budget)
LEFT = BUDGET - 1  # after joining, which was a change too


def flood(sock: Sock, events: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [sock.send(event, **fields) for event, fields in events]


def refused(acks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [ack["error"] for ack in acks if not ack["ok"]]


TOGGLES: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "hand": [("raise_hand", {}), ("lower_hand", {})],
    "status": [("set_status", {"status": "away"}), ("set_status", {"status": "here"})],
    "media": [
        ("set_media", {"audio": True, "video": True}),
        ("set_media", {"audio": False, "video": False}),
    ],
}


@pytest.mark.parametrize("toggle", sorted(TOGGLES))
def test_a_hundred_toggles_in_a_burst_reach_the_others_at_most_budget_times(
    meeting: LiveMeeting, toggle: str
) -> None:
    flooder, witness, _ = meeting.participants
    acks = flood(flooder, TOGGLES[toggle] * 50)
    errors = refused(acks)
    assert len(errors) == 100 - LEFT
    assert {error["code"] for error in errors} == {"rate_limited"}
    assert all(isinstance(e["retry_after"], int) and e["retry_after"] >= 1 for e in errors)
    for sock in (witness, meeting.facilitator):
        assert len(sock.events("room_state")) <= LEFT


def test_a_refused_change_changes_nothing_and_sends_nothing(meeting: LiveMeeting) -> None:
    flooder, witness, _ = meeting.participants
    spent = flood(flooder, TOGGLES["hand"] * 9 + TOGGLES["status"][:1])  # all 19: the hand down
    assert refused(spent) == []
    witness.forget()
    meeting.facilitator.forget()
    ack = flooder.send("raise_hand")
    assert ack["error"]["code"] == "rate_limited"
    assert witness.events("room_state") == [] and meeting.facilitator.events("room_state") == []
    ack = meeting.facilitator.send("next_speaker")  # the facilitator's own budget
    assert ack["error"]["code"] == "queue_empty"  # the refused hand was never raised


def test_after_the_wait_it_says_the_room_answers_again(meeting: LiveMeeting, clock: Clock) -> None:
    flooder = meeting.participants[0]
    acks = flood(flooder, TOGGLES["hand"] * 50)
    retry_after = refused(acks)[-1]["retry_after"]
    assert flooder.send("raise_hand")["error"]["code"] == "rate_limited"
    clock.advance(retry_after)
    assert flooder.send("raise_hand")["ok"]
    # The budget fills up again in 20 seconds: a whole burst's worth.
    clock.advance(20)
    assert refused(flood(flooder, TOGGLES["hand"] * (BUDGET // 2))) == []
    assert refused(flood(flooder, TOGGLES["hand"]))[0]["code"] == "rate_limited"


def test_leaving_and_coming_back_does_not_refill_the_budget(meeting: LiveMeeting) -> None:
    flooder = meeting.participants[0]
    meeting.facilitator.forget()
    joins = []
    for _ in range(BUDGET + 10):
        flooder.send("leave")  # leaving is never refused for its pace (only once out: not_joined)
        joins.append(flooder.send("join"))
    assert len(refused(joins)) >= 10
    assert {error["code"] for error in refused(joins)} == {"rate_limited"}
    # Each leave and each join changed the facilitator's view of the lobby: bounded all the same.
    assert len(meeting.facilitator.events("room_state")) <= 2 * BUDGET + 1


def test_relays_are_paid_for_from_the_same_budget(meeting: LiveMeeting) -> None:
    flooder, witness, _ = meeting.participants
    toggles = flood(flooder, TOGGLES["hand"] * (BUDGET // 2 - 1))  # 18 of the 19 left
    assert refused(toggles) == []
    reactions = flood(flooder, [("react", {"kind": "hear_you"})] * 5)
    assert len(refused(reactions)) == 4
    assert len(witness.events("reaction")) == 1


def test_a_facilitator_running_a_busy_meeting_is_never_refused(
    meeting: LiveMeeting, clock: Clock
) -> None:
    """A hectic minute, all at one instant: hands, the floor, a round, floor mode, a break."""
    mira = meeting.facilitator
    birch, heron, juniper = meeting.participants
    steps: list[tuple[Sock, str, dict[str, Any]]] = [
        (birch, "raise_hand", {}),
        (heron, "raise_hand", {}),
        (juniper, "raise_hand", {}),
        (mira, "move_in_queue", {"user_id": juniper.user.id, "direction": "up"}),
        (mira, "next_speaker", {}),
        (mira, "set_turn_limit", {"seconds": 120}),
        (mira, "take_floor", {}),
        (mira, "next_speaker", {}),
        (mira, "give_floor", {"user_id": birch.user.id}),
        (mira, "lower_hand_of", {"user_id": heron.user.id}),
        (mira, "clear_queue", {}),
        (mira, "set_floor_mode", {"on": True}),
        (mira, "mute_all_but_floor", {}),
        (mira, "ask_to_unmute", {"user_id": birch.user.id}),
        (mira, "set_floor_mode", {"on": False}),
        (mira, "take_floor", {}),
        (mira, "start_round", {"kind": "check_in", "first_user_id": birch.user.id}),
        (birch, "round_next", {}),
        (mira, "round_next", {}),
        (mira, "end_round", {}),
        (mira, "lock", {"locked": True}),
        (mira, "lock", {"locked": False}),
        (mira, "set_chat", {"enabled": False}),
        (mira, "set_chat", {"enabled": True}),
        (mira, "mute_chat", {"user_id": heron.user.id, "muted": True}),
        (mira, "mute_chat", {"user_id": heron.user.id, "muted": False}),
        (mira, "content_warning", {"on": True}),
        (mira, "content_warning", {"on": False}),
        (mira, "start_break", {"minutes": 5}),
        (mira, "end_break", {}),
        (mira, "chat", {"text": "Welcome back, everyone."}),
        (mira, "set_media", {"audio": True, "video": False}),
    ]
    for sock, event, fields in steps:
        ack = sock.send(event, **fields)
        assert ack["ok"], (event, ack)
    # And the same again at once: twice what a facilitator does in a busy minute.
    for sock, event, fields in steps:
        ack = sock.send(event, **fields)
        assert ack["ok"] or ack["error"]["code"] != "rate_limited", (event, ack)


def test_a_participant_at_a_brisk_pace_is_never_refused(meeting: LiveMeeting, clock: Clock) -> None:
    birch = meeting.participants[0]
    for _ in range(10):  # a burst of ten changes, as someone trying their microphone
        for event, fields in TOGGLES["media"]:
            assert birch.send(event, **fields)["ok"], event
        clock.advance(1)
    for _ in range(60):  # then for three minutes a hand up and down every three seconds
        for event, fields in TOGGLES["hand"]:
            assert birch.send(event, **fields)["ok"], event
        clock.advance(3)


def test_only_leaving_ice_servers_and_signalling_are_outside_the_budget() -> None:
    outside = {name for name, spec in registered_events().items() if not spec.budgeted}
    assert outside == {"leave", "ice_servers", "rtc_signal"}
