"""An administrator turns off two-step log-in for someone who lost their phone and their
recovery codes: every log-in of that person ends, it is recorded, and the person is told at
their next log-in (a phished or coerced administrator does not go unnoticed)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from server.extensions import db, socketio
from server.models import AccountNotice, RecoveryCode, User
from tests.admin.conftest import audit_actions
from tests.auth.two_step import code_of, logged_in, password_step, set_up
from tests.conftest import Course

NOTICE = "An administrator turned off two-step log-in for your account"


def test_the_reset_ends_every_log_in_and_the_person_is_told_at_the_next(
    app: Flask, course: Course, admin_client: FlaskClient
) -> None:
    mira = course.facilitator
    secret, codes = set_up(mira)
    phone, laptop = app.test_client(), app.test_client()
    for client, steps in ((phone, 0), (laptop, 1)):
        password_step(client, mira)
        assert client.post("/login/code", data={"code": code_of(secret, steps)}).status_code == 302
    socket = socketio.test_client(app, flask_test_client=laptop)
    assert socket.is_connected()
    page = admin_client.get(f"/admin/people/{mira.id}").get_data(as_text=True)
    assert f'action="/admin/people/{mira.id}/two-step-off"' in page and "data-confirm" in page

    response = admin_client.post(f"/admin/people/{mira.id}/two-step-off")
    assert response.headers["Location"] == f"/admin/people/{mira.id}"
    db.session.refresh(mira)
    assert mira.totp_secret is None and mira.totp_last_step is None
    assert db.session.scalar(db.select(RecoveryCode).filter_by(user_id=mira.id)) is None
    assert not logged_in(phone) and not logged_in(laptop)
    assert not socket.is_connected()
    assert audit_actions()[-1] == "admin.user.two_factor_reset"
    assert "Two-step log-in turned off" in admin_client.get("/admin/audit").get_data(as_text=True)

    # The password alone now, and the notice, once.
    again = app.test_client()
    assert password_step(again, mira) == "/"
    assert NOTICE in again.get("/").get_data(as_text=True)
    assert NOTICE not in again.get("/").get_data(as_text=True)
    assert db.session.scalar(db.select(AccountNotice).filter_by(user_id=mira.id)) is None
    # The old recovery codes are gone with the rest.
    assert codes


def test_a_waiting_log_in_after_the_reset_asks_for_the_password_again(
    app: Flask, course: Course, admin_client: FlaskClient
) -> None:
    mira = course.facilitator
    secret, _ = set_up(mira)
    waiting = app.test_client()
    password_step(waiting, mira)
    admin_client.post(f"/admin/people/{mira.id}/two-step-off")
    response = waiting.post("/login/code", data={"code": code_of(secret)})
    assert response.headers["Location"] == "/login" and not logged_in(waiting)


def test_an_admin_cannot_turn_off_their_own_this_way(
    course: Course, admin_client: FlaskClient
) -> None:
    admin = course.admin
    set_up(admin)  # after the admin_client logged in
    page = admin_client.get(f"/admin/people/{admin.id}").get_data(as_text=True)
    assert "two-step-off" not in page
    admin_client.post(f"/admin/people/{admin.id}/two-step-off")
    page = admin_client.get(f"/admin/people/{admin.id}").get_data(as_text=True)
    assert "You cannot turn off your own two-step log-in here" in page
    db.session.refresh(admin)
    assert admin.totp_secret is not None
    assert "admin.user.two_factor_reset" not in audit_actions()


def test_nothing_to_turn_off_changes_nothing(course: Course, admin_client: FlaskClient) -> None:
    person = course.participants[0]
    admin_client.post(f"/admin/people/{person.id}/two-step-off")
    page = admin_client.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "This person does not use two-step log-in." in page
    assert db.session.scalar(db.select(AccountNotice).filter_by(user_id=person.id)) is None
    assert "admin.user.two_factor_reset" not in audit_actions()


def test_only_an_administrator_can_turn_it_off(
    course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    mira = course.facilitator
    clients = [login_as(who) for who in (mira, course.co_facilitator, course.participants[0])]
    set_up(mira)
    for client in clients:
        assert client.post(f"/admin/people/{mira.id}/two-step-off").status_code == 403
    db.session.refresh(mira)
    assert mira.totp_secret is not None
