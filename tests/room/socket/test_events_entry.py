"""Connecting and joining through Socket.IO, for every kind of person."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from server.auth import sessions
from server.extensions import db, socketio
from server.models import (
    Attendance,
    MeetingStatus,
    MembershipRole,
    MembershipStatus,
    User,
    utcnow,
)
from server.room.live.runtime import RoomRuntime
from tests import factories
from tests.conftest import Course
from tests.room.conftest import LiveMeeting, Sock, accept_agreement


def test_a_socket_without_a_logged_in_session_is_refused(app: Flask, course: Course) -> None:
    client = socketio.test_client(app)
    assert not client.is_connected()


def test_a_socket_whose_session_ended_is_refused(app: Flask, course: Course, login_as) -> None:  # type: ignore[no-untyped-def]
    http = login_as(course.participants[0])
    sessions.end_all(course.participants[0])
    db.session.commit()
    assert not socketio.test_client(app, flask_test_client=http).is_connected()


def test_an_outsider_is_not_a_member(connect: Callable[..., Sock], course: Course) -> None:
    ack = connect(course.outsider).send("join")
    assert ack["error"]["code"] == "not_member"


def test_an_admin_who_is_not_a_member_is_refused(
    connect: Callable[..., Sock], course: Course
) -> None:
    ack = connect(course.admin).send("join")
    assert ack["error"]["code"] == "not_member"


def test_a_removed_member_is_refused(connect: Callable[..., Sock], course: Course) -> None:
    person = course.participants[0]
    accept_agreement(person, course.meeting)
    membership = course.group.membership_of(person.id)
    assert membership is not None
    membership.status = MembershipStatus.REMOVED
    db.session.commit()
    assert connect(person).send("join")["error"]["code"] == "not_member"


def test_a_meeting_that_does_not_exist_looks_the_same_as_one_of_another_group(
    connect: Callable[..., Sock], course: Course
) -> None:
    sock = connect(course.participants[0], for_meeting=9999)
    assert sock.raw("join", {"meeting_id": 9999})["error"]["code"] == "not_member"


def test_a_socket_joins_only_the_meeting_its_connection_was_made_for(
    connect: Callable[..., Sock], course: Course
) -> None:
    """nginx routes a socket on the meeting its connection names: a socket made for one meeting
    cannot be used to reach another one's process."""
    mira = connect(course.facilitator, for_meeting=course.meeting.id + 1)
    assert mira.send("join")["error"]["code"] == "wrong_meeting"
    assert connect(course.facilitator).send("join")["ok"]


def test_a_socket_made_for_no_meeting_is_kept_to_the_first_it_joins(
    connect: Callable[..., Sock], course: Course
) -> None:
    mira = connect(course.facilitator, for_meeting=None)
    assert mira.send("join")["ok"]
    assert mira.send("leave")["ok"]
    assert mira.raw("join", {"meeting_id": course.meeting.id + 1})["error"]["code"] == (
        "wrong_meeting"
    )
    assert mira.send("join")["data"]["where"] == "room"


