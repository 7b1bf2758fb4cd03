"""Ending someone's sessions ends their live connections at once, whichever way it happens.

A socket keeps the person it connected as (server/room/identity.py) instead of reading the session
cookie and the database on every event, so each path that ends a session, or a membership, must
close that person's sockets itself. Each test goes through the real route, with the person in a
running meeting: afterwards their socket is closed, the others see them gone, and the cookie they
had no longer opens a socket."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from server.auth import sessions
from server.auth.service import make_reset_link_token
from server.extensions import db, socketio
from server.models import Group, MembershipStatus, User
from server.room.live.runtime import runtime
from tests.conftest import Course
from tests.factories import PASSWORD
from tests.room.conftest import LiveMeeting, Sock

NEW_PASSWORD = "another-long-password"


def _gone(meeting: LiveMeeting, sock: Sock) -> None:
    """``sock`` was closed by the server, and the facilitator no longer sees its person."""
    assert not sock.connected, f"{sock.user.display_name}'s socket stayed open"
    people = meeting.facilitator.last("room_state")["people"]
    assert sock.user.id not in [p["user_id"] for p in people]
    assert meeting.facilitator.connected


def _refused(app: Flask, http: FlaskClient) -> None:
    """The cookie of the ended session opens no socket."""
    assert not socketio.test_client(app, flask_test_client=http).is_connected()


def test_logging_out_closes_the_sockets_of_that_session(
    app: Flask, meeting: LiveMeeting, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    """Log-out on one device ends that device's session: its sockets close; the person's other
    device (here, in the meeting) stays."""
    birch = meeting.participants[0]
    http = login_as(course.participants[0])
    other = socketio.test_client(app, flask_test_client=http)
    assert other.is_connected()
    assert http.post("/logout").status_code == 302
    assert not other.is_connected()
    assert birch.connected
    _refused(app, http)


def test_changing_the_password_closes_every_socket_of_that_person(
    app: Flask, meeting: LiveMeeting, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    birch = meeting.participants[0]
    elsewhere = login_as(course.participants[0])
    data = {"pw-current": PASSWORD, "pw-password": NEW_PASSWORD, "pw-confirm": NEW_PASSWORD}
    assert elsewhere.post("/account/password", data=data).status_code == 302
    _gone(meeting, birch)
    _refused(app, birch.http)


def test_a_password_reset_by_link_closes_every_socket_of_that_person(
    app: Flask, meeting: LiveMeeting, course: Course
) -> None:
    birch = meeting.participants[0]
    token = make_reset_link_token(course.participants[0], course.admin, hours=1)
    db.session.commit()
    data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = app.test_client().post(f"/reset/{token}", data=data)
    assert response.status_code == 302
    _gone(meeting, birch)
    _refused(app, birch.http)


def test_deactivation_closes_every_socket_of_that_person(
    app: Flask, meeting: LiveMeeting, course: Course, admin_client: FlaskClient
) -> None:
    birch = meeting.participants[0]
    response = admin_client.post(f"/admin/people/{course.participants[0].id}/deactivate")
    assert response.status_code == 302
    _gone(meeting, birch)
    _refused(app, birch.http)


def test_deleting_ones_account_closes_every_socket(
    app: Flask, meeting: LiveMeeting, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    birch = meeting.participants[0]
    person_id = course.participants[0].id
    elsewhere = login_as(course.participants[0])
    response = elsewhere.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person_id) is None
    _gone(meeting, birch)
    _refused(app, birch.http)


def test_removal_from_the_group_closes_the_persons_sockets(
    meeting: LiveMeeting, course: Course, admin_client: FlaskClient
) -> None:
    birch = meeting.participants[0]
    membership = course.group.membership_of(course.participants[0].id)
    assert membership is not None
    url = f"/admin/groups/{course.group.id}/members/{membership.id}/remove"
    assert admin_client.post(url).status_code == 302
    _gone(meeting, birch)
    db.session.expire_all()
    assert membership.status == MembershipStatus.REMOVED


def test_a_facilitator_removing_someone_from_the_group_keeps_them_out(
    meeting: LiveMeeting, course: Course
) -> None:
    birch = meeting.participants[0]
    assert meeting.facilitator.send("remove_from_group", user_id=birch.user.id)["ok"]
    assert birch.last("removed")["scope"] == "group"
    assert birch.send("chat", text="still here?")["error"]["code"] == "not_joined"
    assert birch.send("join")["error"]["code"] == "not_member"


def test_deleting_the_group_closes_its_members_sockets(
    meeting: LiveMeeting, course: Course, admin_client: FlaskClient
) -> None:
    group_id = course.group.id
    response = admin_client.post(f"/admin/groups/{group_id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, group_id) is None
    assert not [sock for sock in meeting.everyone if sock.connected]


def test_a_session_ended_behind_the_rooms_back_cannot_join_again(
    meeting: LiveMeeting, course: Course
) -> None:
    """Were a path to end sessions without disconnecting (a bug, or a control message lost
    between processes), the socket could not enter a meeting again: ``join`` reads the person."""
    birch = meeting.participants[0]
    sessions.end_all(course.participants[0])
    db.session.commit()
    assert birch.send("leave")["ok"]
    ack = birch.send("join")
    assert ack["error"]["code"] == "not_logged_in"
    assert ack["error"]["message"] == "Please log in again to join the meeting."


def test_sockets_of_sessions_ended_behind_the_rooms_back_are_found_and_closed(
    app: Flask, meeting: LiveMeeting, course: Course
) -> None:
    """What a process runs when its control channel was cut (a disconnect_user may be lost)."""
    birch, heron, _ = meeting.participants
    sessions.end_all(course.participants[0])
    course.participants[1].active = False
    db.session.commit()
    assert runtime().connections.end_ended_sessions() == 2
    _gone(meeting, birch)
    _gone(meeting, heron)
    assert all(s.connected for s in meeting.everyone if s not in (birch, heron))
    assert runtime().connections.end_ended_sessions() == 0


def test_an_event_reads_neither_the_database_nor_the_cookie(
    app: Flask, meeting: LiveMeeting, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The person is read once, at connect: chat, the hot path, costs no query and no decode."""
    from flask.sessions import SecureCookieSessionInterface

    statements: list[str] = []
    decoded: list[int] = []

    def counted(*args: object) -> None:
        statements.append(str(args[2]))

    opened = SecureCookieSessionInterface.open_session

    def open_session(self: SecureCookieSessionInterface, *args: object):  # type: ignore[no-untyped-def]
        decoded.append(1)
        return opened(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SecureCookieSessionInterface, "open_session", open_session)
    engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        for _ in range(3):
            assert meeting.participants[0].send("chat", text="hello")["ok"]
        assert meeting.participants[1].send("raise_hand")["ok"]
        assert meeting.facilitator.send("next_speaker")["ok"]
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    assert statements == []
    assert decoded == []
