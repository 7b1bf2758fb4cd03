from __future__ import annotations

from flask.testing import FlaskClient

from server.auth import sessions
from server.extensions import db
from tests.conftest import Course
from tests.factories import PASSWORD


def test_a_person_can_log_in_and_out(client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    response = client.post("/login", data={"login": person.login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").headers["Location"].endswith("/login")


def test_login_names_are_not_case_sensitive(client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    response = client.post("/login", data={"login": person.login.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(
    client: FlaskClient, course: Course
) -> None:
    wrong = client.post("/login", data={"login": course.participants[0].login, "password": "x"})
    unknown = client.post("/login", data={"login": "nobody-here", "password": "x"})
    assert wrong.status_code == unknown.status_code == 200
    message = "The login name or password is not right."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_a_deactivated_person_cannot_log_in(client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    person.active = False
    db.session.commit()
    response = client.post("/login", data={"login": person.login, "password": PASSWORD})
    assert response.status_code == 200


def test_ending_all_sessions_logs_a_person_out_everywhere(login_as, course: Course) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    client = login_as(person)
    sessions.end_all(person)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_the_next_parameter_never_leaves_the_site(client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    response = client.post(
        "/login?next=//evil.example/x", data={"login": person.login, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_pages_carry_the_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
