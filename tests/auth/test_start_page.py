"""Where a log-in lands when nothing else was asked for: an administrator, who holds no place in
any group, on the administration area; everyone else on their meetings, as before."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from server.models import User
from tests.auth.two_step import code_of, password_step, set_up
from tests.conftest import Course


def test_an_administrator_lands_on_the_administration_area(
    client: FlaskClient, course: Course
) -> None:
    assert password_step(client, course.admin) == "/admin/"
    assert "<h1>Administration</h1>" in client.get("/admin/").get_data(as_text=True)


def test_participants_and_facilitators_land_on_their_meetings(app: Flask, course: Course) -> None:
    for person in (course.participants[0], course.facilitator, course.co_facilitator):
        assert password_step(app.test_client(), person) == "/", person.display_name


def test_an_administrator_who_asked_for_a_page_gets_that_page(
    client: FlaskClient, course: Course
) -> None:
    assert password_step(client, course.admin, "/login?next=/account") == "/account"


def test_an_administrator_lands_on_the_administration_area_after_the_code(
    client: FlaskClient, course: Course
) -> None:
    admin: User = course.admin
    secret, _ = set_up(admin)
    assert password_step(client, admin) == "/login/code"
    response = client.post("/login/code", data={"code": code_of(secret)})
    assert response.headers["Location"] == "/admin/"


def test_the_log_in_page_sends_someone_logged_in_to_their_start_page(
    admin_client: FlaskClient, participant_client: FlaskClient
) -> None:
    assert admin_client.get("/login").headers["Location"] == "/admin/"
    assert admin_client.get("/login/code").headers["Location"] == "/admin/"
    assert participant_client.get("/login").headers["Location"] == "/"
    assert participant_client.get("/login/code").headers["Location"] == "/"


def test_the_header_offers_each_person_their_own_start(
    admin_client: FlaskClient, participant_client: FlaskClient
) -> None:
    """An administrator has no meetings: the header leads to Administration, not "My meetings"."""
    admin_page = admin_client.get("/account").get_data(as_text=True)
    assert "My meetings" not in admin_page
    assert 'class="brand" href="/admin/"' in admin_page
    participant_page = participant_client.get("/account").get_data(as_text=True)
    assert "My meetings" in participant_page and "Administration" not in participant_page
    assert 'class="brand" href="/"' in participant_page
