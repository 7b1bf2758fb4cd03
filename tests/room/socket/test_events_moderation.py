"""Moderation, reconnection, the hold and the end of a meeting through Socket.IO, with records."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from server.extensions import db
from server.models import Attendance, AuditEntry, MeetingStatus, MembershipStatus
from server.room import disconnect_user
from server.room.live.runtime import RoomRuntime
from tests.conftest import Course
from tests.room.conftest import Clock, LiveMeeting, Sock, run_timers


def audit_actions(meeting_id: int) -> list[tuple[str, int | None, int | None]]:
    entries = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.meeting_id == meeting_id).order_by(AuditEntry.id)
    )
    return [(e.action, e.actor_id, e.target_user_id) for e in entries]


def test_removing_from_the_meeting_bars_the_person_and_is_audited(
    meeting: LiveMeeting, connect: Callable[..., Sock], course: Course
) -> None:
    removed = meeting.participants[0]
    ack = meeting.co.send("remove_from_meeting", user_id=removed.user.id)
    assert ack["ok"]
    assert removed.last("removed") == {"meeting_id": removed.meeting_id, "scope": "meeting"}
    people = [p["user_id"] for p in meeting.facilitator.last("room_state")["people"]]
    assert removed.user.id not in people
    removed.forget()
    meeting.participants[1].send("chat", text="after the removal")
    assert removed.events("chat") == []  # no longer in the room's broadcasts
    assert removed.send("chat", text="hello?")["error"]["code"] == "not_joined"
    assert removed.send("join")["error"]["code"] == "barred"
    assert connect(removed.user).send("join")["error"]["code"] == "barred"
    assert ("room.remove", course.co_facilitator.id, removed.user.id) in audit_actions(
        course.meeting.id
    )
    barred = meeting.facilitator.last("room_state")["facilitator"]["barred"]
    assert barred == [{"user_id": removed.user.id, "name": removed.user.display_name}]


def test_removing_from_the_group_ends_the_membership(meeting: LiveMeeting, course: Course) -> None:
    removed = meeting.participants[1]
    assert meeting.facilitator.send("remove_from_group", user_id=removed.user.id)["ok"]
    membership = course.group.membership_of(removed.user.id)
    assert membership is not None and membership.status == MembershipStatus.REMOVED
    assert removed.last("removed")["scope"] == "group"
    assert removed.send("join")["error"]["code"] == "not_member"
    assert ("room.remove_from_group", course.facilitator.id, removed.user.id) in audit_actions(
        course.meeting.id
    )


def test_a_participant_cannot_remove_anyone(meeting: LiveMeeting) -> None:
    a, b, _ = meeting.participants
    assert a.send("remove_from_meeting", user_id=b.user.id)["error"]["code"] == "forbidden"
    assert b.send("raise_hand")["ok"]


def test_a_break_has_a_countdown_and_ends_by_itself(
    meeting: LiveMeeting, room: RoomRuntime, clock: Clock, course: Course
) -> None:
    participant = meeting.participants[0]
    assert meeting.facilitator.send("start_break", minutes=10)["ok"]
    assert participant.last("room_state")["break"] == {"until": clock.now + 600}
    assert participant.send("raise_hand")["error"]["code"] == "on_break"
    clock.advance(600)
    run_timers(room, clock)
    assert participant.last("room_state")["break"] is None
    assert participant.send("raise_hand")["ok"]
    assert ("room.break", course.facilitator.id, None) in audit_actions(course.meeting.id)


def test_the_content_warning_notice(meeting: LiveMeeting) -> None:
    meeting.co.send("content_warning", on=True)
    assert meeting.participants[0].last("room_state")["content_warning"] is True
    meeting.co.send("content_warning", on=False)
    assert meeting.participants[0].last("room_state")["content_warning"] is False


def test_ending_the_meeting_ends_it_for_everyone(
    meeting: LiveMeeting, room: RoomRuntime, course: Course, enter: Callable[..., Sock]
) -> None:
    meeting.participants[2].send("leave")
    waiting = enter(course.participants[2])
    assert meeting.co.send("end_meeting")["ok"]
    for sock in [*meeting.everyone, waiting]:
        assert sock.last("meeting_ended")["reason"] == "ended"
    db.session.refresh(course.meeting)
    assert course.meeting.status == MeetingStatus.ENDED and course.meeting.ended_at is not None
    assert room.store.get(course.meeting.id) is None  # the balance, topics… are gone
    assert meeting.facilitator.send("join")["error"]["code"] == "not_open"
    assert ("room.end", course.co_facilitator.id, None) in audit_actions(course.meeting.id)
    attended = db.session.scalars(
        db.select(Attendance.user_id).where(Attendance.meeting_id == course.meeting.id)
    ).all()
    assert sorted(attended) == sorted(s.user.id for s in meeting.everyone)


def test_the_room_closes_by_itself_at_the_end_of_its_window(
    meeting: LiveMeeting, room: RoomRuntime, clock: Clock, course: Course
) -> None:
    clock.now = course.meeting.closes_at(15).timestamp()
    run_timers(room, clock)
    assert meeting.participants[0].last("meeting_ended")["reason"] == "closed"
    db.session.refresh(course.meeting)
    assert course.meeting.status == MeetingStatus.ENDED


def test_reconnecting_within_the_grace_keeps_queue_place_and_floor(
    meeting: LiveMeeting, connect: Callable[..., Sock], room: RoomRuntime, clock: Clock
) -> None:
    a, b, _ = meeting.participants
    b.send("raise_hand")
    a.send("raise_hand")
    meeting.facilitator.send("give_floor", user_id=b.user.id)
    b.drop()
    people = {p["user_id"]: p for p in a.last("room_state")["people"]}
    assert people[b.user.id]["connected"] is False
    clock.advance(45)
    back = connect(b.user)
    ack = back.send("join")
    assert ack["data"]["where"] == "room"
    assert ack["data"]["room"]["floor"]["user_id"] == b.user.id
    clock.advance(30)
    run_timers(room, clock)  # the old grace timer finds the person back: nothing happens
    state = a.last("room_state")
    assert state["floor"]["user_id"] == b.user.id and state["queue"] == [a.user.id]


def test_after_the_grace_a_dropped_person_loses_their_place(
    meeting: LiveMeeting, room: RoomRuntime, clock: Clock
) -> None:
    a, b, _ = meeting.participants
    a.send("raise_hand")
    a.drop()
    clock.advance(60)
    run_timers(room, clock)
    state = b.last("room_state")
    assert state["queue"] == [] and a.user.id not in [p["user_id"] for p in state["people"]]


def test_a_deliberate_disconnect_leaves_at_once(meeting: LiveMeeting) -> None:
    a, b, _ = meeting.participants
    a.client.disconnect()
    assert a.user.id not in [p["user_id"] for p in b.last("room_state")["people"]]


def test_when_every_facilitator_drops_the_room_holds(
    meeting: LiveMeeting, connect: Callable[..., Sock], course: Course, enter: Callable[..., Sock]
) -> None:
    speaker, other, leaving = meeting.participants
    meeting.facilitator.send("give_floor", user_id=speaker.user.id)
    meeting.facilitator.drop()
    assert speaker.last("room_state")["holding"] is False  # the co-facilitator is still here
    meeting.co.drop()
    state = speaker.last("room_state")
    assert state["holding"] is True and state["floor"]["paused"] is True
    assert other.send("signal", kind="need_break")["error"]["code"] == "no_facilitator"
    leaving.send("leave")
    waiting = enter(course.participants[2])
    assert waiting.last("lobby_state")["facilitator_present"] is False
    back = connect(course.facilitator)
    assert back.send("join")["ok"]
    state = speaker.last("room_state")
    assert state["holding"] is False and state["floor"]["paused"] is False
    assert waiting.last("lobby_state")["facilitator_present"] is True


def test_disconnect_user_ends_every_socket_of_that_person(meeting: LiveMeeting) -> None:
    a, b, _ = meeting.participants
    disconnect_user(a.user.id)
    assert not a.connected
    assert a.user.id not in [p["user_id"] for p in b.last("room_state")["people"]]
    assert b.connected


def test_logging_out_closes_the_persons_sockets(
    app, course: Course, login_as, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    from server.extensions import socketio

    http: FlaskClient = login_as(course.facilitator)
    sock = socketio.test_client(app, flask_test_client=http)
    assert sock.emit("join", {"meeting_id": course.meeting.id}, callback=True)["ok"]
    http.post("/logout")
    assert not sock.is_connected()


def test_cancelling_a_running_meeting_closes_its_room(
    meeting: LiveMeeting, course: Course, login_as
) -> None:  # type: ignore[no-untyped-def]
    admin = login_as(course.admin)
    response = admin.post(f"/admin/meetings/{course.meeting.id}/cancel")
    assert response.status_code == 302
    ended = meeting.participants[0].last("meeting_ended")
    assert ended == {"meeting_id": course.meeting.id, "reason": "closed"}
    assert meeting.facilitator.send("raise_hand")["error"]["code"] == "not_joined"
    db.session.expire_all()
    assert course.meeting.status == MeetingStatus.CANCELLED