def test_a_connection_naming_no_meeting_id_is_refused(
    app: Flask, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    http = login_as(course.participants[0])
    refused = ("abc", "-1", "", "0", "1e9", "٣", "2147483648", "9" * 5000)
    for query in (f"meeting={value}" for value in refused):
        client = socketio.test_client(app, flask_test_client=http, query_string=query)
        assert not client.is_connected(), query


def test_a_participant_must_accept_the_current_agreement_first(
    connect: Callable[..., Sock], course: Course
) -> None:
    sock = connect(course.participants[0])
    ack = sock.send("join")
    assert ack["error"]["code"] == "ack_required"
    assert ack["error"]["agreement"] == {
        "version": course.group.agreement_version,
        "text": course.group.agreement_text,
    }
    accept_agreement(course.participants[0], course.meeting)
    course.group.set_agreement("A new agreement.")
    db.session.commit()
    assert sock.send("join")["error"]["code"] == "ack_required"  # the old version is not enough
    accept_agreement(course.participants[0], course.meeting)
    assert sock.send("join")["ok"]


def test_facilitators_do_not_need_to_accept_and_enter_the_room_at_once(
    connect: Callable[..., Sock], course: Course
) -> None:
    for person in (course.facilitator, course.co_facilitator):
        ack = connect(person).send("join")
        assert ack["ok"] and ack["data"]["where"] == "room"
        assert "facilitator" in ack["data"]["room"]


def test_the_room_is_closed_before_the_lobby_opens_and_after_the_end(
    connect: Callable[..., Sock], course: Course
) -> None:
    later = factories.gen_meeting(course.group, starts_in=timedelta(hours=3))
    past = factories.gen_meeting(course.group, starts_at=utcnow() - timedelta(hours=5))
    ended = factories.gen_meeting(course.group, status=MeetingStatus.ENDED)
    for meeting in (later, past, ended):
        ack = connect(course.facilitator, meeting).send("join")
        assert ack["error"]["code"] == "not_open"


def test_a_participant_waits_in_the_lobby_and_sees_only_that(
    enter: Callable[..., Sock], course: Course
) -> None:
    enter(course.facilitator)
    sock = enter(course.participants[0])
    lobby = sock.last("lobby_state")
    assert lobby["status"] == "waiting" and lobby["facilitator_present"]
    assert sock.events("room_state") == []
    assert "people" not in lobby


def test_admission_moves_the_person_into_the_room_and_records_attendance(
    enter: Callable[..., Sock], course: Course
) -> None:
    facilitator = enter(course.facilitator)
    person = course.participants[0]
    sock = enter(person)
    assert facilitator.last("room_state")["facilitator"]["lobby"][0]["user_id"] == person.id
    ack = facilitator.send("admit", user_id=person.id)
    assert ack["ok"]
    assert sock.events("admitted")
    assert person.id in [p["user_id"] for p in sock.last("room_state")["people"]]
    assert (
        db.session.scalar(db.select(Attendance).where(Attendance.user_id == person.id)) is not None
    )


def test_a_group_with_automatic_admission_lets_participants_straight_in(
    enter: Callable[..., Sock], course: Course
) -> None:
    course.group.auto_admit = True
    db.session.commit()
    enter(course.facilitator)
    sock = enter(course.participants[0])
    assert sock.events("admitted")


def test_declining_sends_the_short_message_to_that_person_only(
    enter: Callable[..., Sock], course: Course
) -> None:
    facilitator = enter(course.facilitator)
    waiting, other = enter(course.participants[0]), enter(course.participants[1])
    ack = facilitator.send("decline", user_id=course.participants[0].id, message="Not today")
    assert ack["ok"]
    assert waiting.last("declined")["message"] == "Not today"
    assert other.events("declined") == []
    assert waiting.send("raise_hand")["error"]["code"] == "not_joined"


def test_nobody_new_enters_a_locked_room(
    enter: Callable[..., Sock], connect, course: Course
) -> None:  # type: ignore[no-untyped-def]
    facilitator = enter(course.facilitator)
    assert facilitator.send("lock", locked=True)["ok"]
    accept_agreement(course.participants[0], course.meeting)
    assert connect(course.participants[0]).send("join")["error"]["code"] == "locked"
    assert facilitator.send("lock", locked=False)["ok"]
    assert connect(course.participants[0]).send("join")["ok"]


def test_capacity_is_enforced(enter: Callable[..., Sock], connect, course: Course) -> None:  # type: ignore[no-untyped-def]
    course.group.capacity = 2
    db.session.commit()
    enter(course.facilitator)
    enter(course.participants[0])
    enter(course.participants[1])
    accept_agreement(course.participants[2], course.meeting)
    assert connect(course.participants[2]).send("join")["error"]["code"] == "full"


def test_joining_twice_from_the_same_socket_is_harmless(
    enter: Callable[..., Sock], course: Course
) -> None:
    facilitator = enter(course.facilitator)
    again = facilitator.send("join")
    assert again["ok"] and again["data"]["where"] == "room"


def test_leaving_frees_the_place(
    enter: Callable[..., Sock], course: Course, room: RoomRuntime
) -> None:
    facilitator = enter(course.facilitator)
    sock = enter(course.participants[0])
    facilitator.send("admit", user_id=course.participants[0].id)
    assert sock.send("leave")["ok"]
    state = room.store.get(course.meeting.id)
    assert state is not None and course.participants[0].id not in state.people
    assert sock.send("raise_hand")["error"]["code"] == "not_joined"


def test_an_admin_with_a_membership_row_is_still_not_a_member(
    connect: Callable[..., Sock], course: Course, room: RoomRuntime
) -> None:
    # A row left from before (or made by hand): as a co-facilitator the admin would skip the
    # lobby and get the private line and the "not OK" signals.
    factories.gen_membership(course.group, course.admin, MembershipRole.CO_FACILITATOR)
    assert connect(course.admin).send("join")["error"]["code"] == "not_member"
    state = room.store.get(course.meeting.id)
    assert state is None or course.admin.id not in state.people


def test_a_quick_exit_tells_the_facilitators_even_when_its_leave_never_comes(
    meeting: LiveMeeting,
) -> None:
    # "Leave quickly" sends `leave {quick: true}` without waiting, and its beacon ends the
    # log-in session, which closes the socket: the beacon may be served first.
    leaving = meeting.participants[0]
    page = leaving.http.get("/").get_data(as_text=True)
    token = re.search(r'data-quick-exit-token="([^"]+)"', page)
    assert token is not None
    assert leaving.http.post("/leave-quickly", data={"token": token.group(1)}).status_code == 204

    signal = meeting.facilitator.last("private_signal")
    assert signal["kind"] == "left_quickly" and signal["from"]["user_id"] == leaving.user.id
    assert signal == meeting.co.last("private_signal")
    assert not leaving.connected
    people = meeting.participants[1].last("room_state")["people"]
    assert leaving.user.id not in [person["user_id"] for person in people]
    assert meeting.participants[1].events("private_signal") == []
