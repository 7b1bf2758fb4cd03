"""A page whose database does not answer says "try again in a moment" (503), in the person's
language, and logs only the kind of failure: not the statement, not what was typed. The real
outage, with PostgreSQL stopped under a live server, is ``test_postgres_restart.py``."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient
from sqlalchemy import exc

import server.auth.routes as auth_routes
from tests.faults.helpers import TRY_AGAIN

pytestmark = pytest.mark.database_agnostic
TYPED = "what-she-typed-7d1c"


def unreachable(*args: object) -> None:
    raise exc.OperationalError(
        "SELECT users.login FROM users WHERE users.login = %(login)s",
        {"login": TYPED},
        Exception("server closed the connection unexpectedly"),
    )


@pytest.mark.parametrize("failure", [exc.OperationalError, exc.InterfaceError])
def test_logging_in_while_the_database_is_away_says_try_again(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, failure
) -> None:
    def away(*args: object) -> None:
        raise failure("SELECT 1", {"login": TYPED}, Exception("gone"))

    monkeypatch.setattr(auth_routes, "authenticate", away)
    with caplog.at_level(logging.INFO):
        response = client.post("/login", data={"login": TYPED, "password": TYPED})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert TRY_AGAIN["en"] in response.get_data(as_text=True)
    assert f"the database did not answer: {failure.__name__}" in caplog.text
    assert TYPED not in caplog.text and "SELECT" not in caplog.text


def test_the_page_is_in_the_person_s_language(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(auth_routes, "authenticate", unreachable)
    response = client.post(
        "/login", data={"login": "p1", "password": TYPED}, headers={"Accept-Language": "da"}
    )
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert '<html lang="da"' in page and TRY_AGAIN["da"] in page


def test_a_refused_write_is_not_passed_off_as_an_outage(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object) -> None:
        raise exc.IntegrityError("INSERT", {}, Exception("duplicate key"))

    monkeypatch.setattr(auth_routes, "authenticate", refused)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.post("/login", data={"login": "p1", "password": TYPED}).status_code == 500
