"""The queue, the floor, rounds and the speaking balance through Socket.IO."""

from __future__ import annotations

from server.room.live.runtime import RoomRuntime
from tests.room.conftest import Clock, LiveMeeting, run_timers


def test_everyone_sees_the_order_of_raised_hands(meeting: LiveMeeting) -> None:
    first, second, _ = meeting.participants
    assert second.send("raise_hand")["data"]["position"] == 1
    assert first.send("raise_hand")["data"]["position"] == 2
    assert second.send("raise_hand")["data"]["position"] == 1  # idempotent
    expected = [second.user.id, first.user.id]
    for sock in meeting.everyone:
        assert sock.last("room_state")["queue"] == expected


def test_next_speaker_gives_the_head_of_the_queue_the_floor(meeting: LiveMeeting) -> None:
    first, second, _ = meeting.participants
    first.send("raise_hand")
    second.send("raise_hand")
    assert meeting.facilitator.send("next_speaker")["ok"]
    state = second.last("room_state")
    assert state["floor"]["user_id"] == first.user.id
    assert state["queue"] == [second.user.id]


def test_participant_cannot_give_the_floor(meeting: LiveMeeting) -> None:
    first, second, _ = meeting.participants
    ack = first.send("give_floor", user_id=second.user.id)
    assert ack["error"]["code"] == "forbidden"


def test_co_facilitator_gives_and_takes_the_floor_and_the_speaker_yields(
    meeting: LiveMeeting,
) -> None:
    first, second, _ = meeting.participants
    assert meeting.co.send("give_floor", user_id=first.user.id)["ok"]
    assert first.last("room_state")["floor"]["user_id"] == first.user.id
    assert second.send("yield_floor")["error"]["code"] == "no_floor"
    assert first.send("yield_floor")["ok"]
    assert first.last("room_state")["floor"] is None
    meeting.co.send("give_floor", user_id=second.user.id)
    assert meeting.co.send("take_floor")["ok"]
    assert second.last("room_state")["floor"] is None


def test_facilitators_order_the_queue(meeting: LiveMeeting) -> None:
    a, b, c = meeting.participants
    for sock in (a, b, c):
        sock.send("raise_hand")
    meeting.facilitator.send("move_in_queue", user_id=c.user.id, direction="up")
    assert a.last("room_state")["queue"] == [a.user.id, c.user.id, b.user.id]
    meeting.facilitator.send("lower_hand_of", user_id=a.user.id)
    assert a.last("room_state")["queue"] == [c.user.id, b.user.id]
    meeting.facilitator.send("clear_queue")
    assert a.last("room_state")["queue"] == []


def test_the_turn_limit_sends_the_deadline_and_announces_time_up(
    meeting: LiveMeeting, room: RoomRuntime, clock: Clock
) -> None:
    speaker = meeting.participants[0]
    meeting.facilitator.send("set_turn_limit", seconds=90)
    meeting.facilitator.send("give_floor", user_id=speaker.user.id)
    floor = speaker.last("room_state")["floor"]
    assert floor["deadline"] == clock.now + 90 and not floor["time_up"]
    clock.advance(89)
    run_timers(room, clock)
    assert speaker.events("time_up") == []
    clock.advance(1)
    run_timers(room, clock)
    for sock in meeting.everyone:
        assert sock.last("time_up")["user_id"] == speaker.user.id
    state = speaker.last("room_state")
    assert state["floor"]["user_id"] == speaker.user.id and state["floor"]["time_up"]


def test_the_speaking_balance_is_for_facilitators_only(meeting: LiveMeeting, clock: Clock) -> None:
    speaker = meeting.participants[0]
    meeting.facilitator.send("give_floor", user_id=speaker.user.id)
    clock.advance(42)
    meeting.facilitator.send("take_floor")
    balance = {b["user_id"]: b for b in meeting.co.last("room_state")["facilitator"]["balance"]}
    assert balance[speaker.user.id]["turns"] == 1
    assert balance[speaker.user.id]["seconds"] == 42
    for sock in meeting.participants:
        assert all("facilitator" not in state for state in sock.events("room_state"))
        assert "balance" not in sock.last("room_state")


def test_a_round_goes_around_with_a_pass(meeting: LiveMeeting) -> None:
    a, b, c = meeting.participants
    ack = meeting.facilitator.send("start_round", kind="check_in", first_user_id=a.user.id)
    assert ack["ok"]
    round_ = a.last("room_state")["round"]
    assert round_["current"] == a.user.id and len(round_["order"]) == 5
    assert b.send("round_pass")["error"]["code"] == "not_your_turn"
    assert a.send("round_next")["ok"]
    assert b.last("room_state")["round"]["current"] == b.user.id
    assert b.send("round_pass")["ok"]
    assert c.last("room_state")["floor"]["user_id"] == c.user.id
    meeting.facilitator.send("round_next")  # the facilitator moves it on
    meeting.facilitator.send("round_next")
    meeting.facilitator.send("round_next")
    assert a.last("room_state")["round"] is None


def test_a_round_can_start_at_random(meeting: LiveMeeting) -> None:
    assert meeting.facilitator.send("start_round", kind="check_out")["ok"]
    round_ = meeting.co.last("room_state")["round"]
    assert round_["kind"] == "check_out" and round_["current"] == round_["order"][0]
    assert meeting.facilitator.send("end_round")["ok"]
    assert meeting.co.last("room_state")["round"] is None


def test_stepping_out_and_back_shows_to_everyone(meeting: LiveMeeting) -> None:
    person = meeting.participants[1]
    person.send("set_status", status="away")
    statuses = {p["user_id"]: p["status"] for p in meeting.co.last("room_state")["people"]}
    assert statuses[person.user.id] == "away"
    person.send("set_status", status="here")
    statuses = {p["user_id"]: p["status"] for p in meeting.co.last("room_state")["people"]}
    assert statuses[person.user.id] == "here"


def test_snapshots_carry_an_increasing_version(meeting: LiveMeeting) -> None:
    person = meeting.participants[0]
    person.send("raise_hand")
    person.send("lower_hand")
    versions = [s["version"] for s in meeting.co.events("room_state")]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
