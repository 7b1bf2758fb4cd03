"""Two-step log-in on the person's own Log-in and security page: setting it up, new recovery
codes, turning it off. A borrowed log-in (a session without the phone) can do none of it."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from server.extensions import db
from server.models import User
from tests.auth.two_step import WRONG, code_of, logged_in, password_step, secret_on, set_up
from tests.conftest import Course
from tests.factories import PASSWORD


def codes_on(page: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)


def test_setting_up_from_the_security_page(
    app: Flask, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    person = course.participants[0]
    other_device = login_as(person)
    client = login_as(person)
    page = client.get("/account/security").get_data(as_text=True)
    assert 'href="/account/security/two-step"' in page
    page = client.get("/account/security/two-step").get_data(as_text=True)
    secret = secret_on(page)
    assert 'src="data:image/svg+xml' in page and 'autocomplete="one-time-code"' in page
    # A wrong code stores nothing.
    response = client.post("/account/security/two-step", data={"code": "12345"})
    assert WRONG in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.totp_secret is None
    code = code_of(secret)
    response = client.post("/account/security/two-step", data={"code": code})
    codes = codes_on(response.get_data(as_text=True))
    assert len(codes) == 10
    db.session.refresh(person)
    assert person.totp_secret == secret
    # This browser stays logged in; the other one, logged in by password alone, does not.
    assert logged_in(client) and not logged_in(other_device)
    # The recovery codes are not shown again, and the confirming code is used up.
    assert not set(codes) & set(codes_on(client.get("/account/security").get_data(as_text=True)))
    fresh = app.test_client()
    assert password_step(fresh, person) == "/login/code"
    assert fresh.post("/login/code", data={"code": code}).status_code == 200
    assert fresh.post("/login/code", data={"code": codes[0]}).status_code == 302


def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(
    app: Flask, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    person = course.participants[0]
    client = login_as(person)  # a borrowed log-in: the cookie, without the phone
    secret, old = set_up(person)
    response = client.post("/account/security/two-step/recovery-codes", data={"codes-code": ""})
    assert "Type the code." in response.get_data(as_text=True)
    response = client.post(
        "/account/security/two-step/recovery-codes", data={"codes-code": "999999"}
    )
    assert WRONG in response.get_data(as_text=True) and not codes_on(
        response.get_data(as_text=True)
    )
    response = client.post(
        "/account/security/two-step/recovery-codes", data={"codes-code": code_of(secret)}
    )
    new = codes_on(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    stale = app.test_client()
    password_step(stale, person)
    assert stale.post("/login/code", data={"code": old[1]}).status_code == 200
    assert stale.post("/login/code", data={"code": new[1]}).status_code == 302


def test_turning_off_needs_the_password_and_a_current_code(
    app: Flask, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    person = course.participants[0]
    client = login_as(person)
    secret, codes = set_up(person)
    url = "/account/security/two-step/off"
    response = client.post(url, data={"off-password": "wrong", "off-code": code_of(secret)})
    assert "This password is not right." in response.get_data(as_text=True)
    response = client.post(url, data={"off-password": PASSWORD, "off-code": "123456"})
    assert WRONG in response.get_data(as_text=True)
    db.session.refresh(person)
    assert person.totp_secret is not None
    # A recovery code does (someone who lost their phone turns it off, then on with a new one).
    response = client.post(url, data={"off-password": PASSWORD, "off-code": codes[0]})
    assert response.headers["Location"] == "/account/security"
    db.session.refresh(person)
    assert person.totp_secret is None
    assert password_step(app.test_client(), person) == "/"


def test_where_it_is_required_turning_off_leads_straight_to_setting_up_again(
    app: Flask, course: Course, login_as: Callable[[User], FlaskClient]
) -> None:
    person = course.facilitator
    client = login_as(person)
    secret, _ = set_up(person)
    app.config["TWO_FACTOR_REQUIRED"] = ("facilitator",)
    assert "Turn off and set up again" in client.get("/account/security").get_data(as_text=True)
    response = client.post(
        "/account/security/two-step/off",
        data={"off-password": PASSWORD, "off-code": code_of(secret)},
    )
    assert response.headers["Location"] == "/account/security/two-step"
    # And whoever leaves it there sets it up at the next log-in.
    assert password_step(app.test_client(), person) == "/login/setup"
