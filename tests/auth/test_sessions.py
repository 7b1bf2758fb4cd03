"""Login sessions on the server: what the cookie holds, the "Log-in and security" page, idle
limits, and the notice a person gets when an administrator made a reset link for them."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from server.auth import sessions
from server.extensions import db
from server.models import AuditEntry, LoginSession, utcnow
from tests.conftest import Course
from tests.factories import PASSWORD

PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)


def _session_cookie(app: Flask, client: FlaskClient) -> dict[str, object]:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def test_the_session_cookie_holds_nothing_made_from_the_address(
    app: Flask, client: FlaskClient, course: Course
) -> None:
    """Flask-Login's own session identifier is a SHA-512 of "address|User-Agent": an IPv4
    address can be recovered from it by trying every address. The cookie holds none of it."""
    person = course.participants[0]
    client.post(
        "/login",
        data={"login": person.login, "password": PASSWORD},
        headers={"User-Agent": PHONE_AGENT},
        environ_base={"REMOTE_ADDR": "192.0.2.77"},
    )
    data = _session_cookie(app, client)
    assert data.get("_id") in (None, "")
    made = hashlib.sha512(f"192.0.2.77|{PHONE_AGENT}".encode()).hexdigest()
    assert made not in repr(data)
    assert "192.0.2.77" not in repr(data)
    # What names the log-in is a random token whose hash alone the server keeps.
    user_id, _, token = str(data["_user_id"]).partition(":")
    assert int(user_id) == person.id
    kept = db.session.scalar(db.select(LoginSession).where(LoginSession.user_id == person.id))
    assert kept is not None and token and token not in kept.token_hash


def test_the_security_page_lists_each_browser_by_kind_and_last_use_only(
    client: FlaskClient, course: Course, login_as
) -> None:  # type: ignore[no-untyped-def]
    person = course.participants[0]
    client.post(
        "/login",
        data={"login": person.login, "password": PASSWORD},
        headers={"User-Agent": PHONE_AGENT},
        environ_base={"REMOTE_ADDR": "192.0.2.77"},
    )
    login_as(person)
    page = client.get("/account/security").get_data(as_text=True)
    assert "<title>Log-in and security · Kreds</title>" in page
    assert "Phone · Chrome" in page
    assert "This browser" in page
    assert page.count("Log out this browser") == 1  # the other one
    assert "192.0.2.77" not in page and "Pixel" not in page and "Android" not in page


def test_a_browser_unused_past_its_limit_is_logged_out(client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    client.post("/login", data={"login": person.login, "password": PASSWORD})
    login = db.session.scalar(db.select(LoginSession).where(LoginSession.user_id == person.id))
    assert login is not None
    login.last_seen_at = utcnow() - sessions.IDLE_LIMIT - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/").status_code == 302
    assert db.session.scalar(db.select(db.func.count(LoginSession.id))) == 0


def test_kept_logged_in_lasts_longer_but_not_for_ever(client: FlaskClient, course: Course) -> None:
    person = course.participants[0]
    client.post("/login", data={"login": person.login, "password": PASSWORD, "remember": "y"})
    login = db.session.scalar(db.select(LoginSession).where(LoginSession.user_id == person.id))
    assert login is not None and login.remember
    login.last_seen_at = utcnow() - timedelta(days=3)
    db.session.commit()
    assert client.get("/").status_code == 200
    login.last_seen_at = utcnow() - sessions.REMEMBERED_IDLE_LIMIT - timedelta(minutes=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_a_reset_link_made_by_an_admin_is_told_at_the_next_log_in(
    client: FlaskClient, course: Course, admin_client: FlaskClient
) -> None:
    """A phished or coerced administrator makes a reset link for a facilitator: the facilitator
    hears of it the next time they log in, once."""
    facilitator = course.facilitator
    made = admin_client.post(f"/admin/people/{facilitator.id}/reset-link")
    assert made.status_code in (200, 302)
    assert db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "admin.user.reset_link")
    )
    first = client.post(
        "/login",
        data={"login": facilitator.login, "password": PASSWORD},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "An administrator made a password-reset link for your account" in first
    client.post("/logout")
    again = client.post(
        "/login",
        data={"login": facilitator.login, "password": PASSWORD},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "password-reset link" not in again


def test_data_downloads_are_never_cached(participant_client: FlaskClient) -> None:
    answer = participant_client.get("/account/data.json")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
